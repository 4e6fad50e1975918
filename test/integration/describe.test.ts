/**
 * describe against real Podman, through the real CLI: a healthy pod, a crash-looping one (last
 * state, exit code, restart count, events) and one with an init container, plus -l and NotFound.
 * Everything made here is named with this run's prefix, lives on a private Podman service, and
 * only that is removed afterwards.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_IMAGE, runCli, useIsolatedPodman, type CliResult } from './support';

const { prefix, tmp } = useIsolatedPodman();
const sleeper = "trap 'exit 0' TERM; sleep 100000 & wait";

beforeAll(async () => {
  const pods = [
    `apiVersion: v1
kind: Pod
metadata: {name: ${prefix}-healthy, labels: {run: ${prefix}, app: healthy}, annotations: {team: blue}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: ${TEST_IMAGE}
    command: [sh, -c, "${sleeper}"]
    ports: [{containerPort: 8080}]
    env: [{name: GREETING, value: hello}]
    resources: {limits: {memory: 64Mi}}
    volumeMounts: [{name: cache, mountPath: /cache}]
  volumes: [{name: cache, emptyDir: {}}]
`,
    `apiVersion: v1
kind: Pod
metadata: {name: ${prefix}-crash, labels: {run: ${prefix}}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: app, image: ${TEST_IMAGE}, command: [sh, -c, "echo boom; sleep 1; exit 3"]}
`,
    `apiVersion: v1
kind: Pod
metadata: {name: ${prefix}-init, labels: {run: ${prefix}}}
spec:
  terminationGracePeriodSeconds: 1
  initContainers:
  - {name: setup, image: ${TEST_IMAGE}, command: [sh, -c, "echo prepared"]}
  containers:
  - {name: app, image: ${TEST_IMAGE}, command: [sh, -c, "${sleeper}"]}
`,
    `apiVersion: v1
kind: Pod
metadata: {name: ${prefix}-probe, labels: {run: ${prefix}}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: ${TEST_IMAGE}
    command: [sh, -c, "${sleeper}"]
    livenessProbe: {exec: {command: [sh, -c, "exit 1"]}, periodSeconds: 60, failureThreshold: 1}
`,
  ];
  const file = join(tmp, 'pods.yaml');
  writeFileSync(file, pods.join('---\n'));
  const r = await runCli(['apply', '-f', file]);
  if (r.code !== 0) throw new Error(`apply failed: ${r.stderr}`);
});

/** Runs describe until `until` holds (Podman restarts and starts containers in its own time). */
async function describeUntil(args: string[], until: (r: CliResult) => boolean, timeoutMs = 60_000): Promise<CliResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await runCli(['describe', ...args]);
    if (until(r) || Date.now() > deadline) return r;
    await new Promise((res) => setTimeout(res, 500));
  }
}

/** The lines of one container's section (`  NAME:` up to the next section at that depth or less). */
function section(out: string, title: string): string {
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l === title);
  if (start < 0) return '';
  const depth = title.length - title.trimStart().length;
  const end = lines.findIndex((l, i) => i > start && l.trim() !== '' && l.length - l.trimStart().length <= depth);
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

test('a healthy pod: kubectl\'s fields, the container running and ready, its env, limits, mounts, volume and events', async () => {
  const r = await describeUntil(['pod', `${prefix}-healthy`], (x) => /Ready:\s+True/.test(x.stdout));
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  const out = r.stdout;
  expect(out).toMatch(new RegExp(`^Name:\\s+${prefix}-healthy\\nNamespace:\\s+default\\n`));
  expect(out).toMatch(/\nLabels:\s+app=healthy\n\s+run=kpt-/);
  expect(out).toMatch(/\nAnnotations:\s+team: blue\n/);
  expect(out).toMatch(/\nStatus:\s+Running\n/);
  expect(out).toMatch(/\nIP:\s+\d+\.\d+\.\d+\.\d+\n/);
  const app = section(out, '  app:');
  expect(app).toMatch(/Container ID:\s+podman:\/\/[0-9a-f]{64}/);
  expect(app).toMatch(new RegExp(`Image:\\s+${TEST_IMAGE.replace(/[.]/g, '\\.')}`));
  expect(app).toMatch(/Port:\s+8080\/TCP\n\s+Host Port:\s+0\/TCP/);
  expect(app).toMatch(/State:\s+Running\n\s+Started:\s+\w{3}, \d\d \w{3} \d{4}/);
  expect(app).toMatch(/Ready:\s+True\n\s+Restart Count:\s+0/);
  expect(app).toMatch(/Limits:\n\s+memory:\s+64Mi/);
  expect(app).toMatch(/Environment:\n\s+GREETING:\s+hello/);
  expect(app).toMatch(/Mounts:\n\s+\/cache from cache \(rw\)/);
  expect(out).toMatch(/Conditions:\n\s+Type\s+Status\n\s+Initialized\s+True \n\s+Ready\s+True \n/);
  expect(section(out, 'Volumes:')).toMatch(/cache:\n\s+Type:\s+EmptyDir/);
  const events = section(out, 'Events:');
  expect(events).toMatch(/Type\s+Reason\s+Age\s+From\s+Message/);
  expect(events).toMatch(/Normal\s+Created\s+\S+\s+podman\s+Created container app/);
  expect(events).toMatch(/Normal\s+Started\s+\S+\s+podman\s+Started container app/);
});

