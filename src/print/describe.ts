/**
 * formatDescribe renders pods in kubectl describe's layout: Name, Namespace, Node, Start Time,
 * Labels, Annotations, Status, IP, Init Containers, Containers, Conditions, Volumes and Events,
 * laid out through Go's tabwriter rules (print/tabwriter.ts) as kubectl does. Pure: the pod (a v1
 * Pod as get renders it), its events and the clock in, text out.
 *
 * Differences from kubectl, because Podman is not a cluster: times are printed in UTC; Node
 * is the host's name; fields Podman has no counterpart for (Priority, Service Account, QoS
 * Class, Tolerations, Image ID) are left out rather than invented.
 */
import type {
  V1Container,
  V1ContainerState,
  V1ContainerStatus,
  V1EnvVar,
  V1Pod,
  V1Probe,
  V1Volume,
} from '@kubernetes/client-node';
import { LABEL_LAST_APPLIED } from '../domain/labels';
import { humanDuration } from './get/duration';
import { alignTabs } from './tabwriter';
import { describeEvents, type DescribeEvent } from './describe-events';
import { byText } from '../domain/order';

export type { DescribeEvent } from './describe-events';

/** DescribedPod is what describe prints for one pod. */
export interface DescribedPod {
  pod: V1Pod;
  /** Oldest first; printed newest last, as kubectl does. */
  events: DescribeEvent[];
}

/** DescribeContext is what the printer needs from outside: the clock and the host's name. */
export interface DescribeContext {
  now: Date;
  node: string;
}

// kubectl describe leaves this annotation out: it is the whole manifest again.
export const SKIPPED_ANNOTATIONS: ReadonlySet<string> = new Set([LABEL_LAST_APPLIED]);

/** formatDescribe renders each pod, separated by a blank line as kubectl does. */
export function formatDescribe(pods: readonly DescribedPod[], ctx: DescribeContext): string {
  return pods.map((p) => alignTabs(describePod(p, ctx))).join('\n\n') + (pods.length > 0 ? '\n' : '');
}

