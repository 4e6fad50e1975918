/**
 * The zone file, kept loaded: read at start, read again when it is replaced (kubeplay writes a new
 * file and renames it in, so the directory is watched, not the file), with a stat every second as
 * the fallback where directory events do not arrive (some overlay and bind mounts). A file that
 * does not parse leaves the previous zone in place; each such version is logged once, as is a
 * missing file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { parseZone, type ZoneIndex } from './zone';

/** ZoneFile holds the current zone of one file. */
export class ZoneFile {
  private current: ZoneIndex | undefined;
  private lastText: string | undefined;
  private lastSignature = '';
  private watcher: fs.FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;

  constructor(
    readonly file: string,
    private readonly log: (line: string) => void,
    private readonly pollMs = 1000,
  ) {}

  /** zone is the zone answered from now; undefined until a file has loaded. */
  zone(): ZoneIndex | undefined {
    return this.current;
  }

  /** start loads the file once and begins watching. */
  start(): void {
    this.check();
    try {
      this.watcher = fs.watch(path.dirname(this.file), { persistent: false }, (_event, name) => {
        if (name !== null && name !== path.basename(this.file)) return;
        if (this.debounce) clearTimeout(this.debounce);
        this.debounce = setTimeout(() => this.check(), 20);
      });
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      // No directory events here: the poll below still sees every replacement.
    }
    this.timer = setInterval(() => this.check(), this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
  }

  /** check reads the file when its identity, size or time changed since the last look. */
  check(): void {
    let signature: string;
    try {
      const st = fs.statSync(this.file);
      signature = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
    } catch (err) {
      signature = `missing:${(err as NodeJS.ErrnoException).code ?? ''}`;
      if (signature !== this.lastSignature) {
        this.lastSignature = signature;
        this.log(`kubeplay-dns: zone file ${this.file} cannot be read (${(err as Error).message}); ${this.current ? 'answering from the previous zone' : 'answering SERVFAIL until it appears'}`);
      }
      return;
    }
    if (signature === this.lastSignature) return;
    this.lastSignature = signature;
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      this.log(`kubeplay-dns: zone file ${this.file} cannot be read (${(err as Error).message}); ${this.current ? 'answering from the previous zone' : 'answering SERVFAIL until it appears'}`);
      return;
    }
    if (text === this.lastText) return;
    try {
      const index = parseZone(text, Math.floor(Date.now() / 1000));
      this.current = index;
      this.lastText = text;
      this.log(`kubeplay-dns: zone ${this.file} loaded: ${index.zone.domain}, ${Object.keys(index.zone.records).length} names, upstream ${index.zone.upstream.join(' ') || 'none'}`);
    } catch (err) {
      this.log(`kubeplay-dns: zone file ${this.file} not loaded: ${(err as Error).message}; ${this.current ? 'answering from the previous zone' : 'answering SERVFAIL until a good one appears'}`);
    }
  }
}