test('a crash-looping pod: waiting or running again, last state terminated with exit code 3, restarts counted, failures in the events', async () => {
  const r = await describeUntil(['pod', `${prefix}-crash`], (x) => Number(/Restart Count:\s+(\d+)/.exec(x.stdout)?.[1] ?? 0) >= 2 && /Last State:\s+Terminated/.test(x.stdout));
  expect(r.code).toBe(0);
  const app = section(r.stdout, '  app:');
  expect(app).toMatch(/Last State:\s+Terminated\n\s+Reason:\s+Error\n\s+Exit Code:\s+3\n/);
  expect(Number(/Restart Count:\s+(\d+)/.exec(app)?.[1])).toBeGreaterThanOrEqual(2);
  expect(app).toMatch(/Ready:\s+False/);
  const events = section(r.stdout, 'Events:');
  expect(events).toMatch(/Warning\s+Failed\s+\S+ \(x\d+ over \S+\)\s+podman\s+Container app exited with code 3/);
  expect(events).toMatch(/Warning\s+BackOff\s+.*Back-off restarting failed container app in pod /);
  // Newest last: the container was created once, first; its restarts come after.
  const rows = events.split('\n').slice(3).filter((l) => l.trim() !== '');
  expect(rows[0]).toMatch(/Normal\s+Created\s+.*Created container app/);
  expect(rows[rows.length - 1]).not.toMatch(/Created container/);
});

test('a pod with an init container: it is listed under Init Containers, terminated and completed, and its run is in the events', async () => {
  const r = await describeUntil(['pod', `${prefix}-init`], (x) => /State:\s+Running/.test(section(x.stdout, '  app:')));
  expect(r.code).toBe(0);
  const init = section(r.stdout, 'Init Containers:');
  expect(init).toMatch(/ {2}setup:\n/);
  expect(init).toMatch(/Command:\n\s+sh\n\s+-c\n\s+echo prepared/);
  expect(init).toMatch(/State:\s+Terminated\n\s+Reason:\s+Completed\n\s+Exit Code:\s+0/);
  expect(init).toMatch(/Ready:\s+True/);
  const events = section(r.stdout, 'Events:');
  expect(events).toMatch(/Started container setup/);
  expect(events).toMatch(/Normal\s+Completed\s+\S+\s+podman\s+Container setup exited with code 0/);
  // Init containers run before the app containers start.
  expect(events.indexOf('Container setup exited')).toBeLessThan(events.indexOf('Started container app'));
});

test('-l describes every pod the selector matches, in name order, separated by blank lines', async () => {
  const r = await runCli(['describe', 'pods', '-l', `run=${prefix}`]);
  expect(r.code).toBe(0);
  const names = [...r.stdout.matchAll(/^Name:\s+(\S+)$/gm)].map((m) => m[1]);
  expect(names).toEqual([`${prefix}-crash`, `${prefix}-healthy`, `${prefix}-init`, `${prefix}-probe`]);
  expect(r.stdout).toMatch(/\n\nName:/);
});

test('a pod that is not there: kubectl\'s NotFound, exit 1; the others are still described', async () => {
  const r = await runCli(['describe', 'pod', `${prefix}-nope`, `${prefix}-healthy`]);
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(`Error from server (NotFound): pods "${prefix}-nope" not found\n`);
  expect(r.stdout).toMatch(new RegExp(`^Name:\\s+${prefix}-healthy`));
});

test('a failing liveness probe: the probe is shown; kubeplay runs it, restarts the container, and describe shows the kubelet events', async () => {
  // Podman runs healthchecks from systemd timers, and this host has none: kubeplay's prober runs the
  // probe when a command looks at the pod (docs/probes.md), kills the container and starts it again.
  const r = await describeUntil(['pod', `${prefix}-probe`], (x) => x.stdout.includes('Killing'));
  expect(section(r.stdout, '  app:')).toMatch(/Liveness:\s+exec \[sh -c exit 1\] delay=0s timeout=1s period=60s #success=1 #failure=1/);
  expect(section(r.stdout, 'Events:')).toMatch(/Warning\s+Unhealthy\s+\d+s\s+kubelet\s+Liveness probe failed:\s*\n/);
  expect(section(r.stdout, 'Events:')).toMatch(/Normal\s+Killing\s+\d+s\s+kubelet\s+Container app failed liveness probe, will be restarted/);
});
