import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { publishedHostPorts } from './podman';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '0.0.0.0', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const lockDir = path.join(os.tmpdir(), 'kubeplay-test-ports');

// Claims a range for this process with an exclusive lock file, so parallel jest workers (which
// cannot see each other's pods before they exist) never pick the same range. A lock whose
// process is gone is stale and is taken over.
function claim(base: number): boolean {
  fs.mkdirSync(lockDir, { recursive: true });
  const file = path.join(lockDir, String(base));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return true;
    } catch {
      const owner = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && pidAlive(owner)) return false;
      fs.rmSync(file, { force: true });
    }
  }
  return false;
}

/**
 * freePortBase returns the first port of a range of `count` host ports (default 20) that nothing
 * listens on, no Podman container publishes, and no other test process has claimed. Ranges lie
 * in 20000-31999, away from the examples' 18080-18085 and the kernel's ephemeral ports.
 * For an example: materialize(x, { prefix, hostPortOffset: base - EXAMPLES_HOST_PORT_BASE }).
 */
export async function freePortBase(count = 20): Promise<number> {
  const low = 20_000;
  const slots = Math.floor((32_000 - low) / count);
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = low + Math.floor(Math.random() * slots) * count;
    const published = await publishedHostPorts();
    let free = true;
    for (let p = base; p < base + count && free; p++) {
      free = !published.has(p) && (await portIsFree(p));
    }
    if (free && claim(base)) return base;
  }
  throw new Error(`freePortBase found no free range of ${count} ports in 50 tries; stop leftover test pods (podman pod ps).`);
}

/** HttpResponse is the status and body of an answered GET. */
export interface HttpResponse {
  status: number;
  body: string;
}

/** HttpGetOptions: overall time limit, and an optional predicate to keep retrying until it holds. */
export interface HttpGetOptions {
  timeoutMs?: number;
  until?: (res: HttpResponse) => boolean;
}

function getOnce(url: string, timeoutMs: number): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/**
 * httpGet GETs url, retrying every 200 ms while the connection fails (a container that is still
 * starting) or `until` rejects the answer, and resolves with the first acceptable response.
 * It rejects, with the last error or answer, after timeoutMs (default 15 s).
 */
export async function httpGet(url: string, opts: HttpGetOptions = {}): Promise<HttpResponse> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  let last = 'no attempt';
  for (;;) {
    try {
      const res = await getOnce(url, Math.max(100, Math.min(2000, deadline - Date.now())));
      if (!opts.until || opts.until(res)) return res;
      last = `answer ${res.status} ${JSON.stringify(res.body.slice(0, 200))} did not satisfy the condition`;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() >= deadline) {
      throw new Error(`GET ${url} gave no acceptable answer within ${timeoutMs} ms (last: ${last}); is the pod running and the port published?`);
    }
    await sleep(200);
  }
}
