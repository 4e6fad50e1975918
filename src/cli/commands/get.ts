/**
 * The `get` command's CLI wiring: flags declared in the builder, argv turned into GetOptions in
 * the handler, validated, run, and printed. Everything heavy is imported inside the handler so
 * that `kubeplay get` starts fast.
 */
import type { CommandModule } from 'yargs';
import { NotFoundError, ReportedError } from '../../domain/errors';
import { refWord, resourceText } from '../../domain/kinds';
import type { ContainerEngine } from '../../engine/container-engine';
import type { GetOptions } from '../../commands/get';
import type { ObjectStore } from '../../store/object-store';
import type { Prober } from '../../observe/probes/prober';
import type { Io } from '../main';

/** GetContext is what the composition root lends the command. */
export interface GetContext {
  /** `startIfNone: false` only takes a socket that answers already (see connect.ts). */
  connectEngine: (verbosity: number, how?: { startIfNone?: boolean }) => Promise<ContainerEngine>;
  /** Opens the object store (the kinds kept there only: namespaces). */
  openStore: () => ObjectStore;
  /** Makes the prober that runs the pods' due probes (docs/probes.md). */
  prober?: (engine: ContainerEngine) => Prober;
}

function strings(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** toGetOptions turns yargs' argv into typed GetOptions; `pod/NAME` arguments become names. */
export function toGetOptions(argv: Record<string, unknown>, parseOutput: (v: string | undefined) => Pick<GetOptions, 'output' | 'jsonpath'>): GetOptions {
  let resource = typeof argv['resource'] === 'string' ? argv['resource'] : '';
  const names = strings(argv['names']);
  // kubectl's TYPE/NAME form: `get pod/web pods/db`.
  const slashed = [resource, ...names].filter((a) => a.includes('/'));
  if (slashed.length > 0) {
    const types = new Set(slashed.map((a) => a.slice(0, a.indexOf('/'))));
    if (slashed.length !== names.length + (resource === '' ? 0 : 1)) {
      const { UsageError } = require('../../domain/errors') as typeof import('../../domain/errors');
      throw new UsageError('there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. kubeplay get pod/web)');
    }
    if (types.size > 1) {
      const { UsageError } = require('../../domain/errors') as typeof import('../../domain/errors');
      const { resourceOf } = require('../../kinds/registry') as typeof import('../../kinds/registry');
      // pod/a pods/b is one type; pod/a ns/b is two, which kubeplay gets one at a time.
      if (new Set([...types].map((t) => resourceOf(t)?.info.kind ?? t)).size > 1) throw new UsageError('kubeplay gets one resource type at a time: run get once for each type');
    }
    const first = [...types][0] ?? '';
    const { resourceOf } = require('../../kinds/registry') as typeof import('../../kinds/registry');
    // pod/web pods/db: one type, named by its plural; an unknown one is left for validation to refuse.
    resource = resourceOf(first)?.info.plural ?? first;
    names.splice(0, names.length, ...slashed.map((a) => a.slice(a.indexOf('/') + 1)));
  }
  const out = parseOutput(typeof argv['output'] === 'string' ? argv['output'] : undefined);
  const o: GetOptions = {
    resource,
    names,
    files: strings(argv['filename']),
    recursive: Boolean(argv['recursive']),
    output: out.output,
    showLabels: Boolean(argv['show-labels']),
    labelColumns: strings(argv['label-columns']).flatMap((k) => k.split(',')).map((k) => k.trim()).filter((k) => k !== ''),
    noHeaders: argv['headers'] === false || argv['no-headers'] === true,
    watch: Boolean(argv['watch']),
    watchIntervalSeconds: Number(argv['watch-interval'] ?? 1),
    namespace: typeof argv['namespace'] === 'string' && argv['namespace'] !== '' ? argv['namespace'] : 'default',
    allNamespaces: Boolean(argv['all-namespaces']),
  };
  if (out.jsonpath !== undefined) o.jsonpath = out.jsonpath;
  if (typeof argv['selector'] === 'string') o.selector = argv['selector'];
  if (typeof argv['field-selector'] === 'string') o.fieldSelector = argv['field-selector'];
  return o;
}

/** getCommand builds the `get` command for the composition root. */
export function getCommand(io: Io, ctx: GetContext): CommandModule {
  return {
    command: 'get [resource] [names..]',
    describe: 'Show pods: a table like kubectl\'s, or json, yaml, name, jsonpath',
    builder: (y) =>
      y
        .positional('resource', { type: 'string', describe: 'pods (or pod, po), or pod/NAME' })
        .positional('names', { type: 'string', array: true, describe: 'Pod names' })
        .option('filename', { alias: 'f', type: 'string', array: true, describe: 'Get the pods these files name (a file, a directory, or - for stdin)' })
        .option('recursive', { alias: 'R', type: 'boolean', default: false, describe: 'Process the directories given with -f recursively' })
        .option('selector', { alias: 'l', type: 'string', describe: 'Label selector: k=v, k==v, k!=v, k in (a,b), k notin (a,b), k, !k, joined by commas' })
        .option('field-selector', { type: 'string', describe: 'Field selector: metadata.name=web,status.phase=Running (=, ==, !=)' })
        .option('output', { alias: 'o', type: 'string', describe: 'Output format: wide, name, json, yaml, jsonpath=TEMPLATE' })
        .option('show-labels', { type: 'boolean', default: false, describe: 'Add a LABELS column' })
        .option('label-columns', { alias: 'L', type: 'string', array: true, describe: 'Add a column with the value of this label (repeatable, or comma-separated)' })
        // yargs reads --no-headers as the negation of --headers, so that is the flag declared.
        .option('headers', { type: 'boolean', default: true, describe: 'Print the header line (--no-headers leaves it out)' })
        .option('all-namespaces', { alias: 'A', type: 'boolean', default: false, describe: 'List the objects of every namespace (a NAMESPACE column is added)' })
        .option('watch', { alias: 'w', type: 'boolean', default: false, describe: 'After the list, print a new row whenever a pod changes, until interrupted' })
        .option('watch-interval', { type: 'number', default: 1, hidden: true, describe: 'Seconds between two looks at Podman while watching' })
        .example('kubeplay get pods', 'List every pod')
        .example('kubeplay get pods -l \'app=front,tier in (web,edge)\'', 'Pods whose labels match a selector')
        .example('kubeplay get pod web -o yaml', 'One pod as a Kubernetes object')
        .example('kubeplay get pods -o jsonpath=\'{.items[*].status.podIP}\'', 'Pick fields')
        .example('kubeplay get -f pod.yaml', 'The pods a manifest names')
        .example('kubeplay get pods -w', 'Watch pods change'),
    handler: async (argv) => {
      // With exitProcess(false) yargs still runs the handler after printing --help for a command given arguments.
      if (argv['help'] === true) return;
      const verbosity = Number(argv['verbose'] ?? 0);
      // Podman answers the ping while the modules below load (and yargs caches its help text).
      // Only a socket that answers is taken this early; otherwise runGet connects as usual.
      const early = ctx.connectEngine(verbosity, { startIfNone: false });
      early.catch(() => undefined); // its failure is handled when the engine is asked for
      const { runGet, watchGet } = await import('../../commands/get');
      const { formatPods, formatObjects, parseOutput, tableCells, tableHeaders, alignColumns } = await import('../../print/get/format');
      const opts = toGetOptions(argv, (v) => {
        const p = parseOutput(v);
        return p.jsonpath !== undefined ? { output: p.format, jsonpath: p.jsonpath } : { output: p.format };
      });
      const { hostname } = await import('node:os');
      const print = {
        format: opts.output,
        ...(opts.jsonpath !== undefined ? { jsonpath: opts.jsonpath } : {}),
        showLabels: opts.showLabels,
        labelColumns: opts.labelColumns,
        noHeaders: opts.noHeaders,
        single: false,
        node: hostname(),
        allNamespaces: opts.allNamespaces,
      };
      const deps = { engine: () => early.catch(() => ctx.connectEngine(verbosity)), readStdin: io.readStdin, now: () => new Date(), ...(ctx.prober ? { prober: ctx.prober } : {}) };
      const { requireResource, POD_KIND, KINDS } = await import('../../kinds/registry');
      if (opts.files.length > 0 && opts.resource === '') {
        // kubectl's get -f: every object the files name, whatever its kind, each looked up in its
        // own namespace; several kinds print as several tables with kind-qualified names.
        const { objectsOfFiles } = await import('../../commands/objects-of-files');
        const groups = await objectsOfFiles(opts.files, { recursive: opts.recursive, namespace: opts.namespace, readStdin: io.readStdin }, 'get');
        const several = new Set([...groups].map((g) => g.kind)).size > 1;
        const missing: Array<{ name: string; resource: string }> = [];
        const tables: string[] = [];
        const everything: unknown[] = [];
        for (const g of groups) {
          const o = { ...opts, files: [], names: g.names, resource: g.kind.info.plural, namespace: g.namespace || opts.namespace, allNamespaces: false };
          let items: unknown[];
          let notFoundNames: string[];
          if (g.kind.carriedOut === 'store') {
            const { runGetStored } = await import('../../commands/get-stored');
            const r = runGetStored(o, g.kind, { store: ctx.openStore, now: () => new Date() });
            [items, notFoundNames] = [r.objects, r.notFound];
          } else {
            const r = await runGet(o, deps);
            [items, notFoundNames] = [r.pods, r.notFound];
          }
          missing.push(...notFoundNames.map((name) => ({ name, resource: resourceText(g.kind.info) })));
          everything.push(...items);
          const table = several ? { ...g.kind.table, cells: (obj: never, wide: boolean, po: typeof print, now: Date) => { const c = g.kind.table.cells(obj, wide, po, now); c[0] = `${refWord(g.kind.info)}/${c[0] ?? ''}`; return c; } } : g.kind.table;
          const text = formatObjects(items as never[], print, new Date(), table as never);
          if (text !== '') tables.push(text);
        }
        const perTable = opts.output === 'table' || opts.output === 'wide' || opts.output === 'name';
        const first = [...groups][0]?.kind.table;
        if (perTable || groups.length === 1) io.stdout.write(tables.join(opts.output === 'name' ? '' : '\n'));
        else if (first) io.stdout.write(formatObjects(everything as never[], print, new Date(), first as never));
        if (missing.length > 0) throw new NotFoundError(missing);
        return;
      }
      if (opts.resource === 'all' || opts.resource.includes(',')) {
        // kubectl's `get all` and `get cm,secret`: each kind in turn, its names qualified (`pod/web`),
        // tables apart by a blank line; -o json/yaml/name print every item as one list.
        const { validateGetOptions } = await import('../../commands/get');
        const { UsageError } = await import('../../domain/errors');
        // kubectl's order for `all`: the core group's kinds first, then each group's, groups and resources alphabetically.
        const inAll = KINDS.filter((x) => x.info.categories?.includes('all')).sort((a, b) => (a.info.group === '' ? 0 : 1) - (b.info.group === '' ? 0 : 1) || (a.info.group === '' ? 0 : a.info.group.localeCompare(b.info.group) || a.info.plural.localeCompare(b.info.plural)));
        const several =
          opts.resource === 'all'
            ? inAll
            : [...new Set(opts.resource.split(',').filter((w) => w !== '').map((w) => (w === 'all' ? inAll : [requireResource(w)])).flat())];
        if (opts.names.length > 0 && opts.resource !== 'all') throw new UsageError(`kubeplay gets names of one resource type at a time: run kubeplay get ${several[0]?.info.plural ?? ''} ${opts.names.join(' ')}, and so on for each type`);
        if (opts.watch) throw new UsageError('-w works with pods only for now: kubeplay get TYPE,TYPE shows the lists once');
        validateGetOptions({ ...opts, resource: opts.resource === 'all' ? 'all' : (several[0]?.info.plural ?? '') });
        const tables: string[] = [];
        const everything: unknown[] = [];
        const qualifiedTable = several[0]?.table;
        let found = 0;
        for (const k of several) {
          const qualified = { ...k.table, cells: (obj: never, wide: boolean, o: typeof print, now: Date) => { const c = k.table.cells(obj, wide, o, now); c[0] = `${refWord(k.info)}/${c[0] ?? ''}`; return c; } };
          let items: unknown[];
          if (k.carriedOut === 'store') {
            const { runGetStored } = await import('../../commands/get-stored');
            items = runGetStored({ ...opts, resource: k.info.plural }, k, { store: ctx.openStore, now: () => new Date() }).objects;
          } else {
            items = (await runGet({ ...opts, resource: k.info.plural }, deps)).pods;
          }
          found += items.length;
          everything.push(...items);
          const text = formatObjects(items as never[], print, new Date(), qualified as never);
          if (text !== '') tables.push(text);
        }
        const perTable = opts.output === 'table' || opts.output === 'wide' || opts.output === 'name';
        if (perTable || several.length === 1) io.stdout.write(tables.join(opts.output === 'name' ? '' : '\n'));
        else if (qualifiedTable) io.stdout.write(formatObjects(everything as never[], print, new Date(), qualifiedTable as never));
        if (found === 0 && (opts.output === 'table' || opts.output === 'wide' || opts.output === 'name'))
          io.stderr.write(opts.allNamespaces ? 'No resources found\n' : `No resources found in ${opts.namespace} namespace.\n`);
        return;
      }
      const kind = opts.resource !== '' ? requireResource(opts.resource) : POD_KIND;
      const report = (r: { pods: unknown[]; notFound: string[] }) => {
        const listing = opts.output === 'table' || opts.output === 'wide' || opts.output === 'name';
        // kubectl's words: the namespace is named when one namespace of a namespaced kind was listed.
        if (r.pods.length === 0 && r.notFound.length === 0 && listing)
          io.stderr.write(kind.info.namespaced && !opts.allNamespaces ? `No resources found in ${opts.namespace} namespace.\n` : 'No resources found\n');
      };
      const notFound = (r: { notFound: string[] }) =>
        r.notFound.length > 0 ? new NotFoundError(r.notFound.map((name) => ({ name })), resourceText(kind.info)) : undefined;

      if (kind.carriedOut === 'store') {
        const { UsageError } = await import('../../domain/errors');
        if (opts.watch) throw new UsageError(`-w works with pods only for now: kubeplay get ${kind.info.plural} shows the list once`);
        const { runGetStored } = await import('../../commands/get-stored');
        const r = runGetStored(opts, kind, { store: ctx.openStore, now: () => new Date() });
        io.stdout.write(formatObjects(r.objects, { ...print, single: r.single }, new Date(), kind.table as never));
        report({ pods: r.objects, notFound: r.notFound });
        const missing = notFound(r);
        if (missing) throw missing;
        return;
      }

      if (!opts.watch) {
        const r = await runGet(opts, deps);
        io.stdout.write(formatPods(r.pods, { ...print, single: r.single }, new Date()));
        report(r);
        const missing = notFound(r);
        if (missing) throw missing;
        return;
      }

      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const table = opts.output === 'table' || opts.output === 'wide';
      // A row is printed again when what it shows changes; AGE alone changing does not count.
      const key = (p: import('@kubernetes/client-node').V1Pod) => {
        const c = tableCells(p, { ...print, format: 'wide' }, new Date());
        return [c[1], c[2], (c[3] ?? '').replace(/ \(.*\)$/, ''), c[5]].join('|');
      };
      let widths: string[] | undefined;
      let missingWhileWatching = false;
      try {
        await watchGet(
          opts,
          deps,
          key,
          (r) => {
            if (table) {
              const rows = r.pods.map((p) => tableCells(p, print, new Date()));
              const all = opts.noHeaders ? rows : [tableHeaders(print), ...rows];
              // Later rows are aligned like the first table, as far as they fit.
              widths = all[0]?.map((_, i) => ''.padEnd(Math.max(...all.map((row) => (row[i] ?? '').length)))) ?? undefined;
              io.stdout.write(alignColumns(all));
            } else {
              io.stdout.write(formatPods(r.pods, print, new Date()));
            }
            report(r);
            // Watching goes on for the pods that are there; the missing ones are named now and
            // make the exit status 1 when the watch ends.
            const missing = notFound(r);
            if (missing) {
              io.stderr.write(missing.lines());
              missingWhileWatching = true;
            }
          },
          (e) => {
            const pod = e.type === 'DELETED' ? { ...e.pod, metadata: { ...e.pod.metadata, deletionTimestamp: new Date() } } : e.pod;
            if (table) {
              const cells = tableCells(pod, print, new Date());
              io.stdout.write(alignColumns(widths ? [widths, cells] : [cells]).split('\n').slice(widths ? 1 : 0).join('\n'));
            } else {
              io.stdout.write(formatPods([pod], { ...print, single: true }, new Date()));
            }
          },
          controller.signal,
        );
      } finally {
        process.removeListener('SIGINT', stop);
        process.removeListener('SIGTERM', stop);
      }
      if (missingWhileWatching) throw new ReportedError(1);
    },
  };
}
