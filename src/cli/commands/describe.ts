/**
 * `kubeplay describe`: the yargs command. The builder only declares; the handler turns argv into
 * DescribeOptions, runs runDescribe and prints through src/print/describe.ts. Everything heavy is
 * imported inside the handler.
 */
import type { Argv, CommandModule } from 'yargs';
import type { ContainerEngine } from '../../engine/container-engine';
import type { DescribeOptions } from '../../commands/describe';
import { resourceText } from '../../domain/kinds';
import type { Io } from '../main';
import type { ObjectStore } from '../../store/object-store';
import type { Prober } from '../../observe/probes/prober';

/** DescribeCommandContext is what the composition root lends the command. */
export interface DescribeCommandContext {
  connectEngine: (verbosity: number) => Promise<ContainerEngine>;
  /** Opens the object store (the kinds kept there only: namespaces). */
  openStore: () => ObjectStore;
  /** Makes the prober that runs the pods' due probes and keeps their events (docs/probes.md). */
  prober?: (engine: ContainerEngine) => Prober;
}

function strings(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** toDescribeOptions turns yargs' argv into typed DescribeOptions. */
export function toDescribeOptions(argv: Record<string, unknown>, split: (args: string[]) => { resource: string; names: string[] }): DescribeOptions {
  const { resource, names } = split(strings(argv['args']));
  const o: DescribeOptions = {
    resource,
    names,
    files: strings(argv['filename']),
    recursive: Boolean(argv['recursive']),
    namespace: typeof argv['namespace'] === 'string' && argv['namespace'] !== '' ? argv['namespace'] : 'default',
    allNamespaces: Boolean(argv['all-namespaces']),
  };
  if (typeof argv['selector'] === 'string') o.selector = argv['selector'];
  return o;
}

/** describeCommand builds the yargs module of `kubeplay describe`. */
export function describeCommand(io: Io, ctx: DescribeCommandContext): CommandModule {
  return {
    command: 'describe [args..]',
    describe: 'Show a pod in detail: containers, states, last states, conditions, volumes and events',
    builder: (y: Argv) =>
      y
        .positional('args', { type: 'string', array: true, describe: 'pod NAME..., pod/NAME..., or pods (with -l, or for all)' })
        .option('filename', { alias: 'f', type: 'string', array: true, describe: 'Describe the objects these files name (a file, a directory, or - for stdin)' })
        .option('recursive', { alias: 'R', type: 'boolean', default: false, describe: 'Process the directories given with -f recursively' })
        .option('selector', { alias: 'l', type: 'string', describe: 'Label selector (k=v, k!=v, k in (a,b), k notin (a,b), k, !k)' })
        .option('all-namespaces', { alias: 'A', type: 'boolean', default: false, describe: 'Describe the pods of every namespace (with -l, or none named)' })
        .example('kubeplay describe pod web', 'Describe one pod')
        .example('kubeplay describe pods -l app=front', 'Describe the pods whose labels match')
        .example('kubeplay describe -f pod.yaml', 'Describe the pods a manifest names'),
    handler: async (argv) => {
      if (argv['help'] === true) return;
      const verbosity = Number(argv['verbose'] ?? 0);
      const { runDescribe, toDescribeArgs } = await import('../../commands/describe');
      const { formatDescribe } = await import('../../print/describe');
      const { NotFoundError } = await import('../../domain/errors');
      const { hostname } = await import('node:os');
      const opts = toDescribeOptions(argv, toDescribeArgs);
      const { resourceOf } = await import('../../kinds/registry');
      if (opts.files.length > 0 && opts.resource === '') {
        // kubectl's describe -f: every object the files name, whatever its kind, in its own namespace.
        const { objectsOfFiles } = await import('../../commands/objects-of-files');
        const groups = await objectsOfFiles(opts.files, { recursive: opts.recursive, namespace: opts.namespace, readStdin: io.readStdin }, 'describe');
        const texts: string[] = [];
        const missing: Array<{ name: string; resource: string }> = [];
        for (const g of groups) {
          const o = { ...opts, files: [], names: g.names, namespace: g.namespace, allNamespaces: false };
          if (g.kind.carriedOut === 'store') {
            const { describeStored } = await import('../../commands/describe-stored');
            const r = describeStored(o, g.kind, { store: ctx.openStore, now: () => new Date() });
            if (r.text !== '') texts.push(r.text);
            missing.push(...r.notFound.map((name) => ({ name, resource: resourceText(g.kind.info) })));
          } else {
            const r = await runDescribe({ ...o, resource: g.kind.info.plural }, { engine: () => ctx.connectEngine(verbosity), readStdin: io.readStdin, now: () => new Date(), store: ctx.openStore, ...(ctx.prober ? { prober: ctx.prober } : {}) });
            if (r.pods.length > 0) texts.push(formatDescribe(r.pods, { now: new Date(), node: hostname() }));
            missing.push(...r.notFound.map((name) => ({ name, resource: g.kind.info.plural })));
          }
        }
        // Objects separated by a blank line, as kubectl prints several.
        io.stdout.write(texts.map((t) => (t.endsWith('\n') ? t : `${t}\n`)).join('\n'));
        if (missing.length > 0) throw new NotFoundError(missing);
        return;
      }
      const kind = opts.resource !== '' ? resourceOf(opts.resource) : undefined;
      if (kind?.carriedOut === 'store') {
        const { describeStored } = await import('../../commands/describe-stored');
        const r = describeStored(opts, kind, { store: ctx.openStore, now: () => new Date() });
        io.stdout.write(r.text);
        if (r.notFound.length > 0) throw new NotFoundError(r.notFound.map((name) => ({ name })), kind.info.plural);
        return;
      }
      const r = await runDescribe(opts, { engine: () => ctx.connectEngine(verbosity), readStdin: io.readStdin, now: () => new Date(), store: ctx.openStore, ...(ctx.prober ? { prober: ctx.prober } : {}) });
      io.stdout.write(formatDescribe(r.pods, { now: new Date(), node: hostname() }));
      if (r.pods.length === 0 && r.notFound.length === 0) io.stderr.write(opts.allNamespaces ? 'No resources found\n' : `No resources found in ${opts.namespace} namespace.\n`);
      if (r.notFound.length > 0) throw new NotFoundError(r.notFound.map((name) => ({ name })));
    },
  };
}
