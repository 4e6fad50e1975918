// bench/lib/manifests.js: the benchmark's input. N Pods of two busybox containers each, running
// a loop that exits on SIGTERM (so a graceful stop is quick and a kill is a kill), labelled with
// the run's id; optionally one hostPort per pod; optionally one pod's spec changed.
'use strict';

const IMAGE = 'localhost/busybox:stable';
/** LABEL is the label key every benchmark pod carries, with the run id as value. */
const LABEL = 'kubeplay-bench';
// `sleep 1 & wait` lets the shell take TERM at once (a foreground sleep would delay the trap).
const LOOP = 'trap "exit 0" TERM; while :; do sleep 1 & wait; done';

/** podName names pod i of a run. */
function podName(prefix, i) {
  return `${prefix}-${String(i).padStart(3, '0')}`;
}

/**
 * podsYaml writes N pods as one multi-document YAML file. `hostPortBase` gives pod i the host
 * port hostPortBase + i; `changed` gives pod 0 a different environment value (a changed spec).
 */
function podsYaml(prefix, runId, n, { hostPortBase, changed = false } = {}) {
  const docs = [];
  for (let i = 0; i < n; i++) {
    const version = changed && i === 0 ? 'v2' : 'v1';
    const ports = hostPortBase ? `\n      ports:\n        - {containerPort: 8080, hostPort: ${hostPortBase + i}}` : '';
    docs.push(`apiVersion: v1
kind: Pod
metadata:
  name: ${podName(prefix, i)}
  labels:
    ${LABEL}: ${runId}
spec:
  terminationGracePeriodSeconds: 5
  containers:
    - name: main
      image: ${IMAGE}
      imagePullPolicy: Never
      command: [sh, -c, '${LOOP}']
      env:
        - {name: VERSION, value: ${version}}${ports}
    - name: side
      image: ${IMAGE}
      imagePullPolicy: Never
      command: [sh, -c, '${LOOP}']
`);
  }
  return docs.join('---\n');
}

/** floorPods describes the same pods for the REST floor (bench/lib/rest-floor.js). */
function floorPods(prefix, runId, n, { hostPortBase } = {}) {
  return Array.from({ length: n }, (_, i) => ({
    name: podName(prefix, i),
    labels: { [LABEL]: runId },
    ...(hostPortBase ? { hostPort: hostPortBase + i } : {}),
    containers: ['main', 'side'].map((name) => ({ name, image: IMAGE, command: ['sh', '-c', LOOP] })),
  }));
}

module.exports = { IMAGE, LABEL, podName, podsYaml, floorPods };
