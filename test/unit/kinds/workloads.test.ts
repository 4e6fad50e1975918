// The workload kinds (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job) on plain data:
// validation (cases from upstream's TestValidateDeployment, TestValidateReplicaSet,
// TestValidateStatefulSet, TestValidateDaemonSet and TestValidateJob in
// pkg/apis/{apps,batch}/validation/validation_test.go, written out here for apps/v1 and batch/v1
// manifests: the API server defaults them before validating, so a field upstream's internal test
// leaves zero is given explicitly), the stored form with the API server's defaults, get's tables
// (kubectl 1.32's printers), describe's layouts, the update rules, and the registry's words.
import type { LoadedDocument, ValidManifest } from '../../../src/domain/types';
import type { KubeObject, StoredObject } from '../../../src/domain/objects';
import { validateManifests } from '../../../src/validate';
import { catalog, KINDS, resourceOf } from '../../../src/kinds/registry';
import { formatObjects, type PrintOptions } from '../../../src/print/get/format';
import { DEPLOYMENT, DEPLOYMENT_TABLE } from '../../../src/kinds/deployment';
import { REPLICASET, REPLICASET_TABLE } from '../../../src/kinds/replicaset';
import { STATEFULSET, STATEFULSET_TABLE } from '../../../src/kinds/statefulset';
import { DAEMONSET, DAEMONSET_TABLE } from '../../../src/kinds/daemonset';
import { completeJob, JOB, JOB_TABLE, jobUpdateProblems } from '../../../src/kinds/job';
import { describeDeployment } from '../../../src/kinds/deployment/describe';
import { describeReplicaSet } from '../../../src/kinds/replicaset/describe';
import { describeStatefulSet } from '../../../src/kinds/statefulset/describe';
import { describeDaemonSet } from '../../../src/kinds/daemonset/describe';
import { describeJob } from '../../../src/kinds/job/describe';
import { formatLabelSelector, goLabelSelector, selectorMatches, selectorText } from '../../../src/kinds/workload';
import { describeEvents, eventsAbout } from '../../../src/print/describe-events';
import type { DescribeRelated } from '../../../src/kinds/kind';

type Rec = Record<string, unknown>;

const doc = (value: Rec, i = 0): LoadedDocument => ({ source: 'w.yaml', documentIndex: i, basePath: [], value, locate: () => ({ line: 1, column: 1 }) });
const result = (values: Rec[], profile: 'privileged' | 'baseline' | 'restricted' = 'privileged') => validateManifests(values.map((v, i) => doc(v, i)), 'strict', profile, catalog());
const messages = (values: Rec[], severity = 'error', profile: 'privileged' | 'baseline' | 'restricted' = 'privileged') => {
  const r = result(values, profile);
  const issues = r.ok ? r.warnings : r.issues;
  return issues.filter((i) => i.severity === severity).map((i) => `${i.path}: ${i.message}`);
};
const manifest = (v: Rec): ValidManifest => {
  const r = result([v]);
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return r.manifests[0]!;
};
const asStored = (o: KubeObject, extra: Rec = {}): StoredObject => ({ ...o, metadata: { ...o.metadata, uid: 'uid-1', resourceVersion: '7', generation: 1, creationTimestamp: '2024-05-01T09:00:00Z', ...extra } });

const labels = { app: 'web' };
const podSpec = (extra: Rec = {}) => ({ containers: [{ name: 'web', image: 'localhost/busybox:stable' }], ...extra });
const template = (extra: Rec = {}, meta: Rec = { labels }) => ({ metadata: meta, spec: podSpec(extra) });
const deployment = (spec: Rec = {}, name = 'web'): Rec => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec: { selector: { matchLabels: labels }, template: template(), ...spec } });
const replicaSet = (spec: Rec = {}): Rec => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web' }, spec: { selector: { matchLabels: labels }, template: template(), ...spec } });
const statefulSet = (spec: Rec = {}, name = 'db'): Rec => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name }, spec: { selector: { matchLabels: labels }, template: template(), ...spec } });
const daemonSet = (spec: Rec = {}): Rec => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { selector: { matchLabels: labels }, template: template(), ...spec } });
const job = (spec: Rec = {}, name = 'pi'): Rec => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name }, spec: { template: { spec: podSpec({ restartPolicy: 'Never' }) }, ...spec } });

describe('registry: the names kubectl discovery gives the workload kinds', () => {
  test.each([
    ['deploy', 'Deployment'],
    ['deployments.apps', 'Deployment'],
    ['rs', 'ReplicaSet'],
    ['replicaset', 'ReplicaSet'],
    ['sts', 'StatefulSet'],
    ['statefulsets', 'StatefulSet'],
    ['ds', 'DaemonSet'],
    ['daemonsets.apps', 'DaemonSet'],
    ['job', 'Job'],
    ['jobs.batch', 'Job'],
  ])('%s is %s', (word, kind) => expect(resourceOf(word)?.info.kind).toBe(kind));
  test('apply order: after Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job; all in category all', () => {
    const names = KINDS.map((k) => k.info.kind);
    expect(names.slice(names.indexOf('Pod'))).toEqual(['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job']);
    for (const k of [DEPLOYMENT, REPLICASET, STATEFULSET, DAEMONSET, JOB]) {
      expect(k.info.categories).toEqual(['all']);
      expect(k.carriedOut).toBe('store');
    }
    expect(JOB.info.shortNames).toEqual([]);
    expect(resourceOf('jobs.apps')).toBeUndefined();
  });
});

