/**
 * observeState: the observe stage. It looks at Podman once and returns plain data. The pods are
 * always listed (one call: the whole observation of a no-op re-apply); images (the local image each
 * name resolves to, and its ID), host paths and host ports are looked at only when some desired pod
 * must be made.
 */
import { isSystemPod } from '../domain/network';
import type { DesiredPod, PortMapping } from '../domain/types';
import type { HostPathKind, HostPortClaim, ObservedPod, ObservedState } from '../domain/state';
import type { ContainerEngine, EnginePod } from '../engine/container-engine';
import { driftOf, incompleteOf, isManaged, NEVER_STARTED } from '../domain/convergence';
import { byText } from '../domain/order';
import { canonicalImage } from '../domain/image-ref';

/** HostProbe looks at the host itself: whether a port can be bound now, and what a path is. */
export interface HostProbe {
  portFree: (port: PortMapping) => Promise<boolean>;
  statPath: (path: string) => Promise<HostPathKind>;
  /** Whether a background kubeplay is still starting the pod (waiting for its init containers). */
  startRunning?: (pod: string) => Promise<boolean>;
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
  const pods = (await engine.listPods()).filter((p) => !isSystemPod(p.labels)).map(toObservedPod).sort((a, b) => byText(a.name, b.name));
  await observeStarts(engine, pods, desired, probe);
  const byName = new Map(pods.map((p) => [p.name, p]));
  const toMake = desired.filter((d) => {
    const cur = byName.get(d.name);
    return !cur || driftOf(d, cur) !== undefined || (isManaged(cur.labels) && incompleteOf(cur, d) !== undefined);
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

/**
 * observeStarts looks closer at the managed pods of the input whose start is sequenced (they have
 * init containers) and has a container that never started: whether a background kubeplay is still
 * starting it, and how its init containers exited. A pod with no such container costs nothing here.
 */
async function observeStarts(engine: ContainerEngine, pods: ObservedPod[], desired: readonly DesiredPod[], probe: HostProbe): Promise<void> {
  const wanted = new Map(desired.filter((d) => d.initContainers.length > 0).map((d) => [d.name, d]));
  const waiting = pods.filter((p) => wanted.has(p.name) && isManaged(p.labels) && p.containers.some((c) => !c.isInfra && NEVER_STARTED.has(c.state)));
  await Promise.all(
    waiting.map(async (p) => {
      if (probe.startRunning !== undefined && (await probe.startRunning(p.name))) {
        p.starting = true;
        return;
      }
      const inits = new Set(wanted.get(p.name)!.initContainers.map((c) => c.name));
      const exited = p.containers.filter((c) => inits.has(c.name) && (c.state === 'exited' || c.state === 'stopped'));
      const details = await engine.inspectContainers(exited.map((c) => c.id));
      for (const d of details) {
        const c = p.containers.find((x) => x.id === d.id);
        if (c !== undefined) c.exitCode = d.exitCode;
      }
    }),
  );
}

