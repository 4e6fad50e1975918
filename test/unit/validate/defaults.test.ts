/** API defaults: a defaulted and an explicit manifest translate and hash alike; last-applied keeps the user's text. */
import { parseDocuments } from '../../../src/load';
import { validateManifests } from '../../../src/validate';
import { toDesiredPod } from '../../../src/translate/pod';
import { manifestHash } from '../../../src/translate/hash';
import { LABEL_LAST_APPLIED } from '../../../src/domain/labels';

function desired(text: string) {
  const r = validateManifests(parseDocuments({ name: 'f.yaml', bytes: Buffer.from(text) }).documents);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return toDesiredPod(r.manifests[0]!);
}

const short = `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: localhost/busybox:stable
    ports: [{containerPort: 80}]
    livenessProbe: {httpGet: {port: 80}}
    volumeMounts: [{name: scratch, mountPath: /scratch}]
  volumes:
  - name: scratch
`;
const explicit = `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  restartPolicy: Always
  dnsPolicy: ClusterFirst
  terminationGracePeriodSeconds: 30
  schedulerName: default-scheduler
  containers:
  - name: web
    image: localhost/busybox:stable
    terminationMessagePath: /dev/termination-log
    terminationMessagePolicy: File
    ports: [{containerPort: 80, protocol: TCP}]
    livenessProbe: {httpGet: {port: 80, path: /, scheme: HTTP}, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3}
    volumeMounts: [{name: scratch, mountPath: /scratch}]
  volumes:
  - name: scratch
    emptyDir: {}
`;

test('a name-only volume is an emptyDir, mounted like one', () => {
  const d = desired(short);
  expect(d.volumes.map((v) => v.kind)).toEqual(['emptyDir']);
});

test('defaulted and explicit manifests hash the same', () => {
  expect(manifestHash(desired(short))).toBe(manifestHash(desired(explicit)));
});

test('the last-applied label is the manifest as written, without the defaults', () => {
  const label = JSON.parse(desired(short).labels[LABEL_LAST_APPLIED]!) as { spec: { volumes: object[]; restartPolicy?: string } };
  expect(label.spec.volumes).toEqual([{ name: 'scratch' }]);
  expect(label.spec.restartPolicy).toBeUndefined();
});

/** One-container pods that differ only in fields SetDefaults_* fills in (pkg/apis/core/v1/defaults.go). */
const pod = (container: string, extra = '') => `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
${extra}  containers:
  - {name: web, image: localhost/busybox:stable, ${container}}
`;

test.each([
  // SetDefaults_Probe: 0 means unset for the timings and is defaulted.
  ['probe timings given as 0', 'readinessProbe: {tcpSocket: {port: 80}, timeoutSeconds: 0, periodSeconds: 0, successThreshold: 0, failureThreshold: 0}',
    'readinessProbe: {tcpSocket: {port: 80}, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3}'],
  // SetDefaults_HTTPGetAction on a lifecycle handler.
  ['lifecycle httpGet path and scheme', 'lifecycle: {postStart: {httpGet: {port: 80}}}', 'lifecycle: {postStart: {httpGet: {port: 80, path: /, scheme: HTTP}}}'],
  // SetDefaults_ContainerPort.
  ['port protocol', 'ports: [{containerPort: 80}]', 'ports: [{containerPort: 80, protocol: TCP}]'],
])('%s: defaulted and explicit hash the same', (_n, short, long) => {
  expect(manifestHash(desired(pod(short)))).toBe(manifestHash(desired(pod(long))));
});

test('init containers get the container defaults too (SetDefaults_Container)', () => {
  const init = (c: string) => `  initContainers:\n  - {name: i, image: localhost/busybox:stable${c}}\n`;
  expect(manifestHash(desired(pod('', init(''))))).toBe(
    manifestHash(desired(pod('', init(', terminationMessagePath: /dev/termination-log, terminationMessagePolicy: File')))),
  );
});
