/** Builders for plain-data fixtures used by unit tests. */
import type { DesiredContainer, DesiredPod } from '../../src/domain/types';
import { LABEL_KIND, LABEL_MANAGED_BY, LABEL_NAMESPACE, MANAGED_BY_VALUE } from '../../src/domain/labels';
import { withHash } from '../../src/translate/hash';

/** container builds a DesiredContainer with defaults. */
export function container(pod: string, name: string, over: Partial<DesiredContainer> = {}): DesiredContainer {
  return {
    name: `${pod}-${name}`,
    manifestName: name,
    image: 'localhost/busybox:stable',
    pullPolicy: 'IfNotPresent',
    env: {},
    tty: false,
    stdin: false,
    mounts: [],
    labels: {},
    annotations: {},
    restartPolicy: 'always',
    stopTimeoutSeconds: 30,
    privileged: false,
    capAdd: [],
    capDrop: [],
    readOnlyRootFilesystem: false,
    noNewPrivileges: false,
    ...over,
  };
}

/** desiredPod builds a hashed DesiredPod with one container `app`. */
export function desiredPod(name: string, over: Partial<DesiredPod> = {}): DesiredPod {
  return withHash({
    ref: { kind: 'Pod', namespace: 'default', name },
    name,
    hostname: name,
    labels: { [LABEL_MANAGED_BY]: MANAGED_BY_VALUE, [LABEL_KIND]: 'Pod', [LABEL_NAMESPACE]: 'default' },
    ports: [],
    volumes: [],
    initContainers: [],
    containers: [container(name, 'app')],
    ...over,
  });
}
