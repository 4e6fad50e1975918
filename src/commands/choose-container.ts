/**
 * chooseContainer picks the container a logs or exec command works on, as kubectl's
 * FindOrDefaultContainerByName does: the one named with -c (an app or init container); else the
 * one the pod's `kubectl.kubernetes.io/default-container` annotation names; else the first app
 * container, with kubectl's note listing the choices when there were several. Pure.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { ObjectError } from '../domain/errors';

/** DEFAULT_CONTAINER_ANNOTATION names the container kubectl uses when -c is not given. */
export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

/** ChosenContainer is the container picked, whether it is an init container, and the note kubectl prints (or ''). */
export interface ChosenContainer {
  name: string;
  init: boolean;
  note: string;
}

/** allContainerNames lists the pod's containers as kubectl does: `a, b, setup (init)`. */
export function allContainerNames(pod: V1Pod): string {
  const app = (pod.spec?.containers ?? []).map((c) => c.name);
  const init = (pod.spec?.initContainers ?? []).map((c) => `${c.name} (init)`);
  return [...app, ...init].join(', ');
}

/** chooseContainer picks a container; see the module comment. Throws ObjectError for a name that is not in the pod. */
export function chooseContainer(pod: V1Pod, requested: string | undefined): ChosenContainer {
  const podName = pod.metadata?.name ?? '';
  const app = (pod.spec?.containers ?? []).map((c) => c.name);
  const init = (pod.spec?.initContainers ?? []).map((c) => c.name);
  if (requested !== undefined && requested !== '') {
    if (app.includes(requested)) return { name: requested, init: false, note: '' };
    if (init.includes(requested)) return { name: requested, init: true, note: '' };
    throw new ObjectError(`container ${requested} is not valid for pod ${podName}: choose one of: ${allContainerNames(pod)}`);
  }
  const annotated = pod.metadata?.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  if (annotated !== undefined && app.includes(annotated)) return { name: annotated, init: false, note: '' };
  const first = app[0];
  if (first === undefined) throw new ObjectError(`pod ${podName} has no containers`);
  const several = app.length > 1 || init.length > 0;
  return { name: first, init: false, note: several ? `Defaulted container "${first}" out of: ${allContainerNames(pod)}\n` : '' };
}
