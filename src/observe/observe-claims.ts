/**
 * observeClaimVolumes: the observe stage's look at the Podman volumes of the claims an apply makes
 * (`<claim>`, `<namespace>_<claim>`), so the planner can tell a volume kubeplay made (picked up)
 * from one it did not (a conflict) from none (made). One inspection per claim, all at once.
 */
import type { ContainerEngine, EngineVolume } from '../engine/container-engine';

/** observeClaimVolumes maps each volume name to what Podman has, undefined when there is none. */
export async function observeClaimVolumes(engine: Pick<ContainerEngine, 'inspectVolume'>, names: readonly string[]): Promise<Map<string, EngineVolume | undefined>> {
  const unique = [...new Set(names)];
  const found = await Promise.all(unique.map((n) => engine.inspectVolume(n)));
  return new Map(unique.map((n, i) => [n, found[i]]));
}
