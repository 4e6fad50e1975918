/**
 * observeState: the observe stage. It looks at Podman once and returns plain data. The pods are
 * always listed (one call: the whole observation of a no-op re-apply); images (the local image each
 * name resolves to, and its ID), host paths and host ports are looked at only when some desired pod
 * must be made.
 */
import type { DesiredPod, PortMapping } from '../domain/types';
import type { HostPathKind, HostPortClaim, ObservedPod, ObservedState } from '../domain/state';
import type { ContainerEngine, EnginePod } from '../engine/container-engine';
import { driftOf, incompleteOf, isManaged } from '../diff/plan-changes';
import { byText } from '../domain/order';
import { canonicalImage } from '../domain/image-ref';

/** HostProbe looks at the host itself: whether a port can be bound now, and what a path is. */
export interface HostProbe {
  portFree: (port: PortMapping) => Promise<boolean>;
  statPath: (path: string) => Promise<HostPathKind>;
}

/** toObservedPod projects an engine pod onto what the planner needs. */
export function toObservedPod(p: EnginePod): ObservedPod {
  return {
    id: p.id,
    name: p.name,
    status: p.status,
    labels: p.labels,
    containers: p.containers
      .map((c) => ({ id: c.id, name: c.name, state: c.state, isInfra: c.isInfra }))
      .sort((a, b) => byText(a.name, b.name)),
  };
}

/** observeState observes what the plan for `desired` depends on; see the module comment. */
export async function observeState(
  engine: ContainerEngine,
  desired: readonly DesiredPod[],
  probe: HostProbe,
): Promise<ObservedState> {
  const pods = (await engine.listPods()).map(toObservedPod).sort((a, b) => byText(a.name, b.name));
  const byName = new Map(pods.map((p) => [p.name, p]));
  const toMake = desired.filter((d) => {
    const cur = byName.get(d.name);
    return !cur || driftOf(d, cur) !== undefined || (isManaged(cur.labels) && incompleteOf(cur) !== undefined);
  });
  if (toMake.length === 0) return { pods };

  // Each image once, in the form the planner decides under (`myapp` and `myapp:latest` are one).
  const imageNames = [...new Set(toMake.flatMap((d) => [...d.initContainers, ...d.containers].map((c) => canonicalImage(c.image))))].sort();
  const found = await Promise.all(imageNames.map((i) => engine.lookupImage(i)));
  const images = Object.fromEntries(imageNames.map((i, n) => [i, found[n] ?? null]));

  const paths = [...new Set(toMake.flatMap((d) => d.volumes.flatMap((v) => (v.kind === 'hostPath' && v.type !== '' ? [v.path] : []))))].sort();
  const kinds = await Promise.all(paths.map((p) => probe.statPath(p)));
  const hostPaths = Object.fromEntries(paths.map((p, n) => [p, kinds[n] ?? 'missing']));

  const wanted = toMake.flatMap((d) => d.ports);
  if (wanted.length === 0) return { pods, images, hostPaths };
  const portClaims: HostPortClaim[] = [];
  for (const c of await engine.listContainers()) {
    for (const p of c.ports) {
      portClaims.push({
        hostIP: p.hostIP,
        hostPort: p.hostPort,
        protocol: p.protocol,
        ...(c.podName ? { podName: c.podName } : {}),
        holder: c.podName ? `pod/${c.podName}` : `container ${c.name}`,
      });
    }
  }
  // Ports Podman does not publish may still be held by another process: try to bind them.
  const unclaimed = wanted.filter((w) => !portClaims.some((c) => c.hostPort === w.hostPort && c.protocol === w.protocol));
  const free = await Promise.all(unclaimed.map((w) => probe.portFree(w)));
  unclaimed.forEach((w, n) => {
    if (!free[n]) portClaims.push({ hostIP: w.hostIP, hostPort: w.hostPort, protocol: w.protocol, holder: 'a process outside Podman' });
  });
  portClaims.sort((a, b) => a.hostPort - b.hostPort || byText(a.protocol, b.protocol) || byText(a.holder, b.holder));
  return { pods, images, portClaims, hostPaths };
}
