// Jest globalSetup: the integration tests drive a real Podman, so the run fails (never skips)
// when Podman or the test image is missing, in CI and locally alike. A skipped integration
// suite would report green while testing nothing.
'use strict';

const { spawnSync } = require('node:child_process');

const IMAGE = 'localhost/busybox:stable';
const FIX = 'Run `bash scripts/setup.sh` (it installs Podman, configures this host and builds the image), then run the tests again.';

/** globalSetup checks that podman runs and that the test image exists, and throws a clear message otherwise. */
module.exports = async function globalSetup() {
  const version = spawnSync('podman', ['--version'], { encoding: 'utf8' });
  if (version.error) {
    const why = version.error.code === 'ENOENT' ? 'podman is not installed (not on PATH)' : `podman could not be run: ${version.error.message}`;
    throw new Error(`kubeplay tests cannot start: ${why}, and the integration tests run against a real Podman. ${FIX}`);
  }
  if (version.status !== 0) {
    throw new Error(`kubeplay tests cannot start: \`podman --version\` failed (${(version.stderr || '').trim()}). ${FIX}`);
  }
  const image = spawnSync('podman', ['image', 'exists', IMAGE], { encoding: 'utf8' });
  if (image.status === 1) {
    throw new Error(`kubeplay tests cannot start: the image ${IMAGE} is missing, and the examples and integration tests run it (no registry is reachable to pull one). ${FIX}`);
  }
  if (image.status !== 0) {
    throw new Error(`kubeplay tests cannot start: \`podman image exists ${IMAGE}\` failed (${(image.stderr || '').trim()}), so Podman itself does not work here. ${FIX}`);
  }
};
