import { detachedArgs, eqLabels, validateDeleteOptions } from '../../../src/commands/delete';
import type { DeleteOptions } from '../../../src/commands/delete';
import { parseSelector } from '../../../src/domain/selector';
import { UsageError } from '../../../src/domain/errors';
import type { DeletePlan } from '../../../src/plan/plan-deletes';

const base: DeleteOptions = { args: [], files: [], recursive: false, all: false, includeUnmanaged: false, gracePeriod: -1, now: false, force: false, dryRun: 'none', wait: true, output: '' };
const opts = (over: Partial<DeleteOptions>): DeleteOptions => ({ ...base, ...over });

/** summary renders a resolved delete in one line, so the table below reads like kubectl's rules. */
function summary(o: DeleteOptions): string {
  try {
    const r = validateDeleteOptions(o);
    const s = r.source;
    const what = s.by === 'names' ? `names ${s.names.join(',')}` : s.by === 'files' ? `files ${s.files.join(',')}${r.fileSelector ? ` -l ${r.fileSelector.text}` : ''}` : s.by === 'selector' ? `selector ${s.selector.text}` : 'all';
    return `${what}; grace ${r.gracePeriod}; ignoreNotFound ${r.ignoreNotFound}`;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return `error: ${e.message}`;
  }
}

describe('validateDeleteOptions: kubectl\'s argument forms and flag rules', () => {
  test.each<[string, Partial<DeleteOptions>, string]>([
    ['pod NAME...', { args: ['pod', 'a', 'b'] }, 'names a,b; grace -1; ignoreNotFound false'],
    ['aliases po/pods/Pod', { args: ['PO', 'a'] }, 'names a; grace -1; ignoreNotFound false'],
    ['pod/NAME form', { args: ['pod/a', 'pods/b'] }, 'names a,b; grace -1; ignoreNotFound false'],
    ['-l', { args: ['pods'], selector: 'app=web' }, 'selector app=web; grace -1; ignoreNotFound true'],
    ['-l with explicit --ignore-not-found=false', { args: ['pods'], selector: 'app=web', ignoreNotFound: false }, 'selector app=web; grace -1; ignoreNotFound false'],
    ['--all', { args: ['pods'], all: true }, 'all; grace -1; ignoreNotFound true'],
    ['-f', { files: ['a.yaml'] }, 'files a.yaml; grace -1; ignoreNotFound false'],
    ['-f with -l filters the file', { files: ['a.yaml'], selector: 'tier=db' }, 'files a.yaml -l tier=db; grace -1; ignoreNotFound true'],
    ['--now is 1 s', { args: ['pod', 'a'], now: true }, 'names a; grace 1; ignoreNotFound false'],
    ['--grace-period=0 without --force is 1 s', { args: ['pod', 'a'], gracePeriod: 0 }, 'names a; grace 1; ignoreNotFound false'],
    ['--force alone is 0', { args: ['pod', 'a'], force: true }, 'names a; grace 0; ignoreNotFound false'],
    ['--force --grace-period=0', { args: ['pod', 'a'], force: true, gracePeriod: 0 }, 'names a; grace 0; ignoreNotFound false'],
    ['--grace-period=7', { args: ['pod', 'a'], gracePeriod: 7 }, 'names a; grace 7; ignoreNotFound false'],
    ['nothing', {}, "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'"],
    ['a type alone', { args: ['pods'] }, 'error: resource(s) were provided, but no name, label selector, or --all flag specified'],
    ['another type', { args: ['cronjobs', 'x'] }, 'error: the server doesn\'t have a resource type "cronjobs": kubeplay handles namespaces (ns), configmaps (cm), secrets, persistentvolumeclaims (pvc), services (svc), endpoints (ep), endpointslices, pods (po), deployments (deploy), replicasets (rs), statefulsets (sts), daemonsets (ds), jobs'],
    ['pod,ing', { args: ['pod,ing', 'x'] }, 'error: the server doesn\'t have a resource type "ing": kubeplay handles namespaces (ns), configmaps (cm), secrets, persistentvolumeclaims (pvc), services (svc), endpoints (ep), endpointslices, pods (po), deployments (deploy), replicasets (rs), statefulsets (sts), daemonsets (ds), jobs'],
    ['-f and names', { files: ['a.yaml'], args: ['pod', 'a'] }, 'error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well'],
    ['names and -l', { args: ['pod', 'a'], selector: 'x=y' }, 'error: name cannot be provided when a selector is specified'],
    ['names and --all', { args: ['pod', 'a'], all: true }, 'error: name cannot be provided when a selector is specified'],
    ['pod/NAME and -l', { args: ['pod/a'], selector: 'x=y' }, 'error: selectors and the all flag cannot be used when passing resource/name arguments'],
    ['mixed forms', { args: ['pod', 'pod/a'] }, "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubeplay delete pod/<name>' instead of 'kubeplay delete pod pod/<name>')"],
    ['--all and -l', { args: ['pods'], all: true, selector: 'x=y' }, 'error: cannot set --all and --selector at the same time'],
    ['-l without a type', { selector: 'x=y' }, 'error: at least one resource must be specified to use a selector: use kubeplay delete pods -l SELECTOR (or pods --all)'],
    ['--now with --grace-period', { args: ['pod', 'a'], now: true, gracePeriod: 3 }, 'error: --now and --grace-period cannot be specified together'],
    ['--force with --grace-period=3', { args: ['pod', 'a'], force: true, gracePeriod: 3 }, 'error: --force and --grace-period greater than 0 cannot be specified together'],
    ['--grace-period=abc', { args: ['pod', 'a'], gracePeriod: Number.NaN }, 'error: invalid --grace-period "NaN": give whole seconds (0 or more), or -1 for each pod\'s own terminationGracePeriodSeconds'],
    ['-o wide', { args: ['pod', 'a'], output: 'wide' }, "error: unexpected -o output mode: wide. We only support '-o name'"],
    ['--all with -f', { files: ['a.yaml'], all: true }, 'error: --all cannot be used with -f: the files name the pods to delete (use -l to pick some of them)'],
  ])('%s', (_name, over, want) => {
    expect(summary(opts(over))).toBe(want);
  });

  test('a malformed selector points at the offending part', () => {
    expect(summary(opts({ args: ['pods'], selector: 'app in (a,' }))).toMatch(/^error: invalid label selector "app in \(a,": /);
  });
});

describe('detachedArgs and eqLabels', () => {
  const plan = { actions: [{ name: 'a', ref: 'pod/a' }, { name: 'b', ref: 'pod/b' }] } as unknown as DeletePlan;
  test('the background kubeplay deletes exactly the chosen pods with the same grace period', () => {
    expect(detachedArgs(plan, -1)).toEqual(['delete', 'pods', 'a', 'b', '--ignore-not-found', '--wait=true']);
    expect(detachedArgs(plan, 4)).toEqual(['delete', 'pods', 'a', 'b', '--ignore-not-found', '--wait=true', '--grace-period=4']);
    expect(detachedArgs(plan, 0)).toEqual(['delete', 'pods', 'a', 'b', '--ignore-not-found', '--wait=true', '--force', '--grace-period=0']);
  });
  test('only k=v requirements go to Podman\'s filter', () => {
    expect(eqLabels(parseSelector('app=web,tier!=db,env in (a),x==y,!z'))).toEqual({ app: 'web', x: 'y' });
  });
});
