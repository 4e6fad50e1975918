/**
 * Injection, against the real CLI and Podman: what reaches Podman is exactly what was validated.
 * Commands, arguments, environment values and annotations full of shell syntax, flags, newlines and
 * unicode arrive byte for byte in the container (read back from /proc/1 and podman inspect); names,
 * labels and paths that would be flags or leave their directory are refused before anything runs;
 * the last-applied manifest kubeplay stores on the pod reads back intact, so a second apply is a no-op.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { podmanExec, podmanOk, podmanState, runCli, useIsolatedPodman } from './support';

const { prefix, tmp } = useIsolatedPodman();

/** HOSTILE are strings a shell, a flag parser or a careless line-based format would act on. */
const HOSTILE = [
  '$(touch /tmp/pwned)',
  '`id`',
  '; rm -rf / #',
  '&& reboot',
  '| cat /etc/shadow',
  '--privileged',
  '-v=/:/host',
  '--volume',
  '/:/host',
  'line one\nline two',
  'tab\there',
  'carriage\rreturn',
  '${HOME} $PATH %s %n',
  '\'single\' "double" \\back\\slash',
  '*?[]{}~!#',
  '日本語 😀 ﬁ é',
  ' leading and trailing ',
  '',
  '\u2028\u2029\u0085',
  '\u001b[31mred\u001b[0m',
];

function file(name: string, value: unknown): string {
  const p = join(tmp, name);
  writeFileSync(p, typeof value === 'string' ? value : stringify(value));
  return p;
}

const SCRIPT = "trap 'exit 0' TERM; sleep 600 & wait";

describe('values reach the container byte for byte', () => {
  const pod = `${prefix}-bytes`;
  const ctr = `${pod}-app`;
  const env = HOSTILE.map((value, i) => ({ name: `HOSTILE_${i}`, value }));
  const manifest = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: pod, annotations: Object.fromEntries(HOSTILE.map((v, i) => [`example.com/hostile-${i}`, v])) },
    spec: { containers: [{ name: 'app', image: 'localhost/busybox:stable', command: ['sh', '-c', SCRIPT, 'sh'], args: HOSTILE, env }] },
  };
  let f: string;

  beforeAll(async () => {
    f = file('bytes.yaml', manifest);
    const r = await runCli(['apply', '-f', f]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`pod/${pod} created\n`);
  });

  test('command and args are PID 1\'s argv, exactly', async () => {
    const cmdline = (await podmanExec(ctr, ['cat', '/proc/1/cmdline'])).stdout;
    expect(cmdline.split('\0')).toEqual(['sh', '-c', SCRIPT, 'sh', ...HOSTILE, '']);
  });

  test('environment values are PID 1\'s environment, exactly', async () => {
    const environ = (await podmanExec(ctr, ['cat', '/proc/1/environ'])).stdout.split('\0');
    for (const { name, value } of env) expect(environ).toContain(`${name}=${value}`);
  });

  test('nothing was run by the shell text, and the container is not privileged', async () => {
    expect((await podmanExec(ctr, ['ls', '/tmp/pwned'])).code).not.toBe(0);
    expect((await podmanOk(['inspect', ctr, '--format', '{{.HostConfig.Privileged}} {{len .HostConfig.Binds}}'])).trim()).toBe('false 0');
  });

  test('annotations arrive as given', async () => {
    const annotations = JSON.parse(await podmanOk(['inspect', ctr, '--format', '{{json .Config.Annotations}}'])) as Record<string, string>;
    HOSTILE.forEach((v, i) => expect(annotations[`example.com/hostile-${i}`]).toBe(v));
  });

  test('the stored last-applied manifest reads back intact: the same file again is unchanged', async () => {
    const r = await runCli(['apply', '-f', f]);
    expect(r.stdout).toBe(`pod/${pod} unchanged\n`);
    expect(r.code).toBe(0);
    const got = await runCli(['get', 'pod', pod, '-o', 'json']);
    expect(got.code).toBe(0);
    const spec = (JSON.parse(got.stdout) as { spec: { containers: Array<{ args: string[]; env: unknown }> } }).spec;
    expect(spec.containers[0]?.args).toEqual(HOSTILE);
    expect(spec.containers[0]?.env).toEqual(env);
  });
});