describe('Deployment validation (upstream TestValidateDeployment)', () => {
  test('a valid Deployment', () => expect(messages([deployment()])).toEqual([]));
  test('Recreate without rollingUpdate, percentages, revisionHistoryLimit 0 are valid', () => {
    expect(messages([deployment({ strategy: { type: 'Recreate' }, revisionHistoryLimit: 0 })])).toEqual([]);
    expect(messages([deployment({ strategy: { rollingUpdate: { maxSurge: '100%', maxUnavailable: 0 } } })])).toEqual([]);
  });
  test.each<[string, Rec, string[]]>([
    ['selector should match the labels in pod template', deployment({ selector: { matchLabels: { name: 'def' } } }), ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`']],
    ['RestartPolicy should be always', deployment({ template: template({ restartPolicy: 'Never' }) }), ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']],
    ['must have valid strategy type', deployment({ strategy: { type: 'randomType' } }), ['spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"randomType", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"']],
    ['rollingUpdate should be nil for recreate', deployment({ strategy: { type: 'Recreate', rollingUpdate: {} } }), ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]],
    [
      'MaxSurge should be in the form of 20%',
      deployment({ strategy: { rollingUpdate: { maxSurge: '20Percent' } } }),
      ['spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"20Percent"}: a valid percent string must be a numeric string followed by an ending \'%\' (e.g. \'1%\',  or \'93%\', regex used for validation is \'[0-9]+%\')'],
    ],
    ['MaxSurge and MaxUnavailable cannot both be zero', deployment({ strategy: { rollingUpdate: { maxSurge: '0%', maxUnavailable: 0 } } }), ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0']],
    ['MaxUnavailable should not be more than 100%', deployment({ strategy: { rollingUpdate: { maxUnavailable: '110%' } } }), ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"110%"}: must not be greater than 100%']],
    ['ProgressDeadlineSeconds should be greater than MinReadySeconds', deployment({ progressDeadlineSeconds: 30, minReadySeconds: 30 }), ['spec.progressDeadlineSeconds: Invalid value: 30: must be greater than minReadySeconds']],
    ['negative replicas', deployment({ replicas: -1 }), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    ['negative revisionHistoryLimit', deployment({ revisionHistoryLimit: -2 }), ['spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0']],
    ['an empty selector', deployment({ selector: {} }), ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment']],
    ['an active deadline on its pods', deployment({ template: template({ activeDeadlineSeconds: 5 }) }), ['spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported']],
  ])('%s', (_what, d, want) => expect(messages([d])).toEqual(want));
  test('no selector: Required, and the template does not match a selector that selects nothing', () =>
    expect(messages([{ ...deployment(), spec: { template: template() } }])).toEqual(['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`', 'spec.selector: Required value']));
  test('a bad selector operator', () =>
    expect(messages([deployment({ selector: { matchExpressions: [{ key: 'app', operator: 'Like', values: ['web'] }] } })])).toEqual([
      'spec.selector.matchExpressions[0].operator: Invalid value: "Like": not a valid selector operator',
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"Like", Values:[]string{"web"}}}}: invalid label selector',
    ]));
  test('matchExpressions select the template', () => expect(messages([deployment({ selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'www'] }] } })])).toEqual([]));
  test("the template's pod is validated with the Pod's rules, located under spec.template", () => {
    expect(messages([deployment({ template: { metadata: { labels }, spec: { containers: [{ name: 'Web_1', image: 'x' }] } } })])[0]).toMatch(/^spec\.template\.spec\.containers\[0\]\.name: Invalid value: "Web_1": a lowercase RFC 1123 label/);
    expect(messages([deployment({ template: { metadata: { labels: { app: 'web', 'bad key!': 'x' } }, spec: podSpec() } })])).toContainEqual(expect.stringMatching(/^spec\.template\.metadata\.labels: Invalid value: "bad key!": name part must consist of/));
  });
  test('the security profile applies to the template', () =>
    expect(messages([deployment({ template: template({ containers: [{ name: 'web', image: 'x', securityContext: { privileged: true } }] }) })], 'error', 'baseline')).toEqual([
      'spec.template.spec.containers[0].securityContext.privileged: violates PodSecurity "baseline:latest": privileged (container "web" must not set securityContext.privileged=true)',
    ]));
  test("fields a template's pods would not carry out are warnings, located under spec.template", () =>
    expect(messages([deployment({ template: template({ priorityClassName: 'high' }) })], 'warning')).toEqual([expect.stringMatching(/^spec\.template\.spec\.priorityClassName: not carried out by kubeplay on Podman/)]));
  test('kubeplay refuses a hostPort with more than one replica, at the hostPort; one replica is fine', () => {
    const withPort = (replicas: number) => deployment({ replicas, template: template({ containers: [{ name: 'web', image: 'x', ports: [{ containerPort: 80, hostPort: 8080 }] }] }) });
    expect(messages([withPort(2)])).toEqual([
      "spec.template.spec.containers[0].ports[0].hostPort: hostPort 8080 in a Deployment of 2 replicas: only one pod can bind a host port on one machine, so the other 1 could never start; set replicas to 1, or remove hostPort and reach the pods another way (kubeplay's rule, not the API server's)",
    ]);
    expect(messages([withPort(1)])).toEqual([]);
  });
  test('the same Deployment twice is refused', () => expect(messages([deployment(), deployment()])[0]).toMatch(/^metadata\.name: deployment "web" is declared twice in namespace "default"/));
});

