/**
 * `kubeplay serve`: the Kubernetes API over Podman (src/serve), in the foreground. The handler
 * builds what the server is lent (the store, the pipeline's dependencies, the engine, the control
 * loop), makes or reuses the credentials in `<state dir>/serve`, writes the `kubeplay` context
 * into the kubeconfig, listens, and on SIGINT/SIGTERM closes and exits 0.
 */
import type { Argv, CommandModule } from 'yargs';
import type { ObjectStore } from '../../store/object-store';
import type { Prober } from '../../observe/probes/prober';
import type { NetworkDeps } from '../../commands/network';
import type { EngineContext, Io } from '../main';
import { join } from 'node:path';
import { UsageError } from '../../domain/errors';

/** ServeContext is what the composition root lends the command. */
export interface ServeContext extends EngineContext {
  openStore: () => ObjectStore;
  stateDir: () => string;
  filesRoot: () => string;
  prober: (engine: import('../../engine/container-engine').ContainerEngine) => Prober;
  network: () => NetworkDeps;
}

/** serveCommand builds the yargs module of `kubeplay serve`. */
export function serveCommand(io: Io, ctx: ServeContext): CommandModule {
  return {
    command: 'serve',
    describe: 'Serve the Kubernetes API over Podman, so kubectl and other clients drive kubeplay',
    builder: (y: Argv) =>
      y
        .option('address', { type: 'string', default: '127.0.0.1', describe: 'The address to listen on' })
        .option('port', { type: 'number', default: 6443, describe: 'The port to listen on (0: any free port)' })
        .option('kubeconfig', { type: 'string', describe: 'The kubeconfig to write the `kubeplay` context into (default: as kubectl picks: the one file of $KUBECONFIG, else the first that exists, else the last; without $KUBECONFIG, ~/.kube/config)' })
        .option('bookmark-seconds', { type: 'number', hidden: true, describe: 'How often watches get a bookmark (tests)' })
        .option('install', { type: 'boolean', default: false, describe: 'Write a systemd unit that runs kubeplay serve (with these flags) at boot, print how to enable it, and exit' })
        .option('user', { type: 'boolean', default: false, describe: 'With --install: a user unit (~/.config/systemd/user) rather than a system one' })
        .example('kubeplay serve', 'Serve on https://127.0.0.1:6443 and write the kubeplay context; then kubectl apply -f pod.yaml')
        .example('kubeplay serve --port 0 --kubeconfig ./kc', 'Any free port; the context goes to ./kc only'),
    handler: async (argv) => {
      const verbosity = Number(argv['verbose'] ?? 0);
      const address = typeof argv['address'] === 'string' ? argv['address'] : '127.0.0.1';
      const port = Number(argv['port'] ?? 6443);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`invalid --port ${String(argv['port'])}: give a port number from 0 to 65535`);
      const stateDir = ctx.stateDir();
      if (argv['install'] === true) {
        const { installServe } = await import('../../serve/install');
        const { homedir, userInfo } = await import('node:os');
        const args = process.argv.slice(process.argv.indexOf('serve') + 1);
        const root = (process.getuid?.() ?? 0) === 0 && argv['user'] !== true;
        const done = installServe({
          node: process.execPath,
          script: process.argv[1] ?? 'kubeplay',
          serveArgs: args,
          cwd: process.cwd(),
          stateDir,
          scope: root ? 'root' : 'user',
          home: io.env['HOME'] ?? homedir(),
          userName: userInfo().username,
          ...(io.env['XDG_CONFIG_HOME'] ? { xdgConfigHome: io.env['XDG_CONFIG_HOME'] } : {}),
          env: { KUBECONFIG: io.env['KUBECONFIG'], CONTAINER_HOST: io.env['CONTAINER_HOST'], KUBEPLAY_STATE_DIR: io.env['KUBEPLAY_STATE_DIR'] },
        });
        io.stdout.write(`kubeplay serve: ${done.changed ? 'wrote' : 'kept'} ${done.path}\nkubeplay serve: to start it now and at every boot, run:\n${done.commands.map((c) => `  ${c}\n`).join('')}`);
        return;
      }
      const log = (line: string) => io.stderr.write(`kubeplay serve: ${line}\n`);
      const vlog = (line: string) => {
        if (verbosity > 0) log(line);
      };
      const { ensureCredentials, servingHosts, ADMIN_USER } = await import('../../serve/tls');
      const os = await import('node:os');
      const creds = ensureCredentials(join(stateDir, 'serve'), { hosts: servingHosts(address, os.networkInterfaces(), os.hostname()) });
      for (const m of creds.made) vlog(`credentials: ${m}`);
      // Podman: connected (a service started if none answers) before anything is served.
      await ctx.connectEngine(verbosity);
      const socket = ctx.socketPath();
      const engine = () => ctx.connectEngine(verbosity);
      const { acquireConnectionLock, isLockHeld, startLockAddress } = await import('../../engine/connection-lock');
      const lock = async () => {
        const h = await acquireConnectionLock(socket!, { onWait: (pid) => vlog(`waiting for another kubeplay (pid ${pid}) to finish with ${socket!}`) });
        return () => h.release();
      };
      const probe = {
        portFree: (await import('../../observe/host-port-probe')).bindProbe,
        statPath: (await import('../../observe/host-path')).statPath,
        startRunning: async (pod: string) => isLockHeld(startLockAddress(socket!, pod)),
      };
      const hostFs = (await import('../../execute/node-host-fs')).nodeHostFs;
      const node = (await import('../node-info')).nodeInfo();
      const network = ctx.network();
      const filesRoot = ctx.filesRoot();
      const { backgroundStarter } = await import('./start-sequence');
      const store = ctx.openStore();
      const { WatchHub } = await import('../../serve/watch');
      const { ControlLoop } = await import('../../serve/control-loop');
      const { createApiServer } = await import('../../serve/server');
      const { documentServer } = await import('../../serve/documents');
      const { PATCHERS } = await import('../../serve/patching');
      const { podExec, podPortForward } = await import('../../serve/pod-streams');
      const hub = new WatchHub(store);
      const loop = new ControlLoop({ store, engine, now: () => new Date(), prober: ctx.prober, lock, reconcileDeps: { probe, hostFs, node, network, filesRoot }, log });
      const api = {
        store,
        hub,
        apply: {
          readStdin: () => Promise.reject(new Error('no stdin in the API server')),
          engine,
          lock,
          store: ctx.openStore,
          filesRoot,
          probe,
          hostFs,
          // No node: the controllers run in the control loop, after the request, as a cluster's do.
          prober: ctx.prober,
          network,
          startInBackground: (sequence: Parameters<ReturnType<typeof backgroundStarter>>[0], resumeAt: Parameters<ReturnType<typeof backgroundStarter>>[1]) => backgroundStarter(socket!, io.env)(sequence, resumeAt),
        },
        delete: {
          readStdin: () => Promise.reject(new Error('no stdin in the API server')),
          engine,
          detach: () => Promise.reject(new Error('the API server deletes in the request')),
          lock,
          store: ctx.openStore,
          filesRoot,
          hostFs,
          probe,
          prober: ctx.prober,
          network,
        },
        logs: { engine, now: () => new Date(), store: ctx.openStore },
        engine,
        node: node.name,
        now: () => new Date(),
        patchers: PATCHERS,
        changed: () => loop.kick(),
        ...(typeof argv['bookmark-seconds'] === 'number' ? { bookmarkMs: argv['bookmark-seconds'] * 1000 } : {}),
        log: vlog,
      };
      const { verifyClientCertificate } = await import('../../serve/tls');
      const { goPlatform } = await import('../../serve/discovery');
      const documents = documentServer({
        kubeplayVersion: (JSON.parse((await import('node:fs')).readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version,
        platform: goPlatform(process.platform, process.arch),
        runtimeVersion: `node ${process.version}`,
        serverAddress: `${address}:${port}`,
      });
      const server = createApiServer(
        api,
        {
          key: creds.key,
          cert: creds.cert,
          ca: creds.caCert,
          token: creds.token,
          clientUser: (s) => verifyClientCertificate(s.getPeerCertificate(), creds.caCert)?.name,
        },
        documents,
        (route, req, socket, head) => {
          if (route.subresource === 'exec') void podExec(api, route, req, socket, head);
          else if (route.subresource === 'portforward') podPortForward(api, route, req, socket, head);
          else socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
        },
      );
      await new Promise<void>((resolve, reject) => {
        server.once('error', (e: NodeJS.ErrnoException) =>
          reject(e.code === 'EADDRINUSE' ? new UsageError(`cannot listen on ${address}:${port}: another process uses it; stop it or pass --port`) : e),
        );
        server.listen(port, address, () => resolve());
      });
      const bound = server.address();
      const url = `https://${address.includes(':') ? `[${address}]` : address}:${typeof bound === 'object' && bound !== null ? bound.port : port}`;
      const { mergeKubeconfig, kubeconfigPath } = await import('../../serve/kubeconfig');
      const kubeconfig = kubeconfigPath(io.env, typeof argv['kubeconfig'] === 'string' ? argv['kubeconfig'] : undefined);
      mergeKubeconfig(kubeconfig, { server: url, caData: creds.caCert, token: creds.token, setCurrent: true });
      // A long-running server: a failure no request handled is logged, and serving goes on.
      const onCrash = (e: unknown) => log(`unexpected failure (serving goes on; please report it): ${(e as Error)?.stack ?? String(e)}`);
      process.on('uncaughtException', onCrash);
      process.on('unhandledRejection', onCrash);
      loop.start();
      io.stdout.write(`kubeplay serve: listening on ${url} as ${ADMIN_USER}'s API (state directory ${stateDir})\n`);
      io.stdout.write(`kubeplay serve: kubeconfig ${kubeconfig}: context "kubeplay" (kubectl --context kubeplay ...)\n`);
      await new Promise<void>((resolve) => {
        const off = io.onInterrupt?.(() => {
          off?.();
          resolve();
        });
      });
      await loop.stop();
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.close();
      io.stdout.write('kubeplay serve: stopped\n');
    },
  };
}