describe('names and paths that could be flags or leave their directory are refused before anything runs', () => {
  test('pod, container, label, volume, claim and env names; hostPath and subPath with ..; a relative mountPath', async () => {
    const before = await podmanState({ prefix }); // the pod of the tests above runs on
    const f = file(
      'names.yaml',
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: --privileged',
        '  labels:',
        '    --net: host',
        '    app: --privileged',
        'spec:',
        '  containers:',
        '    - name: -v',
        '      image: localhost/busybox:stable',
        '      env:',
        '        - {name: "A=B", value: x}',
        '      volumeMounts:',
        '        - {name: data, mountPath: etc, subPath: ../../etc}',
        '  volumes:',
        '    - name: ../etc',
        '      hostPath: {path: /tmp/../etc}',
        '    - name: data',
        '      persistentVolumeClaim: {claimName: ../../etc/passwd}',
        '',
      ].join('\n'),
    );
    const r = await runCli(['apply', '-f', f]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.map((l) => l.replace(/: .*/s, ''))).toEqual([
      `${f}:4:3`, `${f}:6:5`, `${f}:7:5`, `${f}:10:7`, `${f}:13:12`, `${f}:15:24`, `${f}:15:40`, `${f}:17:7`, `${f}:18:18`, `${f}:20:31`, 'error',
    ]);
    for (const want of [
      'metadata.name: Invalid value: "--privileged": a lowercase RFC 1123 subdomain',
      'metadata.labels: Invalid value: "--net": name part must consist of',
      'metadata.labels: Invalid value: "--privileged": a valid label must be',
      'spec.containers[0].name: Invalid value: "-v": a lowercase RFC 1123 label',
      'spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than \'=\'',
      'spec.containers[0].volumeMounts[0].mountPath: mountPath "etc" must be an absolute path',
      'spec.containers[0].volumeMounts[0].subPath: Invalid value: "../../etc": must not contain \'..\'',
      'spec.volumes[0].name: Invalid value: "../etc": a lowercase RFC 1123 label',
      'spec.volumes[0].hostPath.path: Invalid value: "/tmp/../etc": must not contain \'..\'',
      'spec.volumes[1].persistentVolumeClaim.claimName: Invalid value: "../../etc/passwd": a lowercase RFC 1123 subdomain',
    ])
      expect(r.stderr).toContain(want);
    expect(r.stderr).toContain('error: 10 problems in 1 document of 1 file; nothing was applied.');
    expect(await podmanState({ prefix })).toBe(before);
  });

  test('an image named like a flag is only an image reference: Podman refuses it and nothing is left', async () => {
    const pod = `${prefix}-flagimage`;
    const f = file('flag-image.yaml', { apiVersion: 'v1', kind: 'Pod', metadata: { name: pod }, spec: { containers: [{ name: 'app', image: '--privileged' }] } });
    const r = await runCli(['apply', '-f', f]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error: pod/${pod}:`);
    expect(r.stderr).toContain('--privileged');
    expect(await podmanState({ prefix: pod })).toBe('');
  });
});

describe('hostPath: checked for existence and type before anything runs', () => {
  const hostPod = (name: string, path: string, type: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${prefix}-${name}` },
    spec: {
      containers: [{ name: 'app', image: 'localhost/busybox:stable', command: ['sh', '-c', SCRIPT], volumeMounts: [{ name: 'h', mountPath: '/h' }] }],
      volumes: [{ name: 'h', hostPath: { path, type } }],
    },
  });

  test('a missing Directory, a directory given as File, and a symlink to a file given as Directory are refused', async () => {
    const dir = join(tmp, 'host-dir');
    mkdirSync(dir);
    writeFileSync(join(tmp, 'host-file'), 'x');
    symlinkSync(join(tmp, 'host-file'), join(tmp, 'link-to-file'));
    for (const [name, path, type, why] of [
      ['missing', join(tmp, 'no-such-dir'), 'Directory', 'does not exist'],
      ['wrongtype', dir, 'File', 'is a directory'],
      ['linked', join(tmp, 'link-to-file'), 'Directory', 'is a file'],
    ] as const) {
      const f = file(`${name}.yaml`, hostPod(name, path, type));
      const r = await runCli(['apply', '-f', f]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(path);
      expect(r.stderr).toContain(why);
      expect(await podmanState({ prefix: `${prefix}-${name}` })).toBe('');
    }
  });
});
