/**
 * The image decisions of the plan: imagePullPolicy x local presence x name form, as the kubelet
 * (pkg/kubelet/images/image_manager.go: shouldPullImage, ErrImageNeverPull) and Podman (short names
 * resolve to local images first; localhost/ has no registry; the `newer` policy falls back to the
 * local image when a pull fails) decide. Asserted on the plan's text form.
 */
import { planChanges } from '../../../src/plan/plan-changes';
import { formatPlan } from '../../../src/plan/plan';
import type { DesiredContainer } from '../../../src/domain/types';
import type { LocalImage } from '../../../src/domain/image-ref';
import { container, desiredPod } from '../../fakes/builders';

const opts = { force: false, previousOf: () => undefined };
const built: LocalImage = { id: '298b1ca7a67453820ca75bf9caa5523105f1d631a6488c794d9477f05902dc34', names: ['localhost/myapp:latest'] };
const fromRegistry: LocalImage = { id: 'ab'.repeat(32), names: ['quay.io/org/app:1'] };
const NEVER_PULLED = 'but localhost/myapp:latest is never pulled: no registry serves localhost';

/** planFor plans one pod with one container and returns the image line and what happens to the pod. */
function planFor(image: string, pullPolicy: DesiredContainer['pullPolicy'], local: LocalImage | null, key: string) {
  const pod = desiredPod('p', { containers: [container('p', 'app', { image, pullPolicy })] });
  const plan = planChanges([pod], { pods: [], images: { [key]: local } }, opts);
  const lines = formatPlan(plan).split('\n');
  const outcome = plan.conflicts.length > 0 ? 'conflict' : plan.actions[0]!.kind === 'blocked' ? 'pod fails' : `made${plan.actions[0]!.needsImages.length ? ' after the pull' : ''}`;
  return `${lines[0]} => ${outcome}`;
}

describe('one image, one container: policy x local presence x name form', () => {
  test.each([
    // A short name that Podman resolves to the image podman build made (localhost/myapp:latest).
    ['myapp', 'Always', built, `image     myapp:latest  use local 298b1ca7a674 (Always, ${NEVER_PULLED}) => made`],
    ['myapp:latest', 'Always', built, `image     myapp:latest  use local 298b1ca7a674 (Always, ${NEVER_PULLED}) => made`],
    ['myapp', 'IfNotPresent', built, 'image     myapp:latest  use local 298b1ca7a674 (IfNotPresent) => made'],
    ['myapp', 'Never', built, 'image     myapp:latest  use local 298b1ca7a674 (Never) => made'],
    ['myapp', 'Always', null, 'image     myapp:latest  pull (Always, not present) => made after the pull'],
    ['myapp', 'IfNotPresent', null, 'image     myapp:latest  pull (IfNotPresent, not present) => made after the pull'],
    ['myapp', 'Never', null, 'image     myapp:latest  refuse (Never, not present) => conflict'],
    // localhost/...: never pulled, present or not.
    ['localhost/myapp', 'Always', built, `image     localhost/myapp:latest  use local 298b1ca7a674 (Always, ${NEVER_PULLED}) => made`],
    ['localhost/myapp', 'IfNotPresent', built, 'image     localhost/myapp:latest  use local 298b1ca7a674 (IfNotPresent) => made'],
    ['localhost/myapp', 'Never', built, 'image     localhost/myapp:latest  use local 298b1ca7a674 (Never) => made'],
    ['localhost/myapp', 'Always', null, `image     localhost/myapp:latest  missing (Always, ${NEVER_PULLED}) => pod fails`],
    ['localhost/myapp', 'IfNotPresent', null, `image     localhost/myapp:latest  missing (IfNotPresent, ${NEVER_PULLED}) => pod fails`],
    ['localhost/myapp', 'Never', null, 'image     localhost/myapp:latest  refuse (Never, not present) => conflict'],
    // A registry's image.
    ['quay.io/org/app:1', 'Always', fromRegistry, 'image     quay.io/org/app:1  pull, falling back to local abababababab (Always) => made after the pull'],
    ['quay.io/org/app:1', 'IfNotPresent', fromRegistry, 'image     quay.io/org/app:1  use local abababababab (IfNotPresent) => made'],
    ['quay.io/org/app:1', 'Never', fromRegistry, 'image     quay.io/org/app:1  use local abababababab (Never) => made'],
    ['quay.io/org/app:1', 'Always', null, 'image     quay.io/org/app:1  pull (Always, not present) => made after the pull'],
    ['quay.io/org/app:1', 'IfNotPresent', null, 'image     quay.io/org/app:1  pull (IfNotPresent, not present) => made after the pull'],
    ['quay.io/org/app:1', 'Never', null, 'image     quay.io/org/app:1  refuse (Never, not present) => conflict'],
    // A short name that resolves to a registry's image held locally: a pull goes to that registry.
    ['app:1', 'Always', fromRegistry, 'image     app:1  pull, falling back to local abababababab (Always) => made after the pull'],
    ['app:1', 'IfNotPresent', fromRegistry, 'image     app:1  use local abababababab (IfNotPresent) => made'],
  ] as const)('%s, %s, local %#', (image, policy, local, want) => {
    const key = image.includes(':') ? image : `${image}:latest`;
    expect(planFor(image, policy, local, key)).toBe(want);
  });
});

