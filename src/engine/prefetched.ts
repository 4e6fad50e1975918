/**
 * Prefetched listings: a listing asked of Podman before the command gets to it, handed to the
 * command's own call of the same method with the same arguments. Podman takes ~1 ms per
 * container to build a listing here (most of a no-op apply and of get), so asking early lets it
 * work while kubeplay loads, parses and validates.
 *
 * - withPrefetchedPods (apply): the full pod listing, asked for at once, answers observeState's
 *   first unlabelled listPods while the manifests are loaded and validated.
 * - withPrefetched (any command): answers asked for by the head start (src/cli/head-start.ts)
 *   before the command line was parsed.
 *
 * An answer serves one call, and only the call it answers (same method, same arguments); every
 * other call, and any later listing, goes to the engine as it is. It is as fresh as a listing
 * taken at the start of the run: no change is made before it is used. A failed answer is asked
 * again of the engine, so the call fails, if it does, with its own error.
 */
import type { ContainerEngine, ContainerFilter, EngineContainer, EnginePod } from './container-engine';

/** PrefetchedAnswer is one listing asked for ahead of its call. */
export type PrefetchedAnswer =
  | { method: 'listPods'; key: string; answer: Promise<EnginePod[]> }
  | { method: 'listContainers'; key: string; answer: Promise<EngineContainer[]> };

/** podsKey and containersKey name a listing's arguments: equal keys, equal calls. */
export function podsKey(labels?: Record<string, string>): string {
  return labelsKey(labels);
}

export function containersKey(filter?: ContainerFilter): string {
  return `${labelsKey(filter?.labels)}|${(filter?.ids ?? []).join(',')}`;
}

function labelsKey(labels?: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** prefetchPods asks the engine for a pod listing now. */
export function prefetchPods(engine: ContainerEngine, labels?: Record<string, string>): PrefetchedAnswer {
  return quiet({ method: 'listPods', key: podsKey(labels), answer: engine.listPods(labels) });
}

/** prefetchContainers asks the engine for a container listing now. */
export function prefetchContainers(engine: ContainerEngine, filter?: ContainerFilter): PrefetchedAnswer {
  return quiet({ method: 'listContainers', key: containersKey(filter), answer: engine.listContainers(filter) });
}

// An answer no call takes (the run stopped first, or guessed wrong) must not be an unhandled rejection.
function quiet(a: PrefetchedAnswer): PrefetchedAnswer {
  a.answer.catch(() => undefined);
  return a;
}

/** withPrefetched wraps an engine so that each answer serves its call once; see the module comment. */
export function withPrefetched(engine: ContainerEngine, answers: readonly PrefetchedAnswer[]): ContainerEngine {
  const left = [...answers];
  const take = (method: PrefetchedAnswer['method'], key: string): PrefetchedAnswer | undefined => {
    const i = left.findIndex((a) => a.method === method && a.key === key);
    return i < 0 ? undefined : left.splice(i, 1)[0];
  };
  const listPods = (labels?: Record<string, string>): Promise<EnginePod[]> => {
    const a = take('listPods', podsKey(labels));
    if (a?.method !== 'listPods') return engine.listPods(labels);
    return a.answer.catch(() => engine.listPods(labels));
  };
  const listContainers = (filter?: ContainerFilter): Promise<EngineContainer[]> => {
    const a = take('listContainers', containersKey(filter));
    if (a?.method !== 'listContainers') return engine.listContainers(filter);
    return a.answer.catch(() => engine.listContainers(filter));
  };
  // A proxy rather than a class, so the wrapper keeps up with every method the port has.
  return new Proxy(engine, {
    get(target, prop, receiver) {
      if (prop === 'listPods') return listPods;
      if (prop === 'listContainers') return listContainers;
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** withPrefetchedPods asks for the full pod listing at once for the first unlabelled listPods. */
export function withPrefetchedPods(engine: ContainerEngine): ContainerEngine {
  return withPrefetched(engine, [prefetchPods(engine)]);
}
