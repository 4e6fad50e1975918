/**
 * How a Kubernetes pod (namespace, name) is named in Podman, where pod names are global.
 *
 * A pod of the `default` namespace keeps its own name (`web`), as kubeplay has always named it; a
 * pod of any other namespace is `<namespace>_<name>` (`shop_web`). The two cannot collide: a
 * namespace is a DNS label and a pod name a DNS subdomain, and neither may contain `_`, so a
 * Podman name without `_` is a default-namespace pod and one with `_` splits at its only `_`.
 * Its containers are `<podman pod name>-<container>` and its volumes `<podman pod name>-<volume>`,
 * so they follow. The pod's hostname stays its Kubernetes name.
 */
import { DEFAULT_NAMESPACE } from './kinds';
import { LABEL_NAMESPACE } from './labels';

/** NAMESPACE_SEPARATOR joins a namespace and a name in a Podman pod name. */
export const NAMESPACE_SEPARATOR = '_';

/** podmanPodName is the Podman pod name of a pod of a namespace. */
export function podmanPodName(namespace: string, name: string): string {
  return namespace === DEFAULT_NAMESPACE || namespace === '' ? name : `${namespace}${NAMESPACE_SEPARATOR}${name}`;
}

/** PodIdentity is the Kubernetes namespace and name of a Podman pod. */
export interface PodIdentity {
  namespace: string;
  name: string;
}

/**
 * podIdentityOf reads a Podman pod's Kubernetes namespace and name: from its namespace label and
 * its name, when the name is that namespace's form; a pod kubeplay did not make (or one whose
 * label does not match its name) is in `default` under its Podman name.
 */
export function podIdentityOf(podmanName: string, labels: Readonly<Record<string, string>>): PodIdentity {
  const ns = labels[LABEL_NAMESPACE];
  if (ns !== undefined && ns !== DEFAULT_NAMESPACE && ns !== '' && podmanName.startsWith(`${ns}${NAMESPACE_SEPARATOR}`)) {
    return { namespace: ns, name: podmanName.slice(ns.length + NAMESPACE_SEPARATOR.length) };
  }
  return { namespace: DEFAULT_NAMESPACE, name: podmanName };
}

/** podIdentityFromNames reads the identity back from a Podman name and the Kubernetes name it was made from. */
export function podIdentityFromNames(podmanName: string, name: string): PodIdentity {
  if (podmanName === name) return { namespace: DEFAULT_NAMESPACE, name };
  return { namespace: podmanName.slice(0, podmanName.length - name.length - NAMESPACE_SEPARATOR.length), name };
}

/**
 * claimVolumeName is the Podman named volume of a PersistentVolumeClaim: named as a pod would be
 * (`data` in default, `shop_data` in shop), as kubeplay named claims' volumes before claims were
 * objects, so volumes made then are picked up.
 */
export function claimVolumeName(namespace: string, claim: string): string {
  return podmanPodName(namespace, claim);
}
