/**
 * serve --install: the unit's text for root and for a user, systemd's quoting of ExecStart and
 * Environment, where the file goes and the commands returned; and systemd's own reading of the
 * written file (`systemd-analyze verify`, which refuses bad settings and unbalanced quoting and
 * warns on unknown escapes).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasPodmanSocket, installServe, installUnit, quoteExecArg, systemdUnit, unitDirectory, unitServeArgs } from '../../../src/serve/install';

const KUBEPLAY = join(__dirname, '..', '..', '..', 'bin', 'kubeplay.js');
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kubeplay-install-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

test('the system unit: after and wanting the network and podman.socket, multi-user.target', () => {
  const text = systemdUnit({
    exec: ['/usr/bin/node', '/opt/kubeplay/bin/kubeplay.js', 'serve', '--address', '127.0.0.1', '--port', '6443'],
    stateDir: '/var/lib/kubeplay',
    user: 'root',
    env: { HOME: '/root' },
    podmanSocket: true,
  });
  expect(text).toBe(`# kubeplay.service: written by \`kubeplay serve --install\`; written again by the next --install.
[Unit]
Description=kubeplay serve: the Kubernetes API over Podman
After=network-online.target podman.socket
Wants=network-online.target podman.socket

[Service]
Type=simple
Environment="HOME=/root"
Environment="KUBEPLAY_STATE_DIR=/var/lib/kubeplay"
ExecStart=/usr/bin/node /opt/kubeplay/bin/kubeplay.js serve --address 127.0.0.1 --port 6443
Restart=on-failure
RestartSec=2s

[Install]
WantedBy=multi-user.target
`);
});

test('the user unit: podman.socket only where it exists, default.target', () => {
  const withSocket = systemdUnit({ exec: ['/usr/bin/node', '/k.js', 'serve'], stateDir: '/home/me/.local/share/kubeplay', user: 'user', podmanSocket: true });
  expect(withSocket).toContain('\nAfter=podman.socket\nWants=podman.socket\n');
  expect(withSocket).toContain('\nWantedBy=default.target\n');
  expect(withSocket).not.toContain('network-online');
  const without = systemdUnit({ exec: ['/usr/bin/node', '/k.js', 'serve'], stateDir: '/s', user: 'user' });
  expect(without).not.toMatch(/^After=|^Wants=/m);
});

test.each([
  ['plain', 'plain'],
  ['--port=6443', '--port=6443'],
  ['/path with space/kubeplay.js', '"/path with space/kubeplay.js"'],
  ['100%', '100%%'],
  ['$HOME', '"$$HOME"'],
  ['say "hi"', '"say \\"hi\\""'],
  ['back\\slash', '"back\\\\slash"'],
  ['', '""'],
  ['a;b', '"a;b"'],
])('quoteExecArg(%j)', (word, want) => expect(quoteExecArg(word)).toBe(want));

test('refusals: a relative program, a relative state directory, a bad variable name', () => {
  expect(() => systemdUnit({ exec: ['node', 'k.js'], stateDir: '/s', user: 'root' })).toThrow(/ExecStart needs an absolute path/);
  expect(() => systemdUnit({ exec: [], stateDir: '/s', user: 'root' })).toThrow(/absolute path/);
  expect(() => systemdUnit({ exec: ['/n'], stateDir: 'state', user: 'root' })).toThrow(/give an absolute path/);
  expect(() => systemdUnit({ exec: ['/n'], stateDir: '/s', user: 'root', env: { 'A-B': 'x' } })).toThrow(/letters, digits and _/);
});

test('unitDirectory and hasPodmanSocket', () => {
  expect(unitDirectory('root', '/root')).toBe('/etc/systemd/system');
  expect(unitDirectory('user', '/home/me')).toBe('/home/me/.config/systemd/user');
  expect(unitDirectory('user', '/home/me', '/xdg')).toBe('/xdg/systemd/user');
  expect(hasPodmanSocket('root', (p) => p === '/lib/systemd/system/podman.socket')).toBe(true);
  expect(hasPodmanSocket('user', (p) => p === '/lib/systemd/system/podman.socket')).toBe(false);
  expect(hasPodmanSocket('user', (p) => p === '/usr/lib/systemd/user/podman.socket')).toBe(true);
});

test('installUnit writes the file 0644 and returns the commands; a second install changes nothing', () => {
  const unit = systemdUnit({ exec: ['/usr/bin/node', '/k.js', 'serve'], stateDir: '/s', user: 'root' });
  const dir = join(root, 'etc', 'systemd', 'system');
  const first = installUnit({ unit, scope: 'root', home: '/root', dir });
  expect(first).toEqual({ path: join(dir, 'kubeplay.service'), changed: true, commands: ['systemctl daemon-reload', 'systemctl enable --now kubeplay.service'] });
  expect(readFileSync(first.path, 'utf8')).toBe(unit);
  expect(statSync(first.path).mode & 0o777).toBe(0o644);
  expect(installUnit({ unit, scope: 'root', home: '/root', dir }).changed).toBe(false);
  const user = installUnit({ unit, scope: 'user', home: join(root, 'home'), userName: 'me' });
  expect(user.path).toBe(join(root, 'home', '.config', 'systemd', 'user', 'kubeplay.service'));
  expect(user.commands).toEqual(['systemctl --user daemon-reload', 'systemctl --user enable --now kubeplay.service', 'loginctl enable-linger me']);
});

test('installUnit names the file it could not write', () => {
  const file = join(root, 'plain');
  require('node:fs').writeFileSync(file, '');
  expect(() => installUnit({ unit: 'x', scope: 'root', home: '/root', dir: join(file, 'sub') })).toThrow(/^cannot write the systemd unit .*plain\/sub\/kubeplay\.service: .*; run as root, or use --user/);
});

function verify(path: string, user: boolean): Promise<{ code: number; stderr: string }> {
  const runtime = join(root, 'runtime');
  mkdirSync(runtime, { recursive: true, mode: 0o700 });
  return new Promise((resolve) => {
    const args = [...(user ? ['--user'] : []), 'verify', path];
    execFile('systemd-analyze', args, { encoding: 'utf8', env: { ...process.env, XDG_RUNTIME_DIR: runtime } }, (e, _out, stderr) => resolve({ code: e ? (typeof e.code === 'number' ? e.code : -1) : 0, stderr }));
  });
}

describe('systemd-analyze verify reads the written unit', () => {
  if (!existsSync('/usr/bin/systemd-analyze') && !existsSync('/bin/systemd-analyze')) {
    test('systemd-analyze is here', () => {
      throw new Error('systemd-analyze is missing: apt-get install systemd (it only reads unit files; no running systemd is needed)');
    });
    return;
  }
  const hard = ['/usr/bin/node', KUBEPLAY, 'serve', '--note', 'a b "c" 100% $HOME \\x'];
  test.each([
    ['root', false],
    ['user', true],
  ] as const)('a %s unit, with words systemd must unquote: no error, no warning', async (scope, asUser) => {
    const unit = systemdUnit({ exec: [process.execPath, ...hard.slice(1)], stateDir: '/var/lib/kube play', user: scope, env: { HOME: '/root', ODD: 'x"y\\z 50%' }, podmanSocket: true });
    const { path } = installUnit({ unit, scope, home: root, dir: join(root, 'units') });
    expect(await verify(path, asUser)).toEqual({ code: 0, stderr: '' });
  });

  test('and it does fail a bad unit, so the passes mean something', async () => {
    const dir = join(root, 'units');
    const { path } = installUnit({ unit: '[Service]\nType=bogus\nExecStart=/usr/bin/node "unbalanced\n', scope: 'root', home: root, dir });
    const r = await verify(path, false);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Unbalanced quoting');
  });
});

describe('installServe: serve --install in one call', () => {
  test('unitServeArgs drops --install and --user and makes paths absolute', () => {
    expect(unitServeArgs(['--install', '--user', '--port', '7443', '--kubeconfig', 'kc', '--state-dir=st', '--address=0.0.0.0', '--install=true'], '/work')).toEqual([
      '--port',
      '7443',
      '--kubeconfig=/work/kc',
      '--state-dir=/work/st',
      '--address=0.0.0.0',
    ]);
    expect(unitServeArgs(['--kubeconfig=/abs/kc'], '/work')).toEqual(['--kubeconfig=/abs/kc']);
    expect(() => unitServeArgs(['--kubeconfig'], '/work')).toThrow(/--kubeconfig needs a path/);
  });

  test('the unit for this node and kubeplay, HOME and the set variables kept, podman.socket as found', () => {
    const r = installServe({
      node: '/usr/bin/node',
      script: '/opt/kubeplay/bin/kubeplay.js',
      serveArgs: ['--install', '--port', '6443'],
      cwd: '/root',
      stateDir: '/var/lib/kubeplay',
      scope: 'root',
      home: '/root',
      env: { KUBECONFIG: '/root/kc', CONTAINER_HOST: undefined },
      dir: join(root, 'units'),
      exists: (p) => p === '/usr/lib/systemd/system/podman.socket',
    });
    expect(r.path).toBe(join(root, 'units', 'kubeplay.service'));
    expect(readFileSync(r.path, 'utf8')).toBe(r.unit);
    expect(r.unit).toContain('\nExecStart=/usr/bin/node /opt/kubeplay/bin/kubeplay.js serve --port 6443\n');
    expect(r.unit).toContain('\nEnvironment="HOME=/root"\nEnvironment="KUBECONFIG=/root/kc"\nEnvironment="KUBEPLAY_STATE_DIR=/var/lib/kubeplay"\n');
    expect(r.unit).toContain('\nWants=network-online.target podman.socket\n');
    expect(r.unit).not.toContain('CONTAINER_HOST');
    expect(r.commands).toEqual(['systemctl daemon-reload', 'systemctl enable --now kubeplay.service']);
  });
});
