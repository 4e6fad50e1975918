/**
 * withPrefetchedPods pipelines apply's one observation with its first two stages: it asks the
 * engine for the full pod listing at once and hands that answer to the first `listPods()` call
 * without labels (observeState's), so Podman builds the listing (~60 ms for 50 pods on these
 * machines, the largest part of a no-op re-apply) while kubeplay loads and validates the
 * manifests. Every other call, and any later listing, goes to the engine as it is. The listing
 * is as fresh as one taken at the start of the run: no change is made before it is used.
 * A failed prefetch is only seen by that first call, as the call's own failure would have been.
 */
import type { ContainerEngine, EnginePod } from './container-engine';

/** withPrefetchedPods wraps an engine; see the module comment. */
export function withPrefetchedPods(engine: ContainerEngine): ContainerEngine {
  let prefetched: Promise<EnginePod[]> | undefined = engine.listPods();
  // Not awaited when the run stops before observing (invalid manifests): no unhandled rejection.
  prefetched.catch(() => undefined);
  const listPods = (labels?: Record<string, string>): Promise<EnginePod[]> => {
    const first = prefetched;
    prefetched = undefined;
    if (first !== undefined && (labels === undefined || Object.keys(labels).length === 0)) return first;
    return engine.listPods(labels);
  };
  // A proxy rather than a class, so the wrapper keeps up with every method the port has.
  return new Proxy(engine, {
    get(target, prop, receiver) {
      if (prop === 'listPods') return listPods;
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
