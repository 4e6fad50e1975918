/**
 * Real kubectl exec against acceptExec: a test-only API server (fake-api-server.ts) hands the
 * upgrade to acceptExec and wires an echo (stdin upper-cased to stdout, a line on stderr, exit codes
 * chosen by the command). kubectl 1.27 and 1.28 speak SPDY; 1.30+ speak WebSocket v5.channel.k8s.io
 * and go back to SPDY with KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false. The TTY case runs kubectl
 * under script(1) so it has a terminal whose size it sends. No Podman is involved.
 */
import { spawn } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { acceptExec, type ExecSession } from '../../../../src/serve/streams';
import { kubectlBinary, runKubectl, startFakeApiServer, type FakeApiServer } from './fake-api-server';

interface Seen {
  transport: string;
  protocol: string;
  command: string[];
}

let server: FakeApiServer;
const seen: Seen[] = [];

/** echo drives a session as a tiny container would: by its command. */
function echo(session: ExecSession, command: string[]): void {
  const name = command.join(' ');
  if (name === 'cat') {
    // The stderr line goes after stdin's first bytes: kubectl 1.30's WebSocket client drops what
    // arrives before it has made its streams ("Unknown stream id 2, discarding message", a
    // client-go race fixed in later versions), and its stdin flows only once they exist.
    session.stdin!.once('data', () => session.stderr?.write('reading stdin\n'));
    session.stdin!.on('data', (d: Buffer) => session.stdout!.write(d.toString().toUpperCase()));
    session.stdin!.on('end', () => session.finish({ exitCode: 0 }));
  } else if (name === 'sh -c exit 3') {
    session.stderr?.write('about to exit 3\n');
    session.finish({ exitCode: 3 });
  } else if (name === 'size') {
    void (async () => {
      for await (const size of session.resizes) {
        session.stdout!.write(`size ${size.width}x${size.height}\n`);
        break;
      }
      session.finish({ exitCode: 0 });
    })();
  } else if (name === 'broken') {
    session.finish({ error: 'container "main" is not running' });
  } else {
    session.stdout?.write('ok\n');
    session.finish({ exitCode: 0 });
  }
}

async function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
  const q = url.searchParams;
  const command = q.getAll('command');
  const session = await acceptExec(req, socket, head, { stdin: q.get('stdin') === 'true', stdout: q.get('stdout') === 'true', stderr: q.get('stderr') === 'true', tty: q.get('tty') === 'true', command });
  if (!session) return;
  seen.push({ transport: session.transport, protocol: session.protocol, command });
  echo(session, command);
}

beforeAll(async () => {
  server = await startFakeApiServer((req, socket, head, url) => void onUpgrade(req, socket, head, url));
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  seen.length = 0;
});

const CASES: { label: string; minor: string; env?: Record<string, string>; transport: string; protocol: string }[] = [
  { label: '1.27', minor: '1.27', transport: 'spdy', protocol: 'v4.channel.k8s.io' },
  { label: '1.28', minor: '1.28', transport: 'spdy', protocol: 'v4.channel.k8s.io' },
  { label: '1.29', minor: '1.29', transport: 'spdy', protocol: 'v4.channel.k8s.io' },
  { label: '1.30', minor: '1.30', transport: 'websocket', protocol: 'v5.channel.k8s.io' },
  { label: '1.32', minor: '', transport: 'websocket', protocol: 'v5.channel.k8s.io' },
  { label: '1.33', minor: '1.33', transport: 'websocket', protocol: 'v5.channel.k8s.io' },
  { label: '1.32 KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false', minor: '', env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' }, transport: 'spdy', protocol: 'v4.channel.k8s.io' },
];

describe.each(CASES)('kubectl $label exec', ({ minor, env, transport, protocol }) => {
  const opts = env ? { env } : {};

  test(`-i pod -- cat: stdin comes back upper-cased, stderr passes, exit 0 (${transport})`, async () => {
    const r = await runKubectl(minor, server.kubeconfig, ['exec', '-i', 'web', '--', 'cat'], { ...opts, stdin: 'hello\nworld\n' });
    expect(r.stdout).toBe('HELLO\nWORLD\n');
    expect(r.stderr).toBe('reading stdin\n');
    expect(r.code).toBe(0);
    expect(seen).toEqual([{ transport, protocol, command: ['cat'] }]);
  });

  test(`pod -- sh -c 'exit 3': kubectl exits 3 with the kubelet's words (${transport})`, async () => {
    const r = await runKubectl(minor, server.kubeconfig, ['exec', 'web', '--', 'sh', '-c', 'exit 3'], opts);
    expect(r.stderr).toBe('about to exit 3\ncommand terminated with exit code 3\n');
    expect(r.code).toBe(3);
  });

  test(`an error that kept the command from running: kubectl prints the Status's message, exit 1 (${transport})`, async () => {
    const r = await runKubectl(minor, server.kubeconfig, ['exec', 'web', '--', 'broken'], opts);
    expect(r.stderr).toBe('error: Internal error occurred: error executing command in container: container "main" is not running\n');
    expect(r.code).toBe(1);
  });
});

/** runInTerminal runs kubectl under script(1) with a terminal of 123 columns and 45 rows. */
function runInTerminal(minor: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  const line = ['stty cols 123 rows 45;', kubectlBinary(minor), '--kubeconfig', server.kubeconfig, ...args].join(' ');
  return new Promise((resolve) => {
    const child = spawn('script', ['-qec', line, '/dev/null'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe.each([
  { label: '1.27', minor: '1.27', transport: 'spdy' },
  { label: '1.32', minor: '', transport: 'websocket' },
  { label: '1.33', minor: '1.33', transport: 'websocket' },
])('kubectl $label exec -it', ({ minor, transport }) => {
  test(`the terminal's size arrives as a resize (${transport})`, async () => {
    const r = await runInTerminal(minor, ['exec', '-it', 'web', '--', 'size']);
    expect(r.out).toContain('size 123x45');
    expect(r.code).toBe(0);
    expect(seen.map((s) => s.transport)).toEqual([transport]);
  });
});

describe.each([
  { label: '1.27', minor: '1.27', transport: 'spdy' },
  { label: '1.32', minor: '', transport: 'websocket' },
])('kubectl $label attach', ({ minor, transport }) => {
  test(`attach pod: the same session; its output and a clean end (${transport})`, async () => {
    const r = await runKubectl(minor, server.kubeconfig, ['attach', 'web', '-c', 'main']);
    expect(r.stdout).toBe('ok\n');
    expect(r.code).toBe(0);
    expect(seen.map((s) => [s.transport, s.command])).toEqual([[transport, []]]);
    expect(server.requests.some((q) => q.includes('/pods/web/attach'))).toBe(true);
  });
});