describe('ReplicaSet validation (upstream TestValidateReplicaSet)', () => {
  test('valid', () => expect(messages([replicaSet({ replicas: 0 })])).toEqual([]));
  test.each<[string, Rec, string[]]>([
    ['zero-length ID', { ...replicaSet(), metadata: {} }, ['metadata.name: Required value: name or generateName is required']],
    ['empty selector', replicaSet({ selector: {} }), ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment']],
    ['selector_doesnt_match', replicaSet({ selector: { matchLabels: { foo: 'bar' } } }), ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`']],
    ['negative_replicas', replicaSet({ replicas: -1 }), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    ['invalid restart policy 1', replicaSet({ template: template({ restartPolicy: 'OnFailure' }) }), ['spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"']],
  ])('%s', (_what, rs, want) => expect(messages([rs])).toEqual(want));
});

describe('StatefulSet validation (upstream TestValidateStatefulSet)', () => {
  const claims = [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }];
  const mounting = template({ containers: [{ name: 'db', image: 'x', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] });
  test('valid, with a claim template the template mounts', () => expect(messages([statefulSet({ template: mounting, volumeClaimTemplates: claims, podManagementPolicy: 'Parallel' })])).toEqual([]));
  test('OnDelete without rollingUpdate is valid', () => expect(messages([statefulSet({ updateStrategy: { type: 'OnDelete' } })])).toEqual([]));
  test.each<[string, Rec, string[]]>([
    ['name is a DNS label', { ...statefulSet(), metadata: { name: 'db.one' } }, ['metadata.name: Invalid value: "db.one": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\')']],
    ['empty selector', statefulSet({ selector: {} }), ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset']],
    ['selector_doesnt_match', statefulSet({ selector: { matchLabels: { foo: 'bar' } } }), ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`']],
    ['invalid restart policy', statefulSet({ template: template({ restartPolicy: 'Never' }) }), ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']],
    ['invalid pod management policy', statefulSet({ podManagementPolicy: 'foo' }), ["spec.podManagementPolicy: Invalid value: \"foo\": must be 'OrderedReady' or 'Parallel'"]],
    ['invalid update strategy', statefulSet({ updateStrategy: { type: 'foo' } }), ["spec.updateStrategy: Invalid value: apps.StatefulSetUpdateStrategy{Type:\"foo\", RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}: must be 'RollingUpdate' or 'OnDelete'"]],
    ['OnDelete with rollingUpdate', statefulSet({ updateStrategy: { type: 'OnDelete', rollingUpdate: { partition: 1 } } }), ["spec.updateStrategy.rollingUpdate: Invalid value: apps.RollingUpdateStatefulSetStrategy{Partition:1, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'"]],
    ['negative parition', statefulSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: -1 } } }), ['spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0']],
    ['set active deadline seconds', statefulSet({ template: template({ activeDeadlineSeconds: 1 }) }), ['spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported']],
    ['invalid PVC retention policy', statefulSet({ persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Keep' } }), ['spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: "Retain", "Delete"']],
    ['negative ordinals start', statefulSet({ ordinals: { start: -2 } }), ['spec.ordinals.start: Invalid value: -2: must be greater than or equal to 0']],
    ['a claim template without a name', statefulSet({ volumeClaimTemplates: [{ metadata: {}, spec: claims[0]!.spec }] }), ['spec.volumeClaimTemplates[0].metadata.name: Required value: name or generateName is required']],
  ])('%s', (_what, s, want) => expect(messages([s])).toEqual(want));
  test('a mount of a volume that is neither in the template nor a claim template', () =>
    expect(messages([statefulSet({ template: mounting })])).toEqual(['spec.template.spec.containers[0].volumeMounts[0].name: Not found: "data"']));
});

describe('DaemonSet validation (upstream TestValidateDaemonSet)', () => {
  test('valid; OnDelete; a surge with maxUnavailable 0', () => {
    expect(messages([daemonSet()])).toEqual([]);
    expect(messages([daemonSet({ updateStrategy: { type: 'OnDelete' } })])).toEqual([]);
    expect(messages([daemonSet({ updateStrategy: { rollingUpdate: { maxSurge: '10%', maxUnavailable: 0 } } })])).toEqual([]);
  });
  test.each<[string, Rec, string[]]>([
    ['selector_doesnt_match', daemonSet({ selector: { matchLabels: { foo: 'bar' } } }), ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`']],
    ['empty selector', daemonSet({ selector: {} }), ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for daemonset']],
    ['invalid restart policy', daemonSet({ template: template({ restartPolicy: 'OnFailure' }) }), ['spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"']],
    ['both surge and unavailable', daemonSet({ updateStrategy: { rollingUpdate: { maxSurge: 1 } } }), ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:""}: may not be set when maxUnavailable is non-zero']],
    ['neither', daemonSet({ updateStrategy: { rollingUpdate: { maxUnavailable: '0%' } } }), ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0']],
    ['a negative minReadySeconds', daemonSet({ minReadySeconds: -1 }), ['spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0']],
  ])('%s', (_what, ds, want) => expect(messages([ds])).toEqual(want));
});

describe('Job validation (upstream TestValidateJob)', () => {
  test('valid: Never, OnFailure, Indexed with completions', () => {
    expect(messages([job()])).toEqual([]);
    expect(messages([job({ template: { spec: podSpec({ restartPolicy: 'OnFailure' }) } })])).toEqual([]);
    expect(messages([job({ completionMode: 'Indexed', completions: 3, parallelism: 2 })])).toEqual([]);
  });
  test.each<[string, Rec, string[]]>([
    ['spec.parallelism:must be greater than or equal to 0', job({ parallelism: -1 }), ['spec.parallelism: Invalid value: -1: must be greater than or equal to 0']],
    ['spec.completions:must be greater than or equal to 0', job({ completions: -1 }), ['spec.completions: Invalid value: -1: must be greater than or equal to 0']],
    ['spec.activeDeadlineSeconds:must be greater than or equal to 0', job({ activeDeadlineSeconds: -1 }), ['spec.activeDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0']],
    ['spec.backoffLimit:must be greater than or equal to 0', job({ backoffLimit: -1 }), ['spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0']],
    ['spec.ttlSecondsAfterFinished:must be greater than or equal to 0', job({ ttlSecondsAfterFinished: -1 }), ['spec.ttlSecondsAfterFinished: Invalid value: -1: must be greater than or equal to 0']],
    ['spec.template.spec.restartPolicy: Required value', job({ template: { spec: podSpec() } }), ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']],
    ['restartPolicy Always is not allowed', job({ template: { spec: podSpec({ restartPolicy: 'Always' }) } }), ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']],
    ['spec.completionMode:Unsupported value', job({ completionMode: 'Foo' }), ['spec.completionMode: Unsupported value: "Foo": supported values: "NonIndexed", "Indexed"']],
    ['spec.completions:Required value: when completion mode is Indexed', job({ completionMode: 'Indexed', parallelism: 2 }), ['spec.completions: Required value: when completion mode is Indexed']],
    ['spec.backoffLimitPerIndex: requires indexed completion mode', job({ backoffLimitPerIndex: 1 }), ['spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode']],
    ['metadata.name: will not able to create pod', job({ completionMode: 'Indexed', completions: 100 }, 'a'.repeat(62)), [`metadata.name: Invalid value: "${'a'.repeat(62)}": will not able to create pod with invalid DNS label: ${'a'.repeat(62)}-99`]],
    ['spec.template.metadata.labels[job-name]: must be the name', job({ template: { metadata: { labels: { 'job-name': 'other' } }, spec: podSpec({ restartPolicy: 'Never' }) } }), ['spec.template.metadata.labels[job-name]: Invalid value: map[string]string{"batch.kubernetes.io/job-name":"pi", "job-name":"other"}: must be \'pi\'']],
  ])('%s', (_what, j, want) => expect(messages([j])).toEqual(want));
  test('a selector without manualSelector must be the generated one', () =>
    expect(messages([job({ selector: { matchLabels: { app: 'x' } } })])).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"x", "batch.kubernetes.io/controller-uid":"<uid>"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not auto-generated',
    ]));
  test('manualSelector: the selector is required and must match', () => {
    expect(messages([job({ manualSelector: true })])).toEqual(['spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`', 'spec.selector: Required value']);
    expect(messages([job({ manualSelector: true, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec({ restartPolicy: 'Never' }) } })])).toEqual([]);
  });
  test('a name too long for the job-name label is refused at the template label, as the API server does', () =>
    expect(messages([job({}, 'a'.repeat(64))])).toContainEqual(expect.stringMatching(/^spec\.template\.metadata\.labels: Invalid value: "a{64}": must be no more than 63 characters/)));
  test('podFailurePolicy is a warning: not carried out', () =>
    expect(messages([job({ podFailurePolicy: { rules: [] } })], 'warning')).toEqual([expect.stringMatching(/^spec\.podFailurePolicy: not carried out by kubeplay/)]));
});

describe('stored forms: the API server defaults, no status', () => {
  test('Deployment: replicas 1, RollingUpdate 25%/25%, revisionHistoryLimit 10, progressDeadlineSeconds 600, the template defaulted as a Pod', () => {
    const o = DEPLOYMENT.toStored!(manifest(deployment()));
    const spec = o.spec as Rec;
    expect(o.apiVersion).toBe('apps/v1');
    expect(o.status).toBeUndefined();
    expect({ replicas: spec['replicas'], strategy: spec['strategy'], revisionHistoryLimit: spec['revisionHistoryLimit'], progressDeadlineSeconds: spec['progressDeadlineSeconds'] }).toEqual({
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
    expect((spec['template'] as { spec: Rec }).spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler' });
    expect(o.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain('"kind":"Deployment"');
    // A Recreate Deployment gets no rollingUpdate.
    expect((DEPLOYMENT.toStored!(manifest(deployment({ strategy: { type: 'Recreate' } }))).spec as Rec)['strategy']).toEqual({ type: 'Recreate' });
  });
  test('ReplicaSet: replicas 1', () => expect((REPLICASET.toStored!(manifest(replicaSet())).spec as Rec)['replicas']).toBe(1));
  test('StatefulSet: OrderedReady, RollingUpdate partition 0, Retain/Retain, claim templates defaulted as claims', () => {
    const spec = STATEFULSET.toStored!(manifest(statefulSet({ volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] }))).spec as Rec;
    expect(spec).toMatchObject({
      replicas: 1,
      revisionHistoryLimit: 10,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      volumeClaimTemplates: [{ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }],
    });
  });
  test('DaemonSet: RollingUpdate maxUnavailable 1 maxSurge 0, revisionHistoryLimit 10', () =>
    expect(DAEMONSET.toStored!(manifest(daemonSet())).spec).toMatchObject({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, revisionHistoryLimit: 10 }));
  test('Job: completions/parallelism 1, backoffLimit 6, NonIndexed, suspend false, manualSelector false, the job-name labels; the uid part once the uid is known', () => {
    const o = JOB.toStored!(manifest(job()));
    expect(o.spec).toMatchObject({ completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, manualSelector: false, podReplacementPolicy: 'TerminatingOrFailed' });
    expect((o.spec as { template: { metadata: Rec } }).template.metadata['labels']).toEqual({ 'job-name': 'pi', 'batch.kubernetes.io/job-name': 'pi' });
    expect((o.spec as Rec)['selector']).toBeUndefined();
    const done = completeJob(o, 'u-1');
    expect((done.spec as Rec)['selector']).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } });
    expect((done.spec as { template: { metadata: Rec } }).template.metadata['labels']).toEqual({ 'job-name': 'pi', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': 'u-1', 'batch.kubernetes.io/controller-uid': 'u-1' });
    expect(done.metadata.labels).toEqual({ 'job-name': 'pi', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': 'u-1', 'batch.kubernetes.io/controller-uid': 'u-1' });
    expect(completeJob(done, 'u-1')).toEqual(done);
    // Only parallelism given: completions stays unset.
    expect((JOB.toStored!(manifest(job({ parallelism: 3 }))).spec as Rec)['completions']).toBeUndefined();
  });
});

describe('update rules, in the API server words', () => {
  test('Deployment, ReplicaSet, DaemonSet: the selector is immutable; the rest may change', () => {
    const old = asStored(DEPLOYMENT.toStored!(manifest(deployment())));
    const next = DEPLOYMENT.toStored!(manifest(deployment({ selector: { matchLabels: { app: 'web', tier: 'x' } }, template: template({}, { labels: { app: 'web', tier: 'x' } }) })));
    expect(DEPLOYMENT.updateProblems!(old, next)).toEqual([
      'Deployment "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
    expect(DEPLOYMENT.updateProblems!(old, DEPLOYMENT.toStored!(manifest(deployment({ replicas: 5 }))))).toEqual([]);
    const rsOld = asStored(REPLICASET.toStored!(manifest(replicaSet())));
    const rsNext = REPLICASET.toStored!(manifest(replicaSet({ selector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } })));
    expect(REPLICASET.updateProblems!(rsOld, rsNext)[0]).toMatch(/^ReplicaSet "web" is invalid: spec\.selector: Invalid value: .*: field is immutable$/);
    expect(DAEMONSET.updateProblems!(asStored(DAEMONSET.toStored!(manifest(daemonSet()))), DAEMONSET.toStored!(manifest(daemonSet({ minReadySeconds: 4 }))))).toEqual([]);
  });
  test('StatefulSet: only replicas, ordinals, template, updateStrategy, persistentVolumeClaimRetentionPolicy and minReadySeconds may change', () => {
    const old = asStored(STATEFULSET.toStored!(manifest(statefulSet())));
    expect(STATEFULSET.updateProblems!(old, STATEFULSET.toStored!(manifest(statefulSet({ replicas: 3, minReadySeconds: 5, updateStrategy: { type: 'OnDelete' } }))))).toEqual([]);
    expect(STATEFULSET.updateProblems!(old, STATEFULSET.toStored!(manifest(statefulSet({ podManagementPolicy: 'Parallel' }))))).toEqual([
      "StatefulSet \"db\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
  });
  test('Job: template and completions are immutable; the generated selector is kept, so re-applying is no change', () => {
    const old = asStored(completeJob(JOB.toStored!(manifest(job())), 'uid-1'));
    expect(jobUpdateProblems(old, JOB.toStored!(manifest(job())))).toEqual([]);
    expect(jobUpdateProblems(old, JOB.toStored!(manifest(job({ completions: 2, template: { spec: podSpec({ restartPolicy: 'OnFailure' }) } }))))).toEqual([
      'Job "pi" is invalid: [spec.completions: Invalid value: 2: field is immutable, spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable]',
    ]);
    expect(jobUpdateProblems(old, JOB.toStored!(manifest(job({ ttlSecondsAfterFinished: 100, backoffLimit: 2 }))))).toEqual([]);
  });
});

describe('label selectors as apimachinery reads and prints them', () => {
  test('matching', () => {
    expect(selectorMatches({ matchLabels: { a: '1' } }, { a: '1', b: '2' })).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, { b: '2' })).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, { a: '1' })).toBe(false);
    expect(selectorMatches({}, {})).toBe(true);
  });
  test('String() and FormatLabelSelector', () => {
    expect(selectorText({ matchLabels: { b: '2', a: '1' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }, { key: 'x', operator: 'DoesNotExist' }] })).toBe('a=1,b=2,env in (dev,prod),!x');
    expect(formatLabelSelector({})).toBe('<none>');
    expect(goLabelSelector({ matchLabels: { app: 'web' } })).toBe('v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}');
  });
});

const print: PrintOptions = { format: 'table', showLabels: false, labelColumns: [], noHeaders: false, single: false, node: 'h' };
const now = new Date('2024-05-01T10:00:00Z');
const meta = (name: string) => ({ name, namespace: 'default', creationTimestamp: '2024-05-01T09:55:00Z' });
const tpl = { spec: { containers: [{ name: 'web', image: 'nginx:1.25' }, { name: 'log', image: 'busybox' }] } };

describe("get's tables (kubectl 1.32's printers)", () => {
  test('deployments', () => {
    const d = { metadata: meta('web'), spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: tpl }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } };
    expect(formatObjects([d], print, now, DEPLOYMENT_TABLE)).toBe('NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    2/3     3            2           5m\n');
    expect(formatObjects([d], { ...print, format: 'wide' }, now, DEPLOYMENT_TABLE)).toBe(
      'NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES               SELECTOR\nweb    2/3     3            2           5m    web,log      nginx:1.25,busybox   app=web\n',
    );
    expect(formatObjects([d], { ...print, format: 'name' }, now, DEPLOYMENT_TABLE)).toBe('deployment.apps/web\n');
    expect(formatObjects([{ metadata: meta('new'), spec: { replicas: 1 } }], print, now, DEPLOYMENT_TABLE)).toBe('NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nnew    0/1     0            0           5m\n');
  });
  test('replicasets', () =>
    expect(formatObjects([{ metadata: meta('web-7d4b9c8f6d'), spec: { replicas: 3 }, status: { replicas: 3, readyReplicas: 1 } }], print, now, REPLICASET_TABLE)).toBe(
      'NAME             DESIRED   CURRENT   READY   AGE\nweb-7d4b9c8f6d   3         3         1       5m\n',
    ));
  test('statefulsets', () => {
    expect(formatObjects([{ metadata: meta('db'), spec: { replicas: 2, template: tpl }, status: { readyReplicas: 2 } }], print, now, STATEFULSET_TABLE)).toBe('NAME   READY   AGE\ndb     2/2     5m\n');
    expect(formatObjects([{ metadata: meta('db'), spec: { replicas: 2, template: tpl } }], { ...print, format: 'wide' }, now, STATEFULSET_TABLE).split('\n')[0]).toBe('NAME   READY   AGE   CONTAINERS   IMAGES');
  });
  test('daemonsets', () =>
    expect(formatObjects([{ metadata: meta('agent'), spec: { template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' } } } }, status: { desiredNumberScheduled: 1, currentNumberScheduled: 1, numberReady: 1, updatedNumberScheduled: 1, numberAvailable: 1 } }], print, now, DAEMONSET_TABLE)).toBe(
      'NAME    DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR            AGE\nagent   1         1         1       1            1           kubernetes.io/os=linux   5m\n',
    ));
  test('jobs: STATUS, COMPLETIONS and DURATION as printJob', () => {
    const j = (name: string, spec: Rec, status: Rec) => ({ metadata: meta(name), spec, status });
    const rows = [
      j('done', { completions: 3 }, { succeeded: 3, startTime: '2024-05-01T09:55:00Z', completionTime: '2024-05-01T09:55:42Z', conditions: [{ type: 'Complete', status: 'True' }] }),
      j('busy', { completions: 3, parallelism: 2 }, { succeeded: 1, startTime: '2024-05-01T09:58:00Z' }),
      j('fail', { completions: 1 }, { failed: 7, startTime: '2024-05-01T09:55:00Z', conditions: [{ type: 'Failed', status: 'True' }] }),
      j('work', { parallelism: 2 }, {}),
      j('wait', { completions: 1, suspend: true }, { conditions: [{ type: 'Suspended', status: 'True' }] }),
    ];
    expect(formatObjects(rows, print, now, JOB_TABLE)).toBe(
      [
        'NAME   STATUS      COMPLETIONS   DURATION   AGE',
        'done   Complete    3/3           42s        5m',
        'busy   Running     1/3           2m         5m',
        'fail   Failed      0/1           5m         5m',
        'work   Running     0/1 of 2                 5m',
        'wait   Suspended   0/1                      5m',
        '',
      ].join('\n'),
    );
  });
});

/** related serves stored objects by kind to a describe layout. */
function related(objects: Record<string, StoredObject[]>): DescribeRelated {
  return { now, list: (kind, ns) => (objects[kind] ?? []).filter((o) => ns === undefined || o.metadata.namespace === ns) };
}
const ownedBy = (kind: string, name: string, uid: string) => [{ apiVersion: 'apps/v1', kind, name, uid, controller: true, blockOwnerDeletion: true }];
const pod = (name: string, phase: string, owner: Rec[]): StoredObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `p-${name}`, resourceVersion: '1', generation: 1, creationTimestamp: '2024-05-01T09:56:00Z', labels, ownerReferences: owner }, spec: {}, status: { phase } });
const event = (uid: string, reason: string, message: string, first: string, last = first, count = 1, type = 'Normal', component = 'deployment-controller'): StoredObject =>
  ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `x.${reason}`, namespace: 'default', uid: `e-${reason}`, resourceVersion: '1', generation: 1, creationTimestamp: first },
    involvedObject: { uid },
    reason,
    message,
    type,
    source: { component },
    firstTimestamp: first,
    lastTimestamp: last,
    count,
  });

