import { planChanges } from '../../../src/plan/plan-changes';
import { formatPlan } from '../../../src/plan/plan';
import type { ObservedPod } from '../../../src/domain/state';
import { LABEL_KIND, LABEL_MANAGED_BY, LABEL_MANIFEST_HASH, LABEL_NAMESPACE, MANAGED_BY_VALUE } from '../../../src/domain/labels';
import { container, desiredPod } from '../../fakes/builders';

const opts = { force: false, previousOf: () => undefined };

/** running makes the observed form of a desired pod with all containers running. */
function running(p: ReturnType<typeof desiredPod>, over: Partial<ObservedPod> = {}): ObservedPod {
  return {
    id: `id-${p.name}`,
    name: p.name,
    status: 'Running',
    labels: { ...p.labels },
    containers: [{ id: 'infra', name: `${p.name}-infra`, state: 'running', isInfra: true }, ...p.containers.map((c) => ({ id: c.name, name: c.name, state: 'running', isInfra: false }))],
    ...over,
  };
}

describe('planChanges', () => {
  const web = desiredPod('web');
  const api = desiredPod('api', { ports: [{ hostIP: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' }] });

  test('creates what is missing and leaves what matches', () => {
    const busybox = { id: '11fc8c704c0203184fbcabb3cb30147dc9633a42af89d1cc20c5f51fb55022d2', names: ['localhost/busybox:stable'] };
    const plan = planChanges([web, api], { pods: [running(web)], images: { 'localhost/busybox:stable': busybox }, portClaims: [] }, opts);
    expect(formatPlan(plan)).toBe(
      'image     localhost/busybox:stable  use local 11fc8c704c02 (IfNotPresent)\n' +
        `unchanged pod/web  hash ${web.labels[LABEL_MANIFEST_HASH]}, 1 container(s) as declared\n` +
        'create    pod/api  not found in Podman\n',
    );
  });

  test('a changed spec recreates, naming both hashes', () => {
    const old = desiredPod('web', { containers: [container('web', 'app', { command: ['old'] })] });
    const plan = planChanges([web], { pods: [running(old)], images: {} }, opts);
    expect(formatPlan(plan)).toBe(`recreate  pod/web  spec changed (${old.labels[LABEL_MANIFEST_HASH]} → ${web.labels[LABEL_MANIFEST_HASH]})\n`);
  });

  test('drift behind kubeplay\'s back is restored', () => {
    const exited = running(web);
    exited.containers[1]!.state = 'exited';
    // Podman lists the infra container with the pod's; a pod without one never finished (plan-incomplete.test.ts).
    const missing = running(web, { containers: [{ id: 'infra', name: 'web-infra', state: 'running', isInfra: true }] });
    expect(formatPlan(planChanges([web], { pods: [exited] }, opts))).toBe('recreate  pod/web  restoring: container web-app is exited\n');
    expect(formatPlan(planChanges([web], { pods: [missing] }, opts))).toBe('recreate  pod/web  restoring: container web-app is missing\n');
  });

  test('an exited container is fine when the pod does not restart', () => {
    const once = desiredPod('job', { containers: [container('job', 'app', { restartPolicy: 'no' })] });
    const obs = running(once);
    obs.containers[1]!.state = 'exited';
    expect(planChanges([once], { pods: [obs] }, opts).actions[0]!.kind).toBe('unchanged');
  });

  test('an unmanaged pod of the same name is a conflict unless --force', () => {
    const foreign = running(web, { labels: {} });
    expect(formatPlan(planChanges([web], { pods: [foreign] }, opts))).toMatch(/^conflict {2}pod\/web {2}pod "web" exists in Podman but was not created by kubeplay/);
    expect(formatPlan(planChanges([web], { pods: [foreign] }, { ...opts, force: true }))).toBe(
      'recreate  pod/web  replacing a pod kubeplay did not create (--force)\n',
    );
  });

  test('host ports held by another pod or process are conflicts; the pod being replaced is not', () => {
    const claims = [
      { hostIP: '', hostPort: 8080, protocol: 'tcp', podName: 'other', holder: 'pod/other' },
      { hostIP: '', hostPort: 9090, protocol: 'tcp', holder: 'a process outside Podman' },
    ];
    const both = desiredPod('api', {
      ports: [
        { hostIP: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
        { hostIP: '127.0.0.1', hostPort: 9090, containerPort: 90, protocol: 'tcp' },
        { hostIP: '', hostPort: 8080, containerPort: 80, protocol: 'udp' },
      ],
    });
    expect(formatPlan(planChanges([both], { pods: [], portClaims: claims }, opts))).toBe(
      'create    pod/api  not found in Podman\n' +
        'conflict  pod/api  hostPort 8080/TCP is already in use by pod/other; free the port or change hostPort\n' +
        'conflict  pod/api  hostPort 9090/TCP on 127.0.0.1 is already in use by a process outside Podman; free the port or change hostPort\n',
    );
    const own = [{ hostIP: '', hostPort: 8080, protocol: 'tcp', podName: 'api', holder: 'pod/api' }];
    expect(planChanges([api], { pods: [], portClaims: own }, opts).conflicts).toEqual([]);
  });

  test('images: Always pulls with a local fallback, a missing IfNotPresent pulls, a missing Never is a conflict', () => {
    const a = desiredPod('a', { containers: [container('a', 'x', { image: 'quay.io/x/img:always', pullPolicy: 'Always' })] });
    const b = desiredPod('b', { containers: [container('b', 'x', { image: 'img:gone' })] });
    const c = desiredPod('c', { containers: [container('c', 'x', { image: 'img:never', pullPolicy: 'Never' })] });
    const local = { id: 'ab'.repeat(32), names: ['quay.io/x/img:always'] };
    const plan = planChanges([a, b, c], { pods: [], images: { 'quay.io/x/img:always': local, 'img:gone': null, 'img:never': null } }, opts);
    expect(formatPlan(plan)).toBe(
      'image     img:gone  pull (IfNotPresent, not present)\n' +
        'image     img:never  refuse (Never, not present)\n' +
        'image     quay.io/x/img:always  pull, falling back to local abababababab (Always)\n' +
        'create    pod/a  not found in Podman\ncreate    pod/b  not found in Podman\ncreate    pod/c  not found in Podman\n' +
        'conflict  pod/c  Container image "img:never" is not present with pull policy of Never (container x): ' +
        'build it (podman build -t img:never .) or load it (podman load -i FILE) into Podman, or set imagePullPolicy: IfNotPresent to have it pulled\n',
    );
    expect(plan.actions.map((x) => x.needsImages)).toEqual([['quay.io/x/img:always'], ['img:gone'], []]);
  });

  test('steps: volumes, pod, init containers first, start; a recreate removes first and can restore', () => {
    const pod = desiredPod('vol', {
      volumes: [
        { kind: 'emptyDir', name: 'cache', podmanVolume: 'vol_cache', medium: '' },
        { kind: 'pvc', name: 'data', podmanVolume: 'data-claim', readOnly: false },
      ],
      initContainers: [container('vol', 'init', { initKind: 'once', restartPolicy: 'no' })],
    });
    const old = desiredPod('vol', { containers: [container('vol', 'app', { command: ['v1'] })] });
    const plan = planChanges([pod], { pods: [running(old)] }, { ...opts, previousOf: () => old });
    expect(formatPlan(plan, { steps: true })).toBe(
      `recreate  pod/vol  spec changed (${old.labels[LABEL_MANIFEST_HASH]} → ${pod.labels[LABEL_MANIFEST_HASH]})\n` +
        '    signalPod vol SIGTERM\n    awaitPodExit vol (up to 30s)\n    killPod vol (and await its cleanup, up to 10s)\n' +
        '    barrier: every pod stopped and cleaned up\n    removePod vol (timeout 0s)\n' +
        '    removeVolume vol_cache\n    createVolume vol_cache\n    ensureVolume data-claim\n' +
        '    createPod vol\n    createContainer vol-init\n    createContainer vol-app\n' +
        '    startInOrder vol (here up to 5s, then in the background; a failed init container restarted): vol-init (exit 0), vol-app (started)\n',
    );
    expect(plan.actions[0]!.rollback.map((s) => s.op)).toEqual(['removePod', 'removeContainer', 'removeContainer', 'removeVolume', 'createPod', 'createContainer', 'startPod']);
  });

  test('prune removes managed pods that match and are not in the input', () => {
    const stale = desiredPod('stale', { labels: { ...desiredPod('stale').labels, app: 'web' } });
    const other = desiredPod('other');
    const foreign = running(desiredPod('foreign'), { labels: { app: 'web' } });
    const plan = planChanges([web], { pods: [running(web), running(stale), running(other), foreign] }, {
      ...opts,
      prune: { matches: (l) => l['app'] === 'web', selector: 'app=web' },
    });
    expect(formatPlan(plan).split('\n')[1]).toBe('prune     pod/stale  managed, matches -l app=web, not in the input');
    expect(plan.actions.map((a) => a.ref)).toEqual(['pod/web', 'pod/stale']);
  });

  test('hostPath type checks: a mismatch blocks the pod, a missing *OrCreate path is made first', () => {
    const vol = (type: string) => desiredPod('hp', { volumes: [{ kind: 'hostPath', name: 'data', path: '/srv/data', type }] });
    const plan = (type: string, seen: 'missing' | 'directory' | 'file') =>
      formatPlan(planChanges([vol(type)], { pods: [], hostPaths: { '/srv/data': seen } }, opts), { steps: true }).split('\n')[0]! +
      (formatPlan(planChanges([vol(type)], { pods: [], hostPaths: { '/srv/data': seen } }, opts), { steps: true }).includes('ensureHostPath') ? ' +ensure' : '');
    expect(plan('Directory', 'directory')).toBe('create    pod/hp  not found in Podman');
    expect(plan('Directory', 'missing')).toBe('blocked   pod/hp  hostPath "/srv/data" of volume data must be an existing directory (type Directory), but it does not exist; create it or change the volume\'s type');
    expect(plan('File', 'directory')).toBe('blocked   pod/hp  hostPath "/srv/data" of volume data must be an existing file (type File), but it is a directory; create it or change the volume\'s type');
    expect(plan('DirectoryOrCreate', 'missing')).toBe('create    pod/hp  not found in Podman +ensure');
    expect(plan('FileOrCreate', 'directory')).toMatch(/^blocked {3}pod\/hp {2}hostPath "\/srv\/data" of volume data must be a file \(or missing, to be created\)/);
    expect(plan('', 'missing')).toBe('create    pod/hp  not found in Podman');
  });
});

describe('planChanges: pods of a namespace', () => {
  const inShop = desiredPod('shop_web', {
    ref: { kind: 'Pod', namespace: 'shop', name: 'web' },
    labels: { [LABEL_MANAGED_BY]: MANAGED_BY_VALUE, [LABEL_KIND]: 'Pod', [LABEL_NAMESPACE]: 'shop' },
    ports: [{ hostIP: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
  });
  test('the ref is the Kubernetes name; the steps name the Podman pod', () => {
    const plan = planChanges([inShop], { pods: [] }, opts);
    expect(formatPlan(plan, { steps: true }).split('\n').slice(0, 2)).toEqual(['create    pod/web  not found in Podman', '    createPod shop_web']);
  });
  test('a pod an older kubeplay named plainly is replaced under its namespaced name, and its host ports are not a conflict', () => {
    const legacy = running(desiredPod('web', { labels: { [LABEL_MANAGED_BY]: MANAGED_BY_VALUE, [LABEL_KIND]: 'Pod', [LABEL_NAMESPACE]: 'shop' } }));
    const claims = [{ hostIP: '', hostPort: 8080, protocol: 'tcp', podName: 'web', holder: 'pod/web' }];
    const plan = planChanges([inShop], { pods: [legacy], portClaims: claims, images: {} }, opts);
    expect(plan.conflicts).toEqual([]);
    const text = formatPlan(plan, { steps: true });
    expect(text.split('\n')[0]).toBe('recreate  pod/web  renamed for its namespace: Podman pod web becomes shop_web');
    expect(text).toContain('    removePod web (timeout 0s)\n');
    expect(text).toContain('    createPod shop_web\n');
  });
  test('a default-namespace pod of the same plain name is not taken for it', () => {
    const other = running(desiredPod('web'));
    const plan = planChanges([inShop], { pods: [other], portClaims: [], images: {} }, opts);
    expect(formatPlan(plan).split('\n')[0]).toBe('create    pod/web  not found in Podman');
  });
});
