/**
 * projectFiles: the kubelet's AtomicWriter (kubernetes pkg/volume/util/atomic_writer.go) for the
 * files of configMap, secret and projected volumes, which kubeplay writes on the host and
 * bind-mounts read-only into containers. The layout a container sees is the kubelet's:
 *
 *     dir/
 *       ..2026_12_07_03_44_04.123456789/   the files, with their modes (nested paths made)
 *       ..data -> ..2026_12_07_03_44_04.123456789
 *       key    -> ..data/key               one link per first path segment (`a` for `a/b/c`)
 *
 * An update writes a complete new timestamped directory, points a new `..data_tmp` link at it and
 * renames that over `..data` (rename(2) is atomic), then adds the links of new keys, removes the
 * links of keys gone and the previous timestamped directory. A reader therefore sees each file
 * whole, old or new; a reader that resolves `..data` once sees one version of every file (reading
 * several `dir/key` paths one after another may straddle a swap, as on a kubelet).
 *
 * Nothing is written when `..data` already holds exactly these paths, bytes and modes (the
 * kubelet's shouldWritePayload, with modes compared too so a new defaultMode is carried out): a
 * re-apply does not churn. Paths are checked as the kubelet's validatePath does (relative, no `..`
 * segment, no leading `..`, 255 bytes a name, 4096 a path); the writer only ever writes into a
 * directory it has just made, so no symlink already in dir can lead a write outside it.
 *
 * Modes: dir, the timestamped directory and nested directories 0755, files as asked (chmod after
 * writing, so the umask does not change them); directories above dir that do not exist are made
 * 0700 (the host's way in is root's alone: a container sees the bind mount, not the path).
 */
