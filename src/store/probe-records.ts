/**
 * ProbeRecords is the port through which the prober keeps what it learned of a pod's probes between
 * commands (consecutive successes and failures, when a container became ready, liveness restarts,
 * the kubelet's events): one JSON record per Podman pod, keyed by the pod's id, so a pod made again
 * under the same name starts afresh, as a new pod does in Kubernetes. The shape of a record is the
 * prober's (observe/probes/records.ts); the port only keeps it. The one adapter is
 * probe-record-files.ts, which only src/cli/ constructs.
 */

/** ProbeRecords keeps one JSON record per pod id; see the module comment. */
export interface ProbeRecords {
  /**
   * update runs `change` on the pod's record (undefined when there is none, or it cannot be read)
   * while no other kubeplay process updates that pod's record, and keeps what it returns (nothing
   * when it returns undefined). Two commands probing one pod at once therefore run one after the
   * other, the second seeing the first's results. Resolves to what `change` returned.
   */
  update<T>(podId: string, change: (previous: unknown) => Promise<T | undefined>): Promise<T | undefined>;
  /** read returns the pod's record as kept, without waiting for a writer; undefined when there is none. */
  read(podId: string): Promise<unknown>;
  /** sweep removes the records of pods not in `live` (every pod Podman has), returning how many went. */
  sweep(live: ReadonlySet<string>): Promise<number>;
}
