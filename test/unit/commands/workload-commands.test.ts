/**
 * The pure parts of scale, rollout and wait: kubectl's ways of naming objects, --for's grammar
 * and what meets it, and a LabelSelector written in kubectl's selector grammar (logs/exec deploy/x).
 */
import { meets, parseFor } from '../../../src/commands/wait';
import { workloadRefs } from '../../../src/commands/workloads';
import { selectorText } from '../../../src/commands/pick-pod';
import { UsageError } from '../../../src/domain/errors';

test('workloadRefs reads TYPE/NAME and TYPE NAME as kubectl does, in the namespace given', () => {
  expect(workloadRefs(['deployment/web', 'deploy/api'], 'shop', 'scale').map((r) => [r.kind.info.kind, r.name, r.namespace])).toEqual([
    ['Deployment', 'web', 'shop'],
    ['Deployment', 'api', 'shop'],
  ]);
  expect(workloadRefs(['sts', 'db', 'cache'], undefined, 'scale').map((r) => [r.kind.info.kind, r.name, r.namespace])).toEqual([
    ['StatefulSet', 'db', 'default'],
    ['StatefulSet', 'cache', 'default'],
  ]);
  expect(() => workloadRefs([], undefined, 'scale')).toThrow(UsageError);
  expect(() => workloadRefs(['deploy'], undefined, 'scale')).toThrow(/you must specify the name/);
  expect(() => workloadRefs(['deploy', 'deploy/web'], undefined, 'scale')).toThrow(/no need to specify a resource type as a separate argument/);
  expect(() => workloadRefs(['cronjobs/x'], undefined, 'scale')).toThrow(/the server doesn't have a resource type "cronjobs"/);
});

test('--for: condition (value true unless given), delete, jsonpath; anything else is kubectl\'s error', () => {
  expect(parseFor('condition=Available')).toEqual({ type: 'condition', condition: 'Available', value: 'true' });
  expect(parseFor('condition=Ready=false')).toEqual({ type: 'condition', condition: 'Ready', value: 'false' });
  expect(parseFor('delete')).toEqual({ type: 'delete' });
  expect(parseFor("jsonpath={.status.phase}=Running")).toEqual({ type: 'jsonpath', path: '{.status.phase}', value: 'Running' });
  expect(() => parseFor('ready')).toThrow('unrecognized condition: "ready"');
  expect(() => parseFor('')).toThrow(/--for must be set/);
});

test('meets: conditions compare type and status case-insensitively; delete is absence; jsonpath compares text', () => {
  const job = { status: { conditions: [{ type: 'Complete', status: 'True' }], phase: 'x' } };
  expect(meets(job, parseFor('condition=complete'))).toBe(true);
  expect(meets(job, parseFor('condition=Complete=False'))).toBe(false);
  expect(meets(job, parseFor('condition=Failed'))).toBe(false);
  expect(meets(undefined, parseFor('delete'))).toBe(true);
  expect(meets(job, parseFor('delete'))).toBe(false);
  expect(meets({ status: { phase: 'Running' } }, parseFor('jsonpath={.status.phase}=Running'))).toBe(true);
  expect(meets({ status: { phase: 'Pending' } }, parseFor('jsonpath={.status.phase}=Running'))).toBe(false);
});

test('selectorText writes matchLabels and every matchExpressions operator in kubectl\'s grammar', () => {
  expect(
    selectorText({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['a', 'b'] },
        { key: 'env', operator: 'NotIn', values: ['dev'] },
        { key: 'team', operator: 'Exists' },
        { key: 'old', operator: 'DoesNotExist' },
      ],
    }),
  ).toBe('app=web,tier in (a,b),env notin (dev),team,!old');
});