/** rfc1123z renders a time as Go's time.RFC1123Z, in UTC: `Sat, 21 Nov 2026 07:53:37 +0000`. */
export function rfc1123z(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function asDate(v: Date | string | undefined): Date | undefined {
  if (v === undefined) return undefined;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Lines of `Title: k=v` with one pair a line, aligned under the first (kubectl's printLabelsMultiline). */
/** multiline renders a map as kubectl describe does: the first pair after the title, the others under it; `<none>` when empty. */
export function multiline(indent: string, title: string, pairs: string[]): string[] {
  if (pairs.length === 0) return [`${indent}${title}:\t<none>`];
  return pairs.map((p, i) => (i === 0 ? `${indent}${title}:\t${p}` : `${indent}\t${p}`));
}

function describePod({ pod, events }: DescribedPod, ctx: DescribeContext): string {
  const md = pod.metadata ?? {};
  const st = pod.status ?? {};
  const spec = pod.spec ?? { containers: [] };
  const lines: string[] = [];
  lines.push(`Name:\t${md.name ?? ''}`);
  lines.push(`Namespace:\t${md.namespace ?? 'default'}`);
  lines.push(`Node:\t${ctx.node}`);
  const start = asDate(st.startTime);
  if (start) lines.push(`Start Time:\t${rfc1123z(start)}`);
  const labels = Object.entries(md.labels ?? {}).sort(([a], [b]) => byText(a, b));
  lines.push(...multiline('', 'Labels', labels.map(([k, v]) => `${k}=${v}`)));
  const annotations = Object.entries(md.annotations ?? {})
    .filter(([k]) => !SKIPPED_ANNOTATIONS.has(k))
    .sort(([a], [b]) => byText(a, b));
  lines.push(...multiline('', 'Annotations', annotations.map(([k, v]) => `${k}: ${v}`)));
  if (md.deletionTimestamp) lines.push(`Status:\tTerminating (lasts ${humanDuration(ctx.now.getTime() - (asDate(md.deletionTimestamp)?.getTime() ?? ctx.now.getTime()))})`);
  else lines.push(`Status:\t${st.phase ?? 'Unknown'}`);
  if (st.reason) lines.push(`Reason:\t${st.reason}`);
  if (st.message) lines.push(`Message:\t${st.message}`);
  lines.push(`IP:\t${st.podIP ?? ''}`);
  const ips = st.podIPs ?? [];
  if (ips.length === 0) lines.push('IPs:\t<none>');
  else lines.push('IPs:', ...ips.map((ip) => `  IP:\t${ip.ip}`));
  // kubectl's describe names a controlled pod's controller: `Controlled By:  ReplicaSet/web-7d4b9c8f6d`.
  const controller = pod.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (controller) lines.push(`Controlled By:\t${controller.kind}/${controller.name}`);

  const initSpecs = spec.initContainers ?? [];
  if (initSpecs.length > 0) {
    lines.push('Init Containers:');
    for (const c of initSpecs) lines.push(...describeContainer(c, (st.initContainerStatuses ?? []).find((s) => s.name === c.name)));
  }
  lines.push('Containers:');
  for (const c of spec.containers ?? []) lines.push(...describeContainer(c, (st.containerStatuses ?? []).find((s) => s.name === c.name)));

  const conditions = st.conditions ?? [];
  if (conditions.length > 0) {
    lines.push('Conditions:', '  Type\tStatus');
    for (const c of conditions) lines.push(`  ${c.type} \t${c.status} `);
  }
  lines.push(...describeVolumes(spec.volumes ?? []));
  lines.push(...describeEvents(events, ctx.now));
  return lines.join('\n');
}

function portList(ports: Array<{ port: number; protocol: string }>): string {
  return ports.map((p) => `${p.port}/${p.protocol}`).join(', ');
}

function describeContainer(c: V1Container, status: V1ContainerStatus | undefined): string[] {
  const l: string[] = [`  ${c.name}:`];
  if (status?.containerID) l.push(`    Container ID:\t${status.containerID}`);
  l.push(`    Image:\t${c.image ?? ''}`);
  const ports = c.ports ?? [];
  const protocol = (p: { protocol?: string }) => p.protocol ?? 'TCP';
  if (ports.length === 0) {
    l.push('    Port:\t<none>', '    Host Port:\t<none>');
  } else {
    const s = ports.length > 1 ? 's' : '';
    l.push(`    Port${s}:\t${portList(ports.map((p) => ({ port: p.containerPort, protocol: protocol(p) })))}`);
    l.push(`    Host Port${s}:\t${portList(ports.map((p) => ({ port: p.hostPort ?? 0, protocol: protocol(p) })))}`);
  }
  if (c.command && c.command.length > 0) l.push('    Command:', ...c.command.map((a) => `      ${a}`));
  if (c.args && c.args.length > 0) l.push('    Args:', ...c.args.map((a) => `      ${a}`));
  if (status) {
    l.push(...describeState('State', status.state ?? {}));
    if (status.lastState?.terminated) l.push(...describeState('Last State', status.lastState));
    l.push(`    Ready:\t${status.ready ? 'True' : 'False'}`);
    l.push(`    Restart Count:\t${status.restartCount ?? 0}`);
  }
  for (const [title, list] of [['Limits', c.resources?.limits], ['Requests', c.resources?.requests]] as const) {
    const entries = Object.entries(list ?? {}).sort(([a], [b]) => byText(a, b));
    if (entries.length > 0) l.push(`    ${title}:`, ...entries.map(([k, v]) => `      ${k}:\t${String(v)}`));
  }
  if (c.livenessProbe) l.push(`    Liveness:\t${describeProbe(c.livenessProbe)}`);
  if (c.readinessProbe) l.push(`    Readiness:\t${describeProbe(c.readinessProbe)}`);
  if (c.startupProbe) l.push(`    Startup:\t${describeProbe(c.startupProbe)}`);
  const envFrom = c.envFrom ?? [];
  if (envFrom.length > 0) {
    l.push('    Environment Variables from:');
    for (const e of envFrom) {
      const ref = e.configMapRef ?? e.secretRef;
      const from = e.configMapRef ? 'ConfigMap' : 'Secret';
      const optional = ref?.optional === true;
      l.push(e.prefix ? `      ${ref?.name ?? ''}\t${from} with prefix '${e.prefix}'\tOptional: ${optional}` : `      ${ref?.name ?? ''}\t${from}\tOptional: ${optional}`);
    }
  }
  const env = c.env ?? [];
  if (env.length === 0) l.push('    Environment:\t<none>');
  else l.push('    Environment:', ...env.map((e) => `      ${e.name}:\t${envValue(e)}`));
  const mounts = c.volumeMounts ?? [];
  if (mounts.length === 0) l.push('    Mounts:\t<none>');
  else
    l.push(
      '    Mounts:',
      ...mounts.map((m) => `      ${m.mountPath} from ${m.name} (${m.readOnly ? 'ro' : 'rw'}${m.subPath ? `,path="${m.subPath}"` : ''})`),
    );
  return l;
}

/** describeState prints a container state as kubectl's describeStatus does. */
function describeState(title: string, s: V1ContainerState): string[] {
  if (s.running) {
    const started = asDate(s.running.startedAt);
    return [`    ${title}:\tRunning`, ...(started ? [`      Started:\t${rfc1123z(started)}`] : [])];
  }
  if (s.waiting) {
    return [
      `    ${title}:\tWaiting`,
      ...(s.waiting.reason ? [`      Reason:\t${s.waiting.reason}`] : []),
      ...(s.waiting.message ? [`      Message:\t${s.waiting.message}`] : []),
    ];
  }
  if (s.terminated) {
    const t = s.terminated;
    const started = asDate(t.startedAt);
    const finished = asDate(t.finishedAt);
    return [
      `    ${title}:\tTerminated`,
      ...(t.reason ? [`      Reason:\t${t.reason}`] : []),
      ...(t.message ? [`      Message:\t${t.message}`] : []),
      `      Exit Code:\t${t.exitCode}`,
      ...(t.signal ? [`      Signal:\t${t.signal}`] : []),
      ...(started ? [`      Started:\t${rfc1123z(started)}`] : []),
      ...(finished ? [`      Finished:\t${rfc1123z(finished)}`] : []),
    ];
  }
  return [`    ${title}:\tWaiting`];
}

/** describeProbe is kubectl's one-line probe summary: `exec [cat /x] delay=0s timeout=1s period=10s #success=1 #failure=3`. */
export function describeProbe(p: V1Probe): string {
  let how = 'unknown';
  if (p.exec) how = `exec [${(p.exec.command ?? []).join(' ')}]`;
  else if (p.httpGet) how = `http-get ${(p.httpGet.scheme ?? 'HTTP').toLowerCase()}://${p.httpGet.host ?? ''}:${String(p.httpGet.port)}${p.httpGet.path ?? ''}`;
  else if (p.tcpSocket) how = `tcp-socket ${p.tcpSocket.host ?? ''}:${String(p.tcpSocket.port)}`;
  else if (p.grpc) how = `grpc <pod>:${p.grpc.port} ${p.grpc.service ?? ''}`;
  return `${how} delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 1}s period=${p.periodSeconds ?? 10}s #success=${p.successThreshold ?? 1} #failure=${p.failureThreshold ?? 3}`;
}

function envValue(e: V1EnvVar): string {
  if (e.value !== undefined) return e.value;
  const from = e.valueFrom;
  if (from?.fieldRef) return ` (${from.fieldRef.apiVersion ?? 'v1'}:${from.fieldRef.fieldPath})`;
  if (from?.resourceFieldRef) return `${from.resourceFieldRef.resource} (${from.resourceFieldRef.containerName ?? ''})`;
  if (from?.configMapKeyRef) return `<set to the key '${from.configMapKeyRef.key}' of config map '${from.configMapKeyRef.name ?? ''}'>\tOptional: ${from.configMapKeyRef.optional === true}`;
  if (from?.secretKeyRef) return `<set to the key '${from.secretKeyRef.key}' in secret '${from.secretKeyRef.name ?? ''}'>\tOptional: ${from.secretKeyRef.optional === true}`;
  return '';
}

function describeVolumes(volumes: readonly V1Volume[]): string[] {
  if (volumes.length === 0) return ['Volumes:\t<none>'];
  const l = ['Volumes:'];
  for (const v of volumes) {
    l.push(`  ${v.name}:`);
    if (v.emptyDir) {
      l.push('    Type:\tEmptyDir (a temporary directory that shares a pod\'s lifetime)');
      l.push(`    Medium:\t${v.emptyDir.medium ?? ''}`);
      l.push(`    SizeLimit:\t${v.emptyDir.sizeLimit !== undefined ? String(v.emptyDir.sizeLimit) : '<unset>'}`);
    } else if (v.hostPath) {
      l.push('    Type:\tHostPath (bare host directory volume)');
      l.push(`    Path:\t${v.hostPath.path}`);
      l.push(`    HostPathType:\t${v.hostPath.type ?? ''}`);
    } else if (v.persistentVolumeClaim) {
      l.push('    Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)');
      l.push(`    ClaimName:\t${v.persistentVolumeClaim.claimName}`);
      l.push(`    ReadOnly:\t${v.persistentVolumeClaim.readOnly === true ? 'true' : 'false'}`);
    } else if (v.configMap) {
      l.push('    Type:\tConfigMap (a volume populated by a ConfigMap)', `    Name:\t${v.configMap.name ?? ''}`, `    Optional:\t${v.configMap.optional === true}`);
    } else if (v.secret) {
      l.push('    Type:\tSecret (a volume populated by a Secret)', `    SecretName:\t${v.secret.secretName ?? ''}`, `    Optional:\t${v.secret.optional === true}`);
    } else if (v.downwardAPI) {
      l.push('    Type:\tDownwardAPI (a volume populated by information about the pod)', '    Items:');
      for (const it of v.downwardAPI.items ?? []) {
        if (it.fieldRef) l.push(`      ${it.fieldRef.fieldPath} -> ${it.path}`);
        if (it.resourceFieldRef) l.push(`      ${it.resourceFieldRef.resource} -> ${it.path}`);
      }
    } else if (v.projected) {
      // kubectl prints a source's optional pointer as is: <nil> when unset.
      const opt = (o: boolean | undefined) => (o === undefined ? '<nil>' : String(o));
      l.push('    Type:\tProjected (a volume that contains injected data from multiple sources)');
      for (const src of v.projected.sources ?? []) {
        if (src.secret) l.push(`    SecretName:\t${src.secret.name ?? ''}`, `    SecretOptionalName:\t${opt(src.secret.optional)}`);
        else if (src.downwardAPI) l.push('    DownwardAPI:\ttrue');
        else if (src.configMap) l.push(`    ConfigMapName:\t${src.configMap.name ?? ''}`, `    ConfigMapOptional:\t${opt(src.configMap.optional)}`);
        else if (src.serviceAccountToken) l.push(`    TokenExpirationSeconds:\t${src.serviceAccountToken.expirationSeconds ?? 3600}`);
      }
    } else {
      l.push('    Type:\t(a volume kubeplay does not carry out)');
    }
  }
  return l;
}

/** TemplateToleration is what describe prints of a toleration. */
interface TemplateToleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/** tolerationText is kubectl's printTolerationsMultiline entry: `key=value:effect`, ` op=Exists`, ` for 300s`. */
function tolerationText(t: TemplateToleration): string {
  let s = t.key ?? '';
  if (t.value) s += `=${t.value}`;
  if (t.effect) s += `:${t.effect}`;
  if (t.operator === 'Exists' && !t.value) s += t.key ? ' op=Exists' : 'op=Exists';
  if (typeof t.tolerationSeconds === 'number') s += ` for ${t.tolerationSeconds}s`;
  return s;
}

/**
 * describePodTemplate is kubectl's DescribePodTemplate (a workload's `Pod Template:` section): the
 * template's labels, annotations when any, service account, init containers, containers (no
 * state: a template has no status), volumes, priority class, node selectors and tolerations;
 * titles indented one level, names of containers and volumes one space more, as kubectl does. Lines, to be aligned with the rest of the describe output.
 */
export function describePodTemplate(template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: V1Pod['spec'] } | undefined): string[] {
  const lines = ['Pod Template:'];
  if (template === undefined) return [...lines, '  <unset>'];
  const md = template.metadata ?? {};
  const spec = template.spec ?? { containers: [] };
  const labels = Object.entries(md.labels ?? {}).sort(([a], [b]) => byText(a, b)).map(([k, v]) => `${k}=${v}`);
  lines.push(...multiline('', '  Labels', labels));
  const annotations = Object.entries(md.annotations ?? {}).filter(([k]) => !SKIPPED_ANNOTATIONS.has(k)).sort(([a], [b]) => byText(a, b)).map(([k, v]) => `${k}: ${v}`);
  if (Object.keys(md.annotations ?? {}).length > 0) lines.push(...multiline('', '  Annotations', annotations));
  if (spec.serviceAccountName) lines.push(`  Service Account:\t${spec.serviceAccountName}`);
  // kubectl's nameIndent: under a template, a container's or volume's name moves one space right
  // (`   web:`); its fields stay where a pod's are.
  const nameIndent = (l: string) => (/^ {2}\S/.test(l) ? ` ${l}` : l);
  const containers = (cs: readonly V1Container[]) => cs.flatMap((c) => describeContainer(c, undefined).map(nameIndent));
  if ((spec.initContainers ?? []).length > 0) lines.push('  Init Containers:', ...containers(spec.initContainers ?? []));
  lines.push((spec.containers ?? []).length > 0 ? '  Containers:' : '  Containers: <none>', ...containers(spec.containers ?? []));
  const [volumesTitle = 'Volumes:', ...volumes] = describeVolumes(spec.volumes ?? []);
  lines.push(`  ${volumesTitle}`, ...volumes.map(nameIndent));
  if (spec.priorityClassName) lines.push(`  Priority Class Name:\t${spec.priorityClassName}`);
  const nodeSelector = Object.entries(spec.nodeSelector ?? {}).sort(([a], [b]) => byText(a, b)).map(([k, v]) => `${k}=${v}`);
  lines.push(...multiline('', '  Node-Selectors', nodeSelector));
  lines.push(...multiline('', '  Tolerations', ((spec.tolerations ?? []) as TemplateToleration[]).map(tolerationText)));
  return lines;
}
