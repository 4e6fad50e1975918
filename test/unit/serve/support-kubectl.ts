/**
 * The real kubectl binaries the serve tests drive: the one on PATH (1.32 here) and the oldest and
 * newest installed beside it. A missing one fails the test that asks for it, naming what to install.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

const SDK = '/usr/lib/google-cloud-sdk/bin';

/** KUBECTLS: [label, path] of each kubectl the tests run. */
export const KUBECTLS: Array<[string, string]> = [
  ['1.27', `${SDK}/kubectl.1.27`],
  ['1.32 (kubectl on PATH)', 'kubectl'],
  ['1.33', `${SDK}/kubectl.1.33`],
];

export function requireKubectl(path: string): void {
  if (path.includes('/') && !existsSync(path)) throw new Error(`${path} is missing: install it with \`gcloud components install kubectl\` (the Cloud SDK installs every kubectl minor version beside kubectl)`);
}

/** runKubectl: runs kubectl without blocking the event loop (the test's server answers in this process). */
export function runKubectl(path: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  requireKubectl(path);
  return new Promise((resolve) => {
    // stdin closed: with no credentials in a kubeconfig kubectl would wait on it for a user name.
    const child = execFile(path, args, { encoding: 'utf8', timeout: 60000, env: { ...process.env, KUBECONFIG: '/dev/null/none' } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end();
  });
}
