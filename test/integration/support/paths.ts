import * as path from 'node:path';

/** repoRoot is the absolute path of the kubeplay checkout the tests run from. */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** examplesDir is the repository's examples/ directory. */
export const examplesDir = path.join(repoRoot, 'examples');

/** TEST_IMAGE is the local image every example and integration test uses (scripts/build-test-image.sh). */
export const TEST_IMAGE = 'localhost/busybox:stable';

/** EXAMPLES_HOST_PORT_BASE is the lowest hostPort the examples use (18080..18085), the origin for offsets. */
export const EXAMPLES_HOST_PORT_BASE = 18080;
