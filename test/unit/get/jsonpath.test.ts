// kubectl's JSONPath subset over a plain List.
import { UsageError } from '../../../src/domain/errors';
import { compileJsonPath } from '../../../src/print/get/jsonpath';

const list = {
  kind: 'List',
  items: [
    { metadata: { name: 'a', labels: { app: 'web', 'app.kubernetes.io/name': 'x' } }, status: { phase: 'Running', podIP: '10.0.0.1', containerStatuses: [{ name: 'c1', restartCount: 0 }, { name: 'c2', restartCount: 3 }] } },
    { metadata: { name: 'b', labels: { app: 'db' } }, status: { phase: 'Pending', containerStatuses: [{ name: 'c1', restartCount: 1 }] } },
  ],
};

test.each([
  ['{.kind}', 'List'],
  ['{.items[*].metadata.name}', 'a b'],
  ['{.items[0].status.podIP}', '10.0.0.1'],
  ['{.items[-1].metadata.name}', 'b'],
  ['{.items[0:1].metadata.name}', 'a'],
  ['{.items[1].status.podIP}', ''],
  ["{.items[0].metadata.labels['app.kubernetes.io/name']}", 'x'],
  ['{.items[?(@.status.phase=="Running")].metadata.name}', 'a'],
  ['{.items[?(@.status.phase!="Running")].metadata.name}', 'b'],
  ['{.items[?(@.status.podIP)].metadata.name}', 'a'],
  ['{..restartCount}', '0 3 1'],
  ['{range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}', 'a\tRunning\nb\tPending\n'],
  ['names: {.items[*].metadata.name}!', 'names: a b!'],
  ['{.items[0].status.containerStatuses[1]}', '{"name":"c2","restartCount":3}'],
  ['{.items[0].status.containerStatuses[?(@.restartCount>0)].name}', 'c2'],
])('%s', (template, want) => {
  expect(compileJsonPath(template)(list)).toBe(want);
});

test.each([['{.items[*'], ['{range .items[*]}{.x}'], ['{end}'], ['{.items[?(foo)]}'], ['{.a b}']])('malformed %s is a usage error', (t) => {
  expect(() => compileJsonPath(t)).toThrow(UsageError);
});
