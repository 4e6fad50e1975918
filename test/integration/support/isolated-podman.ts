import { removeNetworksUnder } from './network';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runId } from './cli';
import { removePodsByPrefix, removeVolumesByPrefix } from './podman';
import { startPodmanService, type PodmanService } from './podman-service';
import { runEveryStep } from './run-every-step';

/** IsolatedPodmanOptions: what a test file needs besides the defaults. */
export interface IsolatedPodmanOptions {
  /** prefix names everything the file makes; runId() by default. */
  prefix?: string;
  /** service: false for a file that starts (and kills) its services itself; it still gets prefix, tmp and cleanup. */
  service?: boolean;
}

/** IsolatedPodman is one test file's share of Podman: its name prefix, its directory, its service. */
export interface IsolatedPodman {
  /** prefix starts the name of every pod, container and volume the file makes; only those are removed. */
  readonly prefix: string;
  /** tmp is the file's own directory (made at once, so module-level code can use it; removed in afterAll). */
  readonly tmp: string;
  /** file writes text to NAME in tmp and returns its path (a manifest for the CLI, say). */
  file(name: string, text: string): string;
  /** service is the private API service started in beforeAll; read it inside hooks and tests only. */
  readonly service: PodmanService;
  /**
   * onCleanup adds a step of the file's own teardown. These run first, in the order added (a tmux
   * server or a service the file started goes before its socket's directory does), then the
   * standard steps; every step runs even when an earlier one threw.
   */
  onCleanup(name: string, run: () => unknown): void;
}

/**
 * useIsolatedPodman gives a test file its own name prefix, temporary directory and private Podman
 * API service, and registers the beforeAll that starts the service and the afterAll that removes
 * the file's pods and volumes, stops the service and removes the directory. Call it once, at the top
 * level of the test file. Volumes are always removed by prefix: a file that makes none loses
 * nothing by it, and a file that forgot one leaves nothing behind.
 */
export function useIsolatedPodman(opts: IsolatedPodmanOptions = {}): IsolatedPodman {
  const prefix = opts.prefix ?? runId();
  const tmp = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const wantService = opts.service ?? true;
  let service: PodmanService | undefined;
  const extra: Array<{ name: string; run: () => unknown }> = [];

  if (wantService) {
    beforeAll(async () => {
      service = await startPodmanService();
    });
  }

  afterAll(() =>
    runEveryStep([
      ...extra,
      { name: `remove pods of ${prefix}`, run: () => removePodsByPrefix(prefix) },
      { name: `remove volumes of ${prefix}`, run: () => removeVolumesByPrefix(prefix) },
      { name: `remove kubeplay's networks of ${tmp}`, run: () => removeNetworksUnder(tmp) },
      { name: 'stop the Podman API service', run: () => service?.stop() },
      { name: `remove ${tmp}`, run: () => rmSync(tmp, { recursive: true, force: true }) },
    ]),
  );

  return {
    prefix,
    tmp,
    file: (name, text) => {
      const p = join(tmp, name);
      writeFileSync(p, text);
      return p;
    },
    get service(): PodmanService {
      if (!service) {
        throw new Error(
          wantService
            ? 'the Podman API service is read before beforeAll started it (or starting it failed); read it inside a hook or test'
            : 'useIsolatedPodman({ service: false }) starts no service; start one with startPodmanService()',
        );
      }
      return service;
    },
    onCleanup(name, run) {
      extra.push({ name, run });
    },
  };
}