import { randomInt } from 'node:crypto';
import { chmod, lstat, mkdir, readdir, readFile, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { InternalError } from '../domain/errors';
import type { ProjectedFile } from '../domain/types';

/** DATA_LINK is the symlink that names the current timestamped directory. */
export const DATA_LINK = '..data';
/** DATA_TMP_LINK is the link made beside `..data` and renamed over it. */
export const DATA_TMP_LINK = '..data_tmp';

const DIR_MODE = 0o755;
const PARENT_MODE = 0o700;
const MAX_NAME_BYTES = 255;
const MAX_PATH_BYTES = 4096;
/** A timestamped directory's name: `..YYYY_MM_DD_HH_MM_SS.<digits>` (Go's TempDir adds the digits). */
const TS_DIR = /^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d+$/;

/** ProjectOptions: the clock, for tests. */
export interface ProjectOptions {
  now?: () => Date;
}

/** ProjectResult says whether projectFiles wrote a new version (false: the content was already there). */
export interface ProjectResult {
  written: boolean;
  /** The timestamped directory `..data` names afterwards. */
  dataDir: string;
}

/** projectFiles writes files into dir in the kubelet's layout; see the module comment. */
export async function projectFiles(dir: string, files: readonly ProjectedFile[], opts: ProjectOptions = {}): Promise<ProjectResult> {
  const payload = cleanPayload(dir, files);
  await ensureTargetDir(dir);

  const current = await currentDataDir(dir);
  if (current !== undefined && (await holdsExactly(posix.join(dir, current), payload))) {
    // Same content: keep the version, but mend a missing top-level link.
    await linkTopLevel(dir, payload);
    await prune(dir, payload, current);
    return { written: false, dataDir: current };
  }

  const tsName = await makeTimestampDir(dir, (opts.now ?? (() => new Date()))());
  const tsPath = posix.join(dir, tsName);
  try {
    await writePayload(tsPath, payload);
    await linkTopLevel(dir, payload);
    const tmp = posix.join(dir, DATA_TMP_LINK);
    await rm(tmp, { force: true });
    await symlink(tsName, tmp);
    await rename(tmp, posix.join(dir, DATA_LINK));
  } catch (err) {
    await rm(tsPath, { recursive: true, force: true });
    throw err;
  }
  await prune(dir, payload, tsName);
  return { written: true, dataDir: tsName };
}

/** Payload is the files by cleaned path, content decoded. */
type Payload = Map<string, { data: Buffer; mode: number }>;

/** cleanPayload checks each path as the kubelet's validatePath does and decodes the content. */
function cleanPayload(dir: string, files: readonly ProjectedFile[]): Payload {
  const payload: Payload = new Map();
  for (const f of files) {
    const problem = pathProblem(f.path);
    if (problem !== undefined) throw new InternalError(`cannot write ${JSON.stringify(f.path)} into ${dir}: ${problem}; validation should have refused it`);
    const clean = posix.normalize(f.path).replace(/\/+$/, '');
    if (payload.has(clean)) throw new InternalError(`cannot write into ${dir}: the path ${clean} is given twice`);
    if (!Number.isInteger(f.mode) || f.mode < 0 || f.mode > 0o777) {
      throw new InternalError(`cannot write ${clean} into ${dir}: mode ${f.mode} is not between 0 and 0777`);
    }
    payload.set(clean, { data: Buffer.from(f.data, 'base64'), mode: f.mode });
  }
  // A file may not also be a directory of another (`a` and `a/b`).
  for (const p of payload.keys()) {
    for (let parent = posix.dirname(p); parent !== '.'; parent = posix.dirname(parent)) {
      if (payload.has(parent)) throw new InternalError(`cannot write into ${dir}: ${parent} is both a file and the directory of ${p}`);
    }
  }
  return payload;
}

/** pathProblem says what is wrong with a projected path, in the kubelet's words, or undefined. */
export function pathProblem(path: string): string | undefined {
  if (path === '') return 'invalid path: must not be empty';
  if (posix.isAbsolute(path)) return `invalid path: must be relative path: ${path}`;
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) return `invalid path: must be less than or equal to ${MAX_PATH_BYTES} characters`;
  const items = path.split('/');
  for (const item of items) {
    if (item === '..') return `invalid path: must not contain '..': ${path}`;
    if (Buffer.byteLength(item) > MAX_NAME_BYTES) return `invalid path: filenames must be less than or equal to ${MAX_NAME_BYTES} characters`;
  }
  const first = items[0] ?? '';
  if (first.startsWith('..') && first.length > 2) return `invalid path: must not start with '..': ${path}`;
  if (posix.normalize(path) === '.' || posix.normalize(path) === './') return `invalid path: must name a file: ${path}`;
  return undefined;
}

/** ensureTargetDir makes dir (0755; missing parents 0700) and refuses one that is not a plain directory. */
async function ensureTargetDir(dir: string): Promise<void> {
  const st = await lstat(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (st === undefined) {
    await mkdir(posix.dirname(dir), { recursive: true, mode: PARENT_MODE });
    await mkdir(dir, { mode: DIR_MODE });
    await chmod(dir, DIR_MODE);
    return;
  }
  if (!st.isDirectory()) {
    throw new InternalError(`cannot write files into ${dir}: it is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a directory'}; remove it and apply again`);
  }
}

/** currentDataDir is the timestamped directory `..data` names, or undefined when there is none (or it is not one of ours). */
async function currentDataDir(dir: string): Promise<string | undefined> {
  try {
    const target = await readlink(posix.join(dir, DATA_LINK));
    return TS_DIR.test(target) ? target : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EINVAL') return undefined;
    throw err;
  }
}

/** holdsExactly tells whether tsPath holds the payload's files (bytes and modes) and nothing else. */
async function holdsExactly(tsPath: string, payload: Payload): Promise<boolean> {
  const found = await regularFiles(tsPath, '');
  if (found === undefined || found.length !== payload.size) return false;
  for (const rel of found) {
    const want = payload.get(rel);
    if (want === undefined) return false;
    const full = posix.join(tsPath, rel);
    const st = await lstat(full);
    if ((st.mode & 0o7777) !== want.mode || st.size !== want.data.length) return false;
    if (!(await readFile(full)).equals(want.data)) return false;
  }
  return true;
}

/** regularFiles lists the files below root (relative paths), or undefined when it holds anything but files and directories. */
async function regularFiles(root: string, rel: string): Promise<string[] | undefined> {
  const out: string[] = [];
  const entries = await readdir(posix.join(root, rel), { withFileTypes: true }).catch(() => undefined);
  if (entries === undefined) return undefined;
  for (const e of entries) {
    const p = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isFile()) out.push(p);
    else if (e.isDirectory()) {
      const below = await regularFiles(root, p);
      if (below === undefined) return undefined;
      out.push(...below);
    } else return undefined;
  }
  return out;
}

