/**
 * control-loop: what a cluster's kubelet and controller manager do all the time, done here while
 * the server runs. A pass observes the pods (running their due probes), writes their status to
 * the store, and, when the store holds workloads or Services, runs the reconcile loop of
 * commands/reconcile.ts once under the connection lock: a pod that dies or is removed is replaced,
 * Jobs complete, endpoints follow readiness. Passes run on Podman's events (within ~100 ms), after
 * the server's own writes, and every `idleMs` besides (probes and time-driven controllers).
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { ContainerEngine } from '../engine/container-engine';
import type { ObjectStore } from '../store/object-store';
import { observeGet } from '../observe/observe-pods';
import type { Prober } from '../observe/probes/prober';
import { hasWorkloads, reconcile, type ReconcileDeps } from '../commands/reconcile';
import { lacksIPs, needsIPs, syncPodStatuses } from './pod-status';
import { LABEL_MANAGED_BY, MANAGED_BY_VALUE } from '../domain/labels';

/** ControlLoopDeps are what a pass needs. */
export interface ControlLoopDeps {
  store: ObjectStore;
  engine: () => Promise<ContainerEngine>;
  now: () => Date;
  prober?: (engine: ContainerEngine) => Prober;
  /** Takes the connection lock; resolves to its release. */
  lock: () => Promise<() => Promise<void>>;
  /** The reconcile loop's other dependencies (host probe, files, node, network). */
  reconcileDeps: Omit<ReconcileDeps, 'engine' | 'store' | 'prober' | 'observePods'>;
  log: (line: string) => void;
}

/** ControlLoop runs passes; see the module comment. */
export class ControlLoop {
  private running = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly events = new AbortController();
  /** Passes run so far, and the last failure (for -v and tests). */
  passes = 0;
  lastError: string | undefined;

  constructor(
    private readonly deps: ControlLoopDeps,
    private readonly idleMs = 2000,
  ) {}

  /** start follows Podman's events and runs a first pass. */
  start(): void {
    this.kick();
    void this.follow();
  }

  /** kick asks for a pass soon (coalesced with one already asked for). */
  kick(delayMs = 50): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.pass(), delayMs);
  }

  /** stop ends the loop and resolves once a pass under way has finished (the store may be closed then). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.events.abort();
    if (this.timer !== undefined) clearTimeout(this.timer);
    while (this.running) await new Promise((r) => setTimeout(r, 20));
  }

  /** follow keeps Podman's event stream open, opening it again when the Podman service restarts. */
  private async follow(): Promise<void> {
    while (!this.stopped) {
      try {
        const engine = await this.deps.engine();
        // Only what concerns kubeplay's pods (their containers carry its label; pods' own events have no labels).
        const { ended } = await engine.followEvents((e) => {
          if (e.type === 'pod' || e.labels[LABEL_MANAGED_BY] === MANAGED_BY_VALUE) this.kick(100);
        }, this.events.signal);
        this.kick();
        await ended;
      } catch (e) {
        this.deps.log(`following Podman's events: ${(e as Error).message}; trying again in 1 s`);
      }
      if (!this.stopped) await new Promise((r) => setTimeout(r, 1000));
    }
  }

  private async pass(): Promise<void> {
    this.timer = undefined;
    if (this.stopped) return;
    this.running = true;
    try {
      const engine = await this.deps.engine();
      const prober = this.deps.prober?.(engine);
      const store = this.deps.store;
      let seen: V1Pod[] | undefined;
      const look = async (inspectIPs: boolean) => (await observeGet({ names: [], fields: [], inspectAll: false, inspectIPs, single: false }, engine, this.deps.now, prober)).pods;
      const observePods = async () => {
        const ips = store.list({ kind: 'Service' }).items.length > 0 || needsIPs(store);
        seen = await look(ips);
        // A pod that has just started runs with its IP, as a kubelet reports it: looked at again with IPs.
        if (!ips && lacksIPs(store, seen)) seen = await look(true);
        return seen;
      };
      if (hasWorkloads(store) || store.list({ kind: 'Service' }).items.length > 0) {
        const release = await this.deps.lock();
        try {
          const report = await reconcile({ ...this.deps.reconcileDeps, engine, store, observePods, ...(prober ? { prober } : {}) }, { waitSeconds: 0 });
          for (const f of report.failures) this.deps.log(f);
          // The rounds changed pods: observe once more, so the status written is the one after them.
          if (report.actions.length > 0) seen = undefined;
        } finally {
          await release();
        }
      }
      syncPodStatuses(store, seen ?? (await observePods()));
      this.lastError = undefined;
    } catch (e) {
      const text = (e as Error).message;
      if (text !== this.lastError) this.deps.log(`control loop: ${text}`);
      this.lastError = text;
    } finally {
      this.passes++;
      this.running = false;
      if (!this.stopped) {
        if (this.again) {
          this.again = false;
          this.kick();
        } else this.timer = setTimeout(() => void this.pass(), this.idleMs);
      }
    }
  }
}
