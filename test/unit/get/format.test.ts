// The printers: table layout (kubectl's tabwriter), wide, labels, name, json/yaml, and -o parsing.
import type { V1Pod } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../../../src/domain/errors';
import { KUBECTL_YAML_TAGS } from '../../../src/domain/yaml-scalars';
import { alignColumns, formatPods, parseOutput, type PrintOptions } from '../../../src/print/get/format';

const now = new Date('2026-05-01T12:00:00.500Z');

function v1(name: string, labels: Record<string, string>, ip = ''): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels, creationTimestamp: new Date('2026-05-01T11:57:00.123Z') },
    spec: { containers: [{ name: 'app', image: 'busybox' }] },
    status: {
      phase: 'Running',
      ...(ip ? { podIP: ip } : {}),
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'app', image: 'busybox', imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: new Date('2026-05-01T11:57:01Z') } } }],
    },
  };
}

const pods = [v1('web-1', { app: 'web', tier: 'front' }, '10.88.0.7'), v1('a-much-longer-name', {})];
const base: PrintOptions = { format: 'table', showLabels: false, labelColumns: [], noHeaders: false, single: false, node: 'host1' };

test('table: kubectl columns, padded to the widest cell plus 3', () => {
  expect(formatPods(pods, base, now)).toBe(
    'NAME                 READY   STATUS    RESTARTS   AGE\n' +
      'web-1                1/1     Running   0          3m\n' +
      'a-much-longer-name   1/1     Running   0          3m\n',
  );
});

test('wide adds IP, NODE, NOMINATED NODE, READINESS GATES; --show-labels and -L add label columns', () => {
  const out = formatPods(pods, { ...base, format: 'wide', showLabels: true, labelColumns: ['app', 'example.com/tier'] }, now);
  expect(out.split('\n')[0]).toBe(
    'NAME                 READY   STATUS    RESTARTS   AGE   IP          NODE    NOMINATED NODE   READINESS GATES   APP   TIER   LABELS',
  );
  expect(out.split('\n')[1]).toBe(
    'web-1                1/1     Running   0          3m    10.88.0.7   host1   <none>           <none>            web          app=web,tier=front',
  );
  expect(out.split('\n')[2]).toMatch(/^a-much-longer-name .* <none> +host1 .*<none>$/);
});

test('--no-headers; name; nothing prints nothing', () => {
  expect(formatPods(pods, { ...base, noHeaders: true }, now).split('\n')[0]).toMatch(/^web-1 /);
  expect(formatPods(pods, { ...base, format: 'name' }, now)).toBe('pod/web-1\npod/a-much-longer-name\n');
  expect(formatPods([], base, now)).toBe('');
});

test('json: a List with sorted keys and times to the second; one named pod prints the object', () => {
  const list = JSON.parse(formatPods(pods, { ...base, format: 'json' }, now));
  expect(Object.keys(list)).toEqual(['apiVersion', 'items', 'kind', 'metadata']);
  expect(list.kind).toBe('List');
  expect(list.items).toHaveLength(2);
  expect(list.items[0].metadata.creationTimestamp).toBe('2026-05-01T11:57:00Z');
  expect(Object.keys(list.items[0])).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
  const one = JSON.parse(formatPods([pods[0]!], { ...base, format: 'json', single: true }, now));
  expect(one.kind).toBe('Pod');
  expect(formatPods([pods[0]!], { ...base, format: 'json', single: true }, now)).toMatch(/^\{\n {4}"apiVersion": "v1",/);
});

test('yaml: the same object, kubectl-style sequences', () => {
  const text = formatPods([pods[0]!], { ...base, format: 'yaml', single: true }, now);
  expect(text).toContain('containers:\n  - image: busybox\n    name: app\n');
  expect(parseYaml(text)).toEqual(JSON.parse(formatPods([pods[0]!], { ...base, format: 'json', single: true }, now)));
});

test('yaml: strings kubectl would read as another type are quoted (kubectl reads YAML 1.1)', () => {
  const pod = v1('web', { app: 'web' });
  pod.metadata!.annotations = { enabled: 'yes', mode: '0644', big: '1e3', plain: 'hello' };
  pod.spec!.containers[0]!.env = [{ name: 'FLAG', value: 'on' }, { name: 'PORT', value: '8_080' }];
  const text = formatPods([pod], { ...base, format: 'yaml', single: true }, now);
  expect(text).toContain('    enabled: "yes"\n');
  expect(text).toContain('    mode: "0644"\n');
  expect(text).toContain('    big: "1e3"\n');
  expect(text).toContain('    plain: hello\n');
  expect(text).toContain('value: "on"\n');
  expect(text).toContain('value: "8_080"\n');
  // Read back as kubectl reads it, every value is still the string it was.
  expect(parseYaml(text, { customTags: KUBECTL_YAML_TAGS })).toEqual(JSON.parse(formatPods([pod], { ...base, format: 'json', single: true }, now)));
});

test('jsonpath renders over the List', () => {
  const o = parseOutput('jsonpath={.items[*].metadata.name}');
  expect(formatPods(pods, { ...base, format: o.format, jsonpath: o.jsonpath! }, now)).toBe('web-1 a-much-longer-name');
});

test('parseOutput: known formats, and an unknown one lists the allowed', () => {
  expect(parseOutput(undefined)).toEqual({ format: 'table' });
  expect(parseOutput('wide')).toEqual({ format: 'wide' });
  expect(() => parseOutput('xml')).toThrow('allowed formats are: json,yaml,name,wide,jsonpath=TEMPLATE');
  expect(() => parseOutput('jsonpath=')).toThrow(UsageError);
  expect(() => parseOutput('jsonpath={.items[')).toThrow(UsageError);
});

test('alignColumns: minimum width 6, the last column unpadded', () => {
  expect(alignColumns([['A', 'B', 'C'], ['xx', 'y', 'z']])).toBe('A     B     C\nxx    y     z\n');
});