/** makeTimestampDir makes a new `..YYYY_MM_DD_HH_MM_SS.NNNNNNNNN` directory in dir (0755) and returns its name. */
async function makeTimestampDir(dir: string, now: Date): Promise<string> {
  const stamp = timestamp(now);
  for (let attempt = 0; ; attempt++) {
    const name = `..${stamp}.${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;
    try {
      await mkdir(posix.join(dir, name), { mode: DIR_MODE });
      await chmod(posix.join(dir, name), DIR_MODE);
      return name;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 10) throw err;
    }
  }
}

/** timestamp formats a time as the kubelet names its data directories (UTC, Go's `2006_01_02_15_04_05`). */
export function timestamp(d: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}_${two(d.getUTCMonth() + 1)}_${two(d.getUTCDate())}_${two(d.getUTCHours())}_${two(d.getUTCMinutes())}_${two(d.getUTCSeconds())}`;
}

/** writePayload writes every file into the (new, empty) timestamped directory, then sets its mode. */
async function writePayload(tsPath: string, payload: Payload): Promise<void> {
  for (const [rel, f] of payload) {
    const full = posix.join(tsPath, rel);
    await mkdirs(tsPath, posix.dirname(rel));
    // 'wx': the directory is new, so nothing is there to follow or overwrite.
    await writeFile(full, f.data, { mode: f.mode, flag: 'wx' });
    await chmod(full, f.mode);
  }
}

/** mkdirs makes the nested directories of rel below root, 0755 whatever the umask. */
async function mkdirs(root: string, rel: string): Promise<void> {
  if (rel === '.' || rel === '') return;
  let at = root;
  for (const seg of rel.split('/')) {
    at = posix.join(at, seg);
    try {
      await mkdir(at, { mode: DIR_MODE });
      await chmod(at, DIR_MODE);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** topLevel is the set of first path segments: the names that get a `name -> ..data/name` link. */
function topLevel(payload: Payload): Set<string> {
  return new Set([...payload.keys()].map((p) => p.split('/')[0] ?? p));
}

/** linkTopLevel makes `name -> ..data/name` for each first segment, replacing whatever else is there. */
async function linkTopLevel(dir: string, payload: Payload): Promise<void> {
  for (const name of topLevel(payload)) {
    const link = posix.join(dir, name);
    const want = posix.join(DATA_LINK, name);
    const target = await readlink(link).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : ''));
    if (target === want) continue;
    if (target !== null) await rm(link, { recursive: true, force: true });
    await symlink(want, link);
  }
}

/** prune removes the links of names no longer projected, and every timestamped directory but keep. */
async function prune(dir: string, payload: Payload, keep: string): Promise<void> {
  const names = topLevel(payload);
  for (const e of await readdir(dir)) {
    if (e === DATA_LINK || e === keep) continue;
    const reserved = e.startsWith('..');
    // Ours to remove: links of keys gone, older versions, a `..data_tmp` an interrupted write left.
    if ((!reserved && !names.has(e)) || (reserved && (TS_DIR.test(e) || e === DATA_TMP_LINK))) {
      await rm(posix.join(dir, e), { recursive: true, force: true });
    }
  }
}
