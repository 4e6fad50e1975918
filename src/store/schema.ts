/**
 * The store's SQL schema and its migrations. `meta` holds the schema version, the revision
 * counter and the compacted revision; `objects` the current objects; `changes` the change log.
 *
 *   meta(key PRIMARY KEY, value)       schema_version, revision, compacted_revision
 *   objects(kind, namespace, name PRIMARY KEY, revision, body)   body = the object as JSON
 *   changes(revision PRIMARY KEY, type, kind, namespace, name, body)
 *
 * A migration takes the schema from version i to i + 1; openDatabase runs the missing ones in
 * one BEGIN IMMEDIATE transaction, so concurrent processes migrate once and a crash migrates
 * nothing.
 */
import type Database from 'better-sqlite3';

/** Migration brings the schema from its index to the next version. */
export type Migration = (db: Database.Database) => void;

/** MIGRATIONS is the store's history: MIGRATIONS[i] goes from version i to i + 1. */
export const MIGRATIONS: readonly Migration[] = [
  (db) => {
    db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value NOT NULL) WITHOUT ROWID;
      INSERT INTO meta (key, value) VALUES ('schema_version', 0), ('revision', 0), ('compacted_revision', 0);
      CREATE TABLE objects (
        kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
        revision INTEGER NOT NULL, body TEXT NOT NULL,
        PRIMARY KEY (kind, namespace, name)
      ) WITHOUT ROWID;
      CREATE TABLE changes (
        revision INTEGER PRIMARY KEY,
        type TEXT NOT NULL CHECK (type IN ('ADDED', 'MODIFIED', 'DELETED')),
        kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL
      );
    `);
  },
];

/** schemaVersionOf reads the schema version; 0 for an empty database. */
export function schemaVersionOf(db: Database.Database): number {
  const hasMeta = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'`).get();
  if (hasMeta === undefined) return 0;
  const row = db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).pluck().get();
  return Number(row ?? 0);
}

/**
 * migrate runs the migrations the database lacks, in one immediate transaction, and returns the
 * version it found. It throws when the database is newer than `migrations` knows (the caller
 * says to upgrade kubeplay).
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  const to = migrations.length;
  const seen = schemaVersionOf(db); // a read: opening an up-to-date store takes no write lock
  if (seen === to) return { from: seen, to };
  return db
    .transaction(() => {
      const from = schemaVersionOf(db); // again under the lock: another process may have migrated
      if (from > to) throw new NewerSchemaError(from, to);
      for (let v = from; v < to; v++) migrations[v]!(db);
      if (from < to) db.prepare(`UPDATE meta SET value = ? WHERE key = 'schema_version'`).run(to);
      return { from, to };
    })
    .immediate();
}

/** NewerSchemaError is a database written by a newer kubeplay than this one. */
export class NewerSchemaError extends Error {
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(`its schema is version ${found}, and this kubeplay knows versions up to ${known}`);
  }
}
