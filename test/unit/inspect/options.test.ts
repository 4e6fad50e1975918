/**
 * The pure parts of describe, logs and exec: argument and flag parsing, validation, the container
 * choice kubectl makes, the TTY decision, and how a restarted container's log is split into runs.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { toDescribeOptions } from '../../../src/cli/commands/describe';
import { toExecOptions } from '../../../src/cli/commands/exec';
import { toLogsOptions } from '../../../src/cli/commands/logs';
import { chooseContainer } from '../../../src/commands/choose-container';
import { toDescribeArgs, validateDescribeOptions } from '../../../src/commands/describe';
import { useTty, validateExecOptions } from '../../../src/commands/exec';
import { parseDuration, runWindows, validateLogsOptions, type LogsOptions } from '../../../src/commands/logs';

const pod = (containers: string[], init: string[] = [], annotations?: Record<string, string>): V1Pod => ({
  metadata: { name: 'web', ...(annotations ? { annotations } : {}) },
  spec: { containers: containers.map((name) => ({ name })), initContainers: init.map((name) => ({ name })) },
});

describe('chooseContainer (kubectl FindOrDefaultContainerByName)', () => {
  test.each([
    ['one container, no -c: it, no note', pod(['app']), undefined, 'app', ''],
    ['several, no -c: the first, with the note listing all', pod(['app', 'side'], ['setup']), undefined, 'app', 'Defaulted container "app" out of: app, side, setup (init)\n'],
    ['one app and an init container: the note too', pod(['app'], ['setup']), undefined, 'app', 'Defaulted container "app" out of: app, setup (init)\n'],
    ['the default-container annotation: that one, no note', pod(['app', 'side'], [], { 'kubectl.kubernetes.io/default-container': 'side' }), undefined, 'side', ''],
    ['an annotation naming no container is ignored', pod(['app', 'side'], [], { 'kubectl.kubernetes.io/default-container': 'gone' }), undefined, 'app', 'Defaulted container "app" out of: app, side\n'],
    ['-c names an app container', pod(['app', 'side']), 'side', 'side', ''],
    ['-c names an init container', pod(['app'], ['setup']), 'setup', 'setup', ''],
  ])('%s', (_, p, requested, name, note) => {
    const c = chooseContainer(p, requested);
    expect([c.name, c.note]).toEqual([name, note]);
  });

  test('-c naming no container: kubectl\'s words, with the choices listed', () => {
    expect(() => chooseContainer(pod(['app', 'side'], ['setup']), 'nope')).toThrow('container nope is not valid for pod web: choose one of: app, side, setup (init)');
  });
});

describe('logs options', () => {
  const base: LogsOptions = { pod: 'web', allContainers: false, follow: false, tail: -1, timestamps: false, prefix: false, previous: false };

  test('argv: pod/NAME, -c, a second word as the container, flags', () => {
    expect(toLogsOptions({ pod: 'pod/web', container: 'side', tail: 5, since: '2m', follow: true, previous: true }, parseDuration)).toEqual({
      ...base, container: 'side', tail: 5, sinceSeconds: 120, follow: true, previous: true,
    });
    expect(toLogsOptions({ pod: 'web', containerArg: 'side' }, parseDuration).container).toBe('side');
  });

  test.each([
    ['10s', 10], ['5m', 300], ['1h30m', 5400], ['1.5h', 5400], ['300ms', 0.3],
  ])('parseDuration(%s) = %d s', (text, seconds) => expect(parseDuration(text)).toBeCloseTo(seconds));

  test.each(['', '10', '5x', '1h 2m', 'm'])('parseDuration(%j) is refused', (text) => expect(() => parseDuration(text)).toThrow(/invalid duration/));

  test.each([
    [{ allContainers: true, container: 'a' }, '--all-containers=true should not be specified with container name a'],
    [{ tail: -2 }, '--tail must be -1'],
    [{ pod: '' }, 'expected POD'],
  ] as Array<[Partial<LogsOptions>, string]>)('validate refuses %j', (over, message) => {
    expect(() => validateLogsOptions({ ...base, ...over })).toThrow(message);
  });

  const t = (s: number) => new Date(1_000_000 + s * 1000);
  test('runWindows: a running container after two deaths has three runs; the last is open', () => {
    expect(runWindows([t(1), t(2)], false)).toEqual([{ until: t(1) }, { since: t(1), until: t(2) }, { since: t(2) }]);
  });
  test('runWindows: a container that is down ends with the run its last death closed', () => {
    expect(runWindows([t(1), t(2)], true)).toEqual([{ until: t(1) }, { since: t(1), until: t(2) }]);
  });
  test('runWindows: never died is one open run; no previous', () => {
    expect(runWindows([], false)).toEqual([{}]);
    expect(runWindows([], true)).toEqual([{}]);
  });
});

describe('exec options', () => {
  test('the command is what follows --, flags before it are kubeplay\'s', () => {
    expect(toExecOptions({ pod: 'po/web', '--': ['sh', '-c', 'exit 3'], container: 'app', stdin: true, tty: false })).toEqual({
      pod: 'web', container: 'app', command: ['sh', '-c', 'exit 3'], stdin: true, tty: false,
    });
  });
  test('no command is kubectl\'s error', () => {
    expect(() => validateExecOptions({ pod: 'web', command: [], stdin: false, tty: false })).toThrow('you must specify at least one command for the container');
  });
  test.each([
    [{ stdin: true, tty: true }, true, true, ''],
    [{ stdin: true, tty: true }, false, false, 'Unable to use a TTY - input is not a terminal or the right kind of file\n'],
    [{ stdin: false, tty: true }, true, false, ''],
    [{ stdin: true, tty: false }, true, false, ''],
  ])('useTty(%j, terminal %s) = %s', (o, terminal, tty, warning) => {
    expect(useTty({ pod: 'web', command: ['sh'], ...o }, terminal)).toEqual({ tty, warning });
  });
});

describe('describe options', () => {
  test.each([
    [['pod', 'web', 'db'], { resource: 'pod', names: ['web', 'db'] }],
    [['pod/web', 'pods/db'], { resource: 'pods', names: ['web', 'db'] }],
    [['pods'], { resource: 'pods', names: [] }],
    [[], { resource: '', names: [] }],
  ])('toDescribeArgs(%j)', (args, want) => expect(toDescribeArgs(args)).toEqual(want));

  test('argv with -l and -f', () => {
    expect(toDescribeOptions({ args: ['pods'], selector: 'app=web', filename: ['a.yaml'] }, toDescribeArgs)).toEqual({
      resource: 'pods', names: [], files: ['a.yaml'], recursive: false, selector: 'app=web', namespace: 'default', allNamespaces: false,
    });
  });

  test.each([
    [{ resource: '', names: [], files: [] }, 'you must specify the type of resource to describe'],
    [{ resource: 'cronjobs', names: ['x'], files: [] }, 'the server doesn\'t have a resource type "cronjobs"'],
    [{ resource: 'pod', names: ['x'], files: ['f.yaml'] }, '-f and resource names cannot be used together'],
    [{ resource: 'pod', names: ['x'], files: [], selector: 'a=b' }, 'name cannot be provided when a selector is specified'],
  ])('validate refuses %j', (o, message) => {
    expect(() => validateDescribeOptions({ recursive: false, namespace: 'default', allNamespaces: false, ...o })).toThrow(message);
  });
  test('mixing pod/NAME and a plain word is refused', () => expect(() => toDescribeArgs(['pod', 'pod/web'])).toThrow('resource/name form'));
});
