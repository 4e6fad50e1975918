/**
 * The part of better-sqlite3's API the store uses, typed here because @types/better-sqlite3 is not
 * a dependency. Failures are thrown as SqliteError, an Error whose `code` is SQLite's (`SQLITE_BUSY`...).
 * Only src/store/ imports the module (and the store's tests, to inspect the file).
 */
declare module 'better-sqlite3' {
  namespace Database {
    /** RunResult is what a write statement reports. */
    interface RunResult {
      changes: number;
      lastInsertRowid: number | bigint;
    }
    /** Statement is a prepared statement. */
    interface Statement {
      run(...params: unknown[]): RunResult;
      get(...params: unknown[]): unknown;
      all(...params: unknown[]): unknown[];
      pluck(on?: boolean): this;
    }
    /** Transaction wraps a function in BEGIN/COMMIT (ROLLBACK when it throws). */
    interface Transaction<F extends (...args: never[]) => unknown> {
      (...args: Parameters<F>): ReturnType<F>;
      deferred(...args: Parameters<F>): ReturnType<F>;
      immediate(...args: Parameters<F>): ReturnType<F>;
      exclusive(...args: Parameters<F>): ReturnType<F>;
    }
    /** Options of the constructor; `timeout` is SQLite's busy timeout in ms. */
    interface Options {
      readonly?: boolean;
      fileMustExist?: boolean;
      timeout?: number;
    }
    /** Database is one connection. */
    interface Database {
      readonly name: string;
      readonly open: boolean;
      readonly inTransaction: boolean;
      prepare(sql: string): Statement;
      exec(sql: string): this;
      pragma(source: string, options?: { simple?: boolean }): unknown;
      transaction<F extends (...args: never[]) => unknown>(fn: F): Transaction<F>;
      close(): this;
    }
  }
  interface DatabaseConstructor {
    new (filename: string, options?: Database.Options): Database.Database;
  }
  const Database: DatabaseConstructor;
  export = Database;
}
