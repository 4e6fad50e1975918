import { listContainers, listPods, podmanOk } from './podman';
import { TEST_IMAGE } from './paths';

/** SleeperOptions shape the pods sleeperPods writes. */
export interface SleeperOptions {
  /** App containers per pod (default 1): more make each pod take longer to create. */
  containers?: number;
  /** A hostPort for the first container of the first pod. */
  hostPort?: number;
  /** Image of the given pod indexes (default the test image). */
  imageOf?: (index: number) => string;
}

/**
 * sleeperPods returns a multi-document manifest of `count` pods named `<prefix>-p<NN>`, each with
 * containers that sleep until SIGTERM (grace period 1 s), labelled `run: <prefix>`.
 */
export function sleeperPods(prefix: string, count: number, opts: SleeperOptions = {}): { yaml: string; names: string[] } {
  const names: string[] = [];
  const docs: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${prefix}-p${String(i).padStart(2, '0')}`;
    names.push(name);
    const containers: string[] = [];
    for (let c = 0; c < (opts.containers ?? 1); c++) {
      const port = i === 0 && c === 0 && opts.hostPort !== undefined ? `\n    ports: [{containerPort: 8080, hostPort: ${opts.hostPort}}]` : '';
      containers.push(`  - name: c${c}
    image: ${opts.imageOf?.(i) ?? TEST_IMAGE}
    command: [sh, -c, "trap 'exit 0' TERM; while true; do sleep 1; done"]${port}`);
    }
    docs.push(`apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {run: ${prefix}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
${containers.join('\n')}
`);
  }
  return { yaml: docs.join('---\n'), names };
}

/** PodSummary is what a test checks of the pods a run left: each pod's status and its containers' states. */
export async function podSummary(prefix: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const p of await listPods()) if (p.Name.startsWith(prefix)) out[p.Name] = p.Status;
  return out;
}

/** containersNotRunning lists the containers of the prefix's pods (infra included) that are not running, as `name state`. */
export async function containersNotRunning(prefix: string): Promise<string[]> {
  return (await listContainers())
    .filter((c) => (c.PodName ?? '').startsWith(prefix) && c.State !== 'running')
    .map((c) => `${c.Names[0] ?? c.Id} ${c.State}`)
    .sort();
}

/**
 * storageOnlyContainers lists the containers named with the prefix that only container storage
 * knows (`podman ps --external` shows them as `storage`): what a creation cut off half-way leaves.
 * They hold their names, so a later create of the same name fails.
 */
export async function storageOnlyContainers(prefix: string): Promise<string[]> {
  const all = JSON.parse((await podmanOk(['ps', '-a', '--external', '--format', 'json'])) || '[]') as Array<{ Names?: string[]; State?: string }>;
  return all
    .filter((c) => c.State === 'storage' && (c.Names?.[0] ?? '').startsWith(prefix))
    .map((c) => c.Names?.[0] ?? '')
    .sort();
}

/** resultLines maps `pod/NAME verb` lines of apply's stdout to { NAME: verb }. */
export function resultLines(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^pod\/(\S+) (\S+)/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}