describe('decisions across pods', () => {
  test('myapp, myapp:latest and an Always pod share one decision: one pull at most', () => {
    const a = desiredPod('a', { containers: [container('a', 'x', { image: 'quay.io/org/app:1', pullPolicy: 'IfNotPresent' })] });
    const b = desiredPod('b', { containers: [container('b', 'x', { image: 'quay.io/org/app:1', pullPolicy: 'Always' }), container('b', 'y', { image: 'myapp' })] });
    const c = desiredPod('c', { initContainers: [container('c', 'init', { image: 'myapp:latest', pullPolicy: 'Never' })] });
    const plan = planChanges([a, b, c], { pods: [], images: { 'quay.io/org/app:1': fromRegistry, 'myapp:latest': built } }, opts);
    expect(formatPlan(plan)).toBe(
      'image     myapp:latest  use local 298b1ca7a674 (IfNotPresent / Never)\n' +
        'image     quay.io/org/app:1  pull, falling back to local abababababab (Always)\n' +
        'create    pod/a  not found in Podman\ncreate    pod/b  not found in Podman\ncreate    pod/c  not found in Podman\n',
    );
    // Only the pod whose container asked for the pull depends on it.
    expect(plan.actions.map((x) => x.needsImages)).toEqual([[], ['quay.io/org/app:1'], []]);
  });

  test('a refused image is named in the kubelet\'s words with what to do, and stops the run', () => {
    const pod = desiredPod('web', { containers: [container('web', 'app', { image: 'myapp', pullPolicy: 'Never' })] });
    const plan = planChanges([pod], { pods: [], images: { 'myapp:latest': null } }, opts);
    expect(plan.conflicts).toEqual([
      {
        ref: 'pod/web',
        message:
          'Container image "myapp" is not present with pull policy of Never (container app): build it (podman build -t myapp .) ' +
          'or load it (podman load -i FILE) into Podman, or set imagePullPolicy: IfNotPresent to have it pulled',
      },
    ]);
  });

  test('a missing localhost/ image fails its pod without a pull, naming what to do', () => {
    const pod = desiredPod('web', { containers: [container('web', 'app', { image: 'localhost/nope:1' })] });
    const plan = planChanges([pod], { pods: [], images: { 'localhost/nope:1': null } }, opts);
    expect(plan.actions[0]).toMatchObject({
      kind: 'blocked',
      cause:
        "cannot pull image localhost/nope:1: it is not in Podman's storage, and a localhost/ image is never pulled (no registry serves localhost); " +
        'build it or load the image locally (podman load / podman build) under that name, or check the name in container app',
    });
  });

  test('images not looked up (a client dry run) and pods left unchanged get no decision', () => {
    const pod = desiredPod('web', { containers: [container('web', 'app', { image: 'myapp', pullPolicy: 'Always' })] });
    expect(planChanges([pod], { pods: [] }, opts).images).toEqual([]);
  });
});
