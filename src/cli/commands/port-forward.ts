/**
 * `kubeplay port-forward`: the yargs command. The builder only declares; the handler turns argv
 * into PortForwardOptions, lends runPortForward stdout and stderr as its sink and SIGINT/SIGTERM
 * as its stop, and tells it whether Podman is rootless (this process is not root). Interrupted,
 * it closes the listeners and exits 0, as kubectl does. Everything heavy is imported inside the
 * handler.
 */
import type { Argv, CommandModule } from 'yargs';
import type { ObjectStore } from '../../store/object-store';
import type { ContainerEngine } from '../../engine/container-engine';
import type { PortForwardOptions } from '../../commands/port-forward';
import type { Io } from '../main';

/** PortForwardCommandContext is what the composition root lends the command. */
export interface PortForwardCommandContext {
  connectEngine: (verbosity: number) => Promise<ContainerEngine>;
  /** The object store, where a Service or a workload (`svc/web`, `deploy/web`) is looked up. */
  openStore?: () => ObjectStore;
}

/**
 * toPortForwardOptions turns yargs' argv into typed options: --address split at commas (kubectl's
 * StringSlice), --pod-running-timeout read as a Go duration that must be above zero.
 */
export function toPortForwardOptions(argv: Record<string, unknown>, parseSeconds: (s: string) => number): PortForwardOptions {
  const words = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String);
  const addresses = words(argv['address'] ?? 'localhost').flatMap((a) => a.split(',')).map((a) => a.trim());
  const timeoutText = typeof argv['pod-running-timeout'] === 'string' ? argv['pod-running-timeout'] : '1m0s';
  const seconds = parseSeconds(timeoutText);
  const o: PortForwardOptions = {
    resource: typeof argv['resource'] === 'string' ? argv['resource'] : '',
    ports: words(argv['ports']),
    addresses,
    podRunningTimeoutMs: seconds * 1000,
  };
  if (typeof argv['namespace'] === 'string' && argv['namespace'] !== '') o.namespace = argv['namespace'];
  return o;
}

/** portForwardCommand builds the yargs module of `kubeplay port-forward`. */
export function portForwardCommand(io: Io, ctx: PortForwardCommandContext): CommandModule {
  return {
    command: 'port-forward <resource> [ports..]',
    describe: 'Forward one or more local ports to a pod',
    builder: (y: Argv) =>
      y
        .usage('kubeplay port-forward TYPE/NAME [options] [LOCAL_PORT:]REMOTE_PORT [...[LOCAL_PORT_N:]REMOTE_PORT_N]\n\nForward one or more local ports to a pod. TYPE/NAME such as deployment/mydeployment or service/myservice selects a pod; TYPE defaults to pod. The pod is picked once: if it goes, each new connection fails until port-forward is run again.')
        .positional('resource', { type: 'string', describe: 'The pod: NAME, pod/NAME, or TYPE/NAME of a Service or workload (svc/, deploy/, rs/, sts/, ds/, job/)' })
        .positional('ports', { type: 'string', array: true, describe: '[LOCAL_PORT:]REMOTE_PORT pairs; :REMOTE picks a random local port; REMOTE may be a port name' })
        // Not an array option: `--address 0.0.0.0 pod/web 80` must leave the positionals alone; a repeated --address still gives a list.
        .option('address', { type: 'string', default: 'localhost', describe: 'Addresses to listen on (comma separated): IP addresses or localhost (127.0.0.1 and ::1)' })
        .option('pod-running-timeout', { type: 'string', default: '1m0s', describe: 'How long to wait for at least one pod of a Service or workload (like 5s, 2m, or 3h, higher than zero)' })
        .example('kubeplay port-forward pod/mypod 8888:5000', 'Listen on port 8888 locally, forwarding to 5000 in the pod')
        .example('kubeplay port-forward deployment/mydeployment 5000 6000', 'Ports 5000 and 6000 of a pod of the deployment')
        .example('kubeplay port-forward service/myservice 8443:https', 'Port 8443 to the targetPort of the Service\'s port named https')
        .example('kubeplay port-forward --address 0.0.0.0 pod/mypod 8888:5000', 'Listen on all addresses')
        .example('kubeplay port-forward pod/mypod :5000', 'A random local port'),
    handler: async (argv) => {
      if (argv['help'] === true) return;
      const verbosity = Number(argv['verbose'] ?? 0);
      const { runPortForward } = await import('../../commands/port-forward');
      const { parseDuration } = await import('../../commands/logs');
      const { UsageError } = await import('../../domain/errors');
      const opts = toPortForwardOptions(argv, (text) => {
        let s: number;
        try {
          s = parseDuration(text);
        } catch {
          throw new UsageError(`invalid argument "${text}" for "--pod-running-timeout" flag: time: invalid duration "${text}"`);
        }
        if (!(s > 0)) throw new UsageError('--pod-running-timeout must be higher than zero');
        return s;
      });
      const controller = new AbortController();
      const stop = () => controller.abort();
      const off = io.onInterrupt
        ? io.onInterrupt(stop)
        : (() => {
            process.once('SIGINT', stop);
            process.once('SIGTERM', stop);
            return () => {
              process.removeListener('SIGINT', stop);
              process.removeListener('SIGTERM', stop);
            };
          })();
      try {
        await runPortForward(
          opts,
          {
            engine: () => ctx.connectEngine(verbosity),
            now: () => new Date(),
            ...(ctx.openStore ? { store: ctx.openStore } : {}),
            rootless: (process.getuid?.() ?? 0) !== 0,
          },
          { out: (t) => io.stdout.write(t), err: (t) => io.stderr.write(t) },
          controller.signal,
        );
      } finally {
        off();
      }
    },
  };
}