describe("describe's layouts (kubectl's describers)", () => {
  test('Deployment: replicas, strategy, pod template, conditions, old and new ReplicaSets, events', () => {
    const d = asStored(DEPLOYMENT.toStored!(manifest(deployment({ replicas: 3 }))), { uid: 'd-1', labels: { app: 'web' } });
    d.status = { replicas: 3, updatedReplicas: 3, availableReplicas: 3, conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }] };
    const spec = d.spec as { template: { metadata: { labels: Rec } } };
    const rs = (name: string, tmpl: unknown, replicas: number, created: string): StoredObject =>
      ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: 'default', uid: `rs-${name}`, resourceVersion: '1', generation: 1, creationTimestamp: created, ownerReferences: ownedBy('Deployment', 'web', 'd-1') }, spec: { replicas, template: tmpl }, status: { replicas } });
    const newTemplate = { ...spec.template, metadata: { labels: { ...spec.template.metadata.labels, 'pod-template-hash': '7d4b9c8f6d' } } };
    const text = describeDeployment(
      d,
      related({
        'ReplicaSet.apps': [rs('web-7d4b9c8f6d', newTemplate, 3, '2024-05-01T09:58:00Z'), rs('web-5f6b7c8d9e', { metadata: { labels: { app: 'web', 'pod-template-hash': '5f6b7c8d9e' } }, spec: { containers: [] } }, 0, '2024-05-01T09:50:00Z')],
        Event: [event('d-1', 'ScalingReplicaSet', 'Scaled up replica set web-7d4b9c8f6d from 0 to 3', '2024-05-01T09:58:00Z'), event('other', 'Ignored', 'not about this one', '2024-05-01T09:58:00Z')],
      }),
    );
    expect(text).toBe(
      [
        'Name:                   web',
        'Namespace:              default',
        'CreationTimestamp:      Wed, 01 May 2024 09:00:00 +0000',
        'Labels:                 app=web',
        'Annotations:            <none>',
        'Selector:               app=web',
        'Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable',
        'StrategyType:           RollingUpdate',
        'MinReadySeconds:        0',
        'RollingUpdateStrategy:  25% max unavailable, 25% max surge',
        'Pod Template:',
        '  Labels:  app=web',
        '  Containers:',
        '   web:',
        '    Image:         localhost/busybox:stable',
        '    Port:          <none>',
        '    Host Port:     <none>',
        '    Environment:   <none>',
        '    Mounts:        <none>',
        '  Volumes:         <none>',
        '  Node-Selectors:  <none>',
        '  Tolerations:     <none>',
        'Conditions:',
        '  Type           Status  Reason',
        '  ----           ------  ------',
        '  Available      True    MinimumReplicasAvailable',
        '  Progressing    True    NewReplicaSetAvailable',
        'OldReplicaSets:  web-5f6b7c8d9e (0/0 replicas created)',
        'NewReplicaSet:   web-7d4b9c8f6d (3/3 replicas created)',
        'Events:',
        '  Type    Reason             Age   From                   Message',
        '  ----    ------             ----  ----                   -------',
        '  Normal  ScalingReplicaSet  2m    deployment-controller  Scaled up replica set web-7d4b9c8f6d from 0 to 3',
        '',
      ].join('\n'),
    );
  });
  test('ReplicaSet: controlled by, replicas, pods by phase (its own only), no events', () => {
    const rs = asStored(REPLICASET.toStored!(manifest(replicaSet({ replicas: 2 }))), { uid: 'rs-1', ownerReferences: ownedBy('Deployment', 'web', 'd-1') });
    rs.status = { replicas: 2 };
    const text = describeReplicaSet(rs, related({ Pod: [pod('a', 'Running', ownedBy('ReplicaSet', 'web', 'rs-1')), pod('b', 'Pending', ownedBy('ReplicaSet', 'web', 'rs-1')), pod('c', 'Running', ownedBy('ReplicaSet', 'x', 'other'))] }));
    expect(text.split('\n').slice(0, 8)).toEqual([
      'Name:           web',
      'Namespace:      default',
      'Selector:       app=web',
      'Labels:         <none>',
      'Annotations:    <none>',
      'Controlled By:  Deployment/web',
      'Replicas:       2 current / 2 desired',
      'Pods Status:    1 Running / 1 Waiting / 0 Succeeded / 0 Failed',
    ]);
    expect(text).toMatch(/\nEvents:\s+<none>\n$/);
  });
  test('StatefulSet: update strategy with partition, volume claims', () => {
    const s = asStored(STATEFULSET.toStored!(manifest(statefulSet({ replicas: 2, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] }))), { uid: 's-1' });
    const text = describeStatefulSet(s, related({}));
    expect(text).toContain('Replicas:           2 desired | 0 total\nUpdate Strategy:    RollingUpdate\n  Partition:        0\nPods Status:        0 Running / 0 Waiting / 0 Succeeded / 0 Failed\n');
    expect(text).toContain('Volume Claims:\n  Name:          data\n  StorageClass:  \n  Labels:        <none>\n  Annotations:   <none>\n  Capacity:      1Gi\n  Access Modes:  [ReadWriteOnce]\n');
  });
  test('DaemonSet: node selector and the scheduling counts', () => {
    const d = asStored(DAEMONSET.toStored!(manifest(daemonSet())), { uid: 'ds-1' });
    d.status = { desiredNumberScheduled: 1, currentNumberScheduled: 1, updatedNumberScheduled: 1, numberAvailable: 1, numberMisscheduled: 0 };
    expect(describeDaemonSet(d, related({ Pod: [pod('agent-x7k2p', 'Running', ownedBy('DaemonSet', 'agent', 'ds-1'))] })).split('\n').slice(0, 12)).toEqual([
      'Name:           agent',
      'Namespace:      default',
      'Selector:       app=web',
      'Node-Selector:  <none>',
      'Labels:         <none>',
      'Annotations:    <none>',
      'Desired Number of Nodes Scheduled: 1',
      'Current Number of Nodes Scheduled: 1',
      'Number of Nodes Scheduled with Up-to-date Pods: 1',
      'Number of Nodes Scheduled with Available Pods: 1',
      'Number of Nodes Misscheduled: 0',
      'Pods Status:  1 Running / 0 Waiting / 0 Succeeded / 0 Failed',
    ]);
  });
  test('Job: the spec, times, pod statuses, repeated events as (xN over D)', () => {
    const j = asStored(completeJob(JOB.toStored!(manifest(job({ completions: 3, parallelism: 2 }))), 'j-1'), { uid: 'j-1' });
    j.status = { startTime: '2024-05-01T09:55:00Z', completionTime: '2024-05-01T09:56:10Z', succeeded: 3, active: 0, failed: 1, ready: 0 };
    const text = describeJob(j, related({ Event: [event('j-1', 'SuccessfulCreate', 'Created pod: pi-abcde', '2024-05-01T09:55:00Z', '2024-05-01T09:56:00Z', 4, 'Normal', 'job-controller'), event('j-1', 'Completed', 'Job completed', '2024-05-01T09:56:10Z', '2024-05-01T09:56:10Z', 1, 'Normal', 'job-controller')] }));
    expect(text.split('\n').slice(0, 20)).toEqual([
      'Name:             pi',
      'Namespace:        default',
      'Selector:         batch.kubernetes.io/controller-uid=j-1',
      'Labels:           batch.kubernetes.io/controller-uid=j-1',
      '                  batch.kubernetes.io/job-name=pi',
      '                  controller-uid=j-1',
      '                  job-name=pi',
      'Annotations:      <none>',
      'Parallelism:      2',
      'Completions:      3',
      'Completion Mode:  NonIndexed',
      'Suspend:          false',
      'Backoff Limit:    6',
      'Start Time:       Wed, 01 May 2024 09:55:00 +0000',
      'Completed At:     Wed, 01 May 2024 09:56:10 +0000',
      'Duration:         70s',
      'Pods Statuses:    0 Active (0 Ready) / 3 Succeeded / 1 Failed',
      'Pod Template:',
      '  Labels:  batch.kubernetes.io/controller-uid=j-1',
      '           batch.kubernetes.io/job-name=pi',
    ]);
    expect(text).toContain('  Normal  SuccessfulCreate  4m (x4 over 5m)  job-controller  Created pod: pi-abcde\n  Normal  Completed         3m50s            job-controller  Job completed\n');
  });
});

describe('the Events table, shared', () => {
  test('<none>, and rows oldest first', () => {
    expect(describeEvents([], now)).toEqual(['Events:\t<none>']);
    const rows = eventsAbout([event('u', 'B', 'second', '2024-05-01T09:59:00Z'), event('u', 'A', 'first', '2024-05-01T09:58:00Z')], 'u');
    expect(rows.map((r) => r.reason)).toEqual(['A', 'B']);
  });
});
