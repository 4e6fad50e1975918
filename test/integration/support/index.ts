// The integration-test harness: everything a test under test/integration needs to drive real
// Podman without touching what other people (or the user's examples) have running.
export { repoRoot, examplesDir, TEST_IMAGE, EXAMPLES_HOST_PORT_BASE } from './paths';
export {
  podman,
  podmanOk,
  podmanExec,
  podmanState,
  removePodsByPrefix,
  removeVolumesByPrefix,
  listPods,
  listContainers,
  listVolumes,
  publishedHostPorts,
  runProcess,
  type ProcessResult,
  type RunOptions,
  type PodmanStateOptions,
} from './podman';
export { startPodmanService, currentPodmanService, pingSocket, type PodmanService, type StartPodmanServiceOptions } from './podman-service';
export { runCli, runId, startCli, waitUntil, type CliResult, type RunCliOptions, type RunningCli } from './cli';
export { materialize, prefixedName, RUN_LABEL_KEY, type Materialized, type MaterializeOptions } from './materialize';
export { freePortBase, httpGet, type HttpResponse, type HttpGetOptions } from './net';
export { useIsolatedPodman, type IsolatedPodman, type IsolatedPodmanOptions } from './isolated-podman';
export { runEveryStep, type CleanupStep } from './run-every-step';
export { sleeperPods, podSummary, containersNotRunning, storageOnlyContainers, resultLines, type SleeperOptions } from './pods';
export { startFreezingProxy, type FreezingProxy } from './freezing-proxy';
export { startServe, kubectl, kubectlBinary, kubectlDir, bearerToken, type Served } from './serve';
