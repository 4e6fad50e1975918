/**
 * Plan: what apply (or delete) will do, as pure data with a stable text form (compose's
 * Plan.String()). The executor carries out each action's steps in order and, when one fails, its
 * rollback steps; it decides nothing.
 */
import type { StartSequence } from '../domain/types';
import type { ImageDecision, Plan, Step } from '../domain/plan';

// The plan's types are hand-off types, in domain/ where every stage can see them.
export type { Action, ActionKind, Conflict, ImageDecision, Plan, Step } from '../domain/plan';
export type { StartItem, StartSequence } from '../domain/types';
import { shortImageId } from '../domain/image-ref';

/** PLAN_TEXT_VERSION names the text format below; bump it when the format changes. */
export const PLAN_TEXT_VERSION = 2;

/**
 * formatPlan renders a plan as stable text, one line per item:
 *
 *   image     IMAGE  DECISION        (see formatImageDecision)
 *   KIND      pod/NAME  CAUSE           (KIND padded to 9: create, recreate, configure, unchanged, prune, delete, blocked)
 *   conflict  pod/NAME  MESSAGE
 *
 * Image decisions come first (sorted by image), then actions in input order, then conflicts. With
 * `steps`, each action's steps follow it indented by four spaces (`    createPod web`).
 * Version 2 replaced version 1's `pull      IMAGE` lines with the `image` lines.
 */
export function formatPlan(plan: Plan, opts: { steps?: boolean } = {}): string {
  const lines: string[] = [];
  for (const d of plan.images) lines.push(`${'image'.padEnd(9)} ${d.image}  ${formatImageDecision(d)}`);
  for (const a of plan.actions) {
    lines.push(`${a.kind.padEnd(9)} ${a.ref}  ${a.cause}`);
    if (opts.steps) for (const s of a.steps) lines.push(`    ${formatStep(s)}`);
  }
  for (const c of plan.conflicts) lines.push(`${'conflict'.padEnd(9)} ${c.ref}  ${c.message}`);
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}

/**
 * formatImageDecision renders what is done about an image, with the local image's short ID (as
 * `podman images` shows it) and the reason in parentheses:
 *
 *   use local ID (REASON)
 *   pull (REASON, not present)
 *   pull, falling back to local ID (REASON)
 *   missing (REASON)
 *   refuse (REASON, not present)
 */
export function formatImageDecision(d: ImageDecision): string {
  const id = d.localId !== undefined ? shortImageId(d.localId) : '?';
  switch (d.decision) {
    case 'use-local':
      return `use local ${id} (${d.reason})`;
    case 'pull':
      return `pull (${d.reason}, not present)`;
    case 'pull-or-local':
      return `pull, falling back to local ${id} (${d.reason})`;
    case 'missing':
      return `missing (${d.reason})`;
    case 'refuse':
      return `refuse (${d.reason}, not present)`;
  }
}

/** formatStep renders one step as `op target`. */
export function formatStep(s: Step): string {
  switch (s.op) {
    case 'pullImage':
      return `pullImage ${s.image}`;
    case 'removePod':
      return `removePod ${s.name} (timeout ${s.timeoutSeconds}s)`;
    case 'removeVolume':
      return `removeVolume ${s.name}${s.unlessInUse ? ' (unless in use)' : ''}`;
    case 'removeContainer':
    case 'ensureVolume':
      return `${s.op} ${s.name}`;
    case 'createVolume':
      return `createVolume ${s.name}${s.tmpfs ? ' (tmpfs)' : ''}`;
    case 'createPod':
      return `createPod ${s.pod.name}`;
    case 'createContainer':
      return `createContainer ${s.container.name}`;
    case 'startPod':
      return `startPod ${s.name}`;
    case 'startInOrder':
      return formatStartSequence(s.sequence);
    case 'ensureHostPath':
      return `ensureHostPath ${s.path} (${s.kind})`;
    case 'signalPod':
      return `signalPod ${s.name} ${s.signal}`;
    case 'stopContainers':
      return `stopContainers ${s.names.join(', ')} (SIGKILL after ${s.timeoutSeconds}s)`;
    case 'awaitPodExit':
      return `awaitPodExit ${s.name} (up to ${s.timeoutSeconds}s)`;
    case 'killPod':
      return `killPod ${s.name} (and await its cleanup, up to ${s.cleanupSeconds}s)`;
    case 'barrier':
      return `barrier: ${s.label}`;
    case 'putObject':
      return `putObject ${s.object.kind.toLowerCase()}/${s.object.metadata.namespace ? `${s.object.metadata.namespace}/` : ''}${s.object.metadata.name}`;
    case 'putStatus':
      return `putStatus ${s.object.kind.toLowerCase()}/${s.object.metadata.namespace ? `${s.object.metadata.namespace}/` : ''}${s.object.metadata.name}`;
    case 'removeObject':
      return `removeObject ${s.key.kind.toLowerCase()}/${s.key.namespace ? `${s.key.namespace}/` : ''}${s.key.name}`;
    case 'createSecret':
      // Never the value: the plan is printed by --dry-run and -v.
      return `createSecret ${s.name} (${Buffer.from(s.data, 'base64').length} bytes)`;
    case 'removeSecret':
      return `removeSecret ${s.name}`;
    case 'projectFiles':
      return `projectFiles ${s.dir}: ${s.files.length === 0 ? '(none)' : s.files.map((f) => `${f.path} (${f.mode.toString(8).padStart(4, '0')}, ${Buffer.from(f.data, 'base64').length} bytes)`).join(', ')}`;
    case 'removeFiles':
      return `removeFiles ${s.dir}`;
    case 'ensureNetwork':
      return `ensureNetwork ${s.name} (${s.subnet}, pods from ${s.leaseRange})`;
    case 'programProxy': {
      const ports = s.rules.ports.map((p) => `${p.port}/${p.protocol} -> ${p.endpoints.length === 0 ? '(no endpoints)' : p.endpoints.map((e) => `${e.ip}:${e.port}`).join(' ')}`);
      return `programProxy ${s.pod} ${s.rules.vip}: ${ports.length === 0 ? '(no ports)' : ports.join(', ')}${s.rules.affinitySeconds !== undefined ? ` (ClientIP affinity ${s.rules.affinitySeconds}s)` : ''}`;
    }
    case 'forgetProxy':
      return `forgetProxy ${s.pod}`;
  }
}

/** formatStartSequence renders a start sequence: `startInOrder POD (…): a (exit 0), b (started), …`. */
export function formatStartSequence(q: StartSequence): string {
  const items = q.items.map((i) => `${i.name} (${i.until === 'exit' ? 'exit 0' : i.startupProbe ? 'started, startupProbe passed' : 'started'})`).join(', ');
  const failed = q.restartFailed ? 'a failed init container restarted' : 'a failed init container fails the pod';
  return `startInOrder ${q.pod} (here up to ${q.waitSeconds}s, then in the background; ${failed}): ${items}`;
}
