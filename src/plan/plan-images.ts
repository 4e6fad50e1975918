/**
 * Image decisions: for each container of a pod to make, what its imagePullPolicy and Podman's
 * local storage mean (use the local image, pull, pull with a local fallback, fail, refuse), and the
 * one decision per image that the plan shows and the executor carries out. Pure.
 *
 * The rules, from the kubelet's (pkg/kubelet/images/image_manager.go) and Podman's `newer` policy:
 * IfNotPresent uses the local image and pulls only a missing one; Always pulls, and when that pull
 * fails and a local image exists, that one is used (Podman's choice, with a warning); Never uses only
 * the local image and refuses a missing one with the kubelet's ErrImageNeverPull message. An image no
 * registry serves (`localhost/...`, or a short name Podman resolves to one) is never pulled.
 */
import type { DesiredContainer } from '../domain/types';
import { canonicalImage, localOnlyName, type LocalImage } from '../domain/image-ref';
import type { ImageDecision } from './plan';

/**
 * ObservedImages is what the observe stage found for each image (canonical reference): the local
 * image, or null when there is none. An image absent from the record was not looked up (a client
 * dry run), and no decision is made about it.
 */
export type ObservedImages = Readonly<Record<string, LocalImage | null>>;

/** ContainerImageChoice is the decision for one container, with what it means for its pod. */
export interface ContainerImageChoice {
  decision: ImageDecision;
  /** The pod cannot be made: why, in words (a `missing` image). */
  failure?: string;
  /** The run must stop before any change: why, in kubectl's words (a `refuse`d image). */
  refusal?: string;
  /** The pod needs the image's pull to succeed, or its fallback to be there. */
  needsPull: boolean;
}

/** imageChoice decides about one container's image; undefined when its image was not looked up. */
export function imageChoice(c: DesiredContainer, images: ObservedImages): ContainerImageChoice | undefined {
  const image = canonicalImage(c.image);
  const local = images[image];
  if (local === undefined) return undefined;
  const onlyLocal = localOnlyName(image, local ?? undefined);
  if (local !== null) {
    if (onlyLocal !== undefined && c.pullPolicy !== 'IfNotPresent' && c.pullPolicy !== 'Never') {
      const reason = `${c.pullPolicy}, but ${onlyLocal} is never pulled: no registry serves localhost`;
      return { decision: { image, decision: 'use-local', localId: local.id, reason }, needsPull: false };
    }
    if (c.pullPolicy === 'Always') return { decision: { image, decision: 'pull-or-local', localId: local.id, reason: 'Always' }, needsPull: true };
    return { decision: { image, decision: 'use-local', localId: local.id, reason: c.pullPolicy }, needsPull: false };
  }
  if (c.pullPolicy === 'Never') {
    return {
      decision: { image, decision: 'refuse', reason: 'Never' },
      needsPull: false,
      refusal:
        `Container image "${c.image}" is not present with pull policy of Never (container ${c.manifestName}): ` +
        `build it (podman build -t ${c.image} .) or load it (podman load -i FILE) into Podman, ` +
        'or set imagePullPolicy: IfNotPresent to have it pulled',
    };
  }
  if (onlyLocal !== undefined) {
    return {
      decision: { image, decision: 'missing', reason: `${c.pullPolicy}, but ${onlyLocal} is never pulled: no registry serves localhost` },
      needsPull: false,
      failure:
        `cannot pull image ${c.image}: it is not in Podman's storage, and a localhost/ image is never pulled (no registry serves localhost); ` +
        `build it or load the image locally (podman load / podman build) under that name, or check the name in container ${c.manifestName}`,
    };
  }
  return { decision: { image, decision: 'pull', reason: c.pullPolicy }, needsPull: true };
}

// Which decision wins when containers using one image decide differently: a refusal stops the run;
// a pull asked for by one container is made for all.
const RANK: Record<ImageDecision['decision'], number> = { refuse: 4, 'pull-or-local': 3, pull: 2, missing: 1, 'use-local': 0 };

/** mergeImageDecision combines two containers' decisions about the same image into one. */
export function mergeImageDecision(a: ImageDecision, b: ImageDecision): ImageDecision {
  if (RANK[a.decision] !== RANK[b.decision]) return RANK[a.decision] > RANK[b.decision] ? a : b;
  if (a.reason === b.reason) return a;
  return { ...a, reason: [...new Set([...a.reason.split(' / '), ...b.reason.split(' / ')])].sort().join(' / ') };
}
