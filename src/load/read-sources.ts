/**
 * readSources resolves `-f` arguments (files, directories, `-` for stdin) into the bytes to parse,
 * with kubectl's rules. It is the loader's only file-system and stdin I/O, and it reads at most
 * maxBytes + 1 bytes of any source, so an oversized input costs nothing but a stat.
 */
import { constants as fsConstants } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { UsageError } from '../domain/errors';

/** Source is one input to parse: its name as the user gave it (`-` for stdin) and its bytes. */
export interface Source {
  name: string;
  bytes: Buffer;
  /** Full size on disk when it is over the limit; `bytes` is then empty, as it was never read. */
  size?: number;
}

/** ReadSourcesOptions says how to expand directories, where stdin comes from, and the size cap. */
export interface ReadSourcesOptions {
  /** `-R`: also read subdirectories of a directory argument. */
  recursive: boolean;
  /** Reads stdin; may stop after `maxBytes + 1` bytes (readStream does), as more is refused anyway. */
  readStdin: (maxBytes: number) => Promise<Buffer>;
  maxBytes: number;
}

/** MANIFEST_EXTENSIONS are the files a directory contributes (kubectl's list, case-sensitive). */
export const MANIFEST_EXTENSIONS: readonly string[] = ['.json', '.yaml', '.yml'];

/** readSources reads every `-f` argument in order; bad paths are UsageErrors, content is not judged. */
export async function readSources(paths: readonly string[], opts: ReadSourcesOptions): Promise<Source[]> {
  // Checked before any read, so a refused command line has not consumed stdin.
  if (paths.filter((p) => p === '-').length > 1) {
    throw new UsageError('stdin ("-f -") can be read only once; pass "-" a single time');
  }
  const out: Source[] = [];
  for (const p of paths) {
    if (p === '-') {
      out.push({ name: '-', bytes: await opts.readStdin(opts.maxBytes) });
      continue;
    }
    const info = await statPath(p);
    if (info.isDirectory()) await readDirectory(p, opts, out);
    else out.push(await readFile(p, opts.maxBytes));
  }
  return out;
}

/** readStream collects a stream's bytes, stopping after maxBytes + 1 so a huge input is not buffered. */
export async function readStream(stream: AsyncIterable<Buffer | string>, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    chunks.push(buf);
    total += buf.length;
    if (total > maxBytes) break; // leaving the loop destroys the stream: nothing more is read
  }
  const all = Buffer.concat(chunks, total);
  return all.length > maxBytes + 1 ? all.subarray(0, maxBytes + 1) : all;
}

async function readDirectory(dir: string, opts: ReadSourcesOptions, out: Source[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw pathError(dir, error);
  }
  // kubectl walks a directory in lexical order, descending into subdirectories where they sort.
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (opts.recursive) await readDirectory(full, opts, out);
      continue;
    }
    if (!MANIFEST_EXTENSIONS.includes(path.extname(entry.name))) continue;
    if (entry.isSymbolicLink()) {
      // A link to a file counts as that file; a link to a directory is not followed (as kubectl's
      // walk does not), which also rules out cycles.
      const target = await statPath(full);
      if (!target.isFile()) continue;
    } else if (!entry.isFile()) {
      continue; // a FIFO or socket named x.yaml would block or fail; only a named -f reads those
    }
    out.push(await readFile(full, opts.maxBytes));
  }
}

async function readFile(file: string, maxBytes: number): Promise<Source> {
  let handle;
  try {
    handle = await open(file, fsConstants.O_RDONLY);
  } catch (error) {
    throw pathError(file, error);
  }
  try {
    const info = await handle.stat();
    // A regular file's size is known: refuse it without reading. Pipes and devices (`-f <(cmd)`,
    // /dev/stdin) report no size, so they are read up to the limit instead.
    if (info.isFile() && info.size > maxBytes) return { name: file, bytes: Buffer.alloc(0), size: info.size };
    const bytes = await readStream(handle.createReadStream({ autoClose: false }), maxBytes);
    return { name: file, bytes };
  } catch (error) {
    throw pathError(file, error);
  } finally {
    await handle.close();
  }
}

async function statPath(p: string) {
  try {
    return await stat(p);
  } catch (error) {
    throw pathError(p, error);
  }
}

function pathError(p: string, error: unknown): UsageError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new UsageError(`the path "${p}" does not exist`);
    case 'EACCES':
    case 'EPERM':
      return new UsageError(`cannot read "${p}": permission denied; check its permissions or run as a user who can read it`);
    case 'ELOOP':
      return new UsageError(`cannot read "${p}": too many levels of symbolic links; point it at a real file`);
    case 'EISDIR':
      return new UsageError(`cannot read "${p}": it is a directory`);
    default: {
      const why = error instanceof Error ? error.message : String(error);
      return new UsageError(`cannot read "${p}": ${why}`);
    }
  }
}
