import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isMap, isScalar, isSeq, parseAllDocuments, visit, type Document } from 'yaml';

import { examplesDir, repoRoot } from './paths';

/** RUN_LABEL_KEY is the label materialize adds to every object, valued with the prefix, so tests can select only their own pods. */
export const RUN_LABEL_KEY = 'kubeplay-test-run';

/** MaterializeOptions: the name prefix, the hostPort shift, and whether to add the RUN_LABEL_KEY label. */
export interface MaterializeOptions {
  /** prefix is prepended to every metadata.name as `<prefix>-<name>`; use runId(). */
  prefix: string;
  /** hostPortOffset is added to every hostPort; see freePortBase() and EXAMPLES_HOST_PORT_BASE. */
  hostPortOffset: number;
  /** addRunLabel (default true) labels every object `kubeplay-test-run: <prefix>`. */
  addRunLabel?: boolean;
}

/** Materialized describes the temporary copy materialize wrote. */
export interface Materialized {
  /** path is what to pass to `-f`: the copied file, or the directory when a directory was given. */
  path: string;
  /** dir is the temporary directory holding the copy; cleanup() removes it. */
  dir: string;
  /** podNames are the new names of the Pod objects, in document order. */
  podNames: string[];
  /** renamed maps every object's original name to its new name, as `Kind/old` -> `new`. */
  renamed: Record<string, string>;
  /** hostPorts maps each original hostPort to the shifted one. */
  hostPorts: Record<number, number>;
  /** selector is `kubeplay-test-run=<prefix>` (a label selector for this copy's objects), or '' without the label. */
  selector: string;
  /** cleanup removes the temporary directory. */
  cleanup(): Promise<void>;
}

/** prefixedName returns `<prefix>-<name>` (without doubling a trailing dash in prefix). */
export function prefixedName(prefix: string, name: string): string {
  return prefix.endsWith('-') ? `${prefix}${name}` : `${prefix}-${name}`;
}

interface Source {
  /** file name to write in the temporary directory */
  name: string;
  text: string;
}

function resolveInput(input: string): { kind: 'dir' | 'file' | 'text'; sources: Source[] } {
  if (!input.includes('\n')) {
    const candidates = [
      path.resolve(repoRoot, input),
      path.join(examplesDir, input),
      path.join(examplesDir, `${input}.yaml`),
    ];
    for (const cand of candidates) {
      if (!fs.existsSync(cand)) continue;
      if (fs.statSync(cand).isDirectory()) {
        // kubectl reads a directory's .yaml/.yml/.json files, not its subdirectories.
        const names = fs.readdirSync(cand).filter((n) => /\.(ya?ml|json)$/.test(n)).sort();
        return {
          kind: 'dir',
          sources: names.map((n) => ({ name: n, text: fs.readFileSync(path.join(cand, n), 'utf8') })),
        };
      }
      return { kind: 'file', sources: [{ name: path.basename(cand), text: fs.readFileSync(cand, 'utf8') }] };
    }
    if (!input.includes(':')) {
      throw new Error(
        `materialize: "${input}" is neither a file or directory (relative to the repository root or examples/) nor YAML text; check the name.`,
      );
    }
  }
  return { kind: 'text', sources: [{ name: 'manifest.yaml', text: input }] };
}

function rewriteDocument(
  doc: Document,
  opts: Required<MaterializeOptions>,
  out: Pick<Materialized, 'podNames' | 'renamed' | 'hostPorts'>,
): void {
  if (!isMap(doc.contents)) return;
  const kind = doc.get('kind');
  const name = doc.getIn(['metadata', 'name']);
  if (typeof name === 'string') {
    const next = prefixedName(opts.prefix, name);
    doc.setIn(['metadata', 'name'], next);
    out.renamed[`${typeof kind === 'string' ? kind : 'Unknown'}/${name}`] = next;
    if (kind === 'Pod') out.podNames.push(next);
  }
  // A namespace is prefixed like a name (a Namespace's own name above, an object's namespace here),
  // so the Podman pods of a namespaced object (`<namespace>_<name>`) start with the prefix too.
  const namespace = doc.getIn(['metadata', 'namespace']);
  if (typeof namespace === 'string' && namespace !== '' && namespace !== 'default') doc.setIn(['metadata', 'namespace'], prefixedName(opts.prefix, namespace));
  // A pod's claims are renamed with the claims themselves (so their Podman volumes start with the prefix too).
  const volumes = doc.getIn(['spec', 'volumes']);
  if (isSeq(volumes)) {
    volumes.items.forEach((_v, i) => {
      const claim = doc.getIn(['spec', 'volumes', i, 'persistentVolumeClaim', 'claimName']);
      if (typeof claim === 'string' && claim !== '') doc.setIn(['spec', 'volumes', i, 'persistentVolumeClaim', 'claimName'], prefixedName(opts.prefix, claim));
    });
  }
  // So are the ConfigMaps and Secrets it reads, wherever it names them.
  const rename = (path: Array<string | number>): void => {
    const v = doc.getIn(path);
    if (typeof v === 'string' && v !== '') doc.setIn(path, prefixedName(opts.prefix, v));
  };
  const count = (path: Array<string | number>): number => {
    const v = doc.getIn(path);
    return isSeq(v) ? v.items.length : 0;
  };
  for (const list of ['containers', 'initContainers']) {
    for (let c = 0; c < count(['spec', list]); c++) {
      for (let e = 0; e < count(['spec', list, c, 'env']); e++) {
        rename(['spec', list, c, 'env', e, 'valueFrom', 'configMapKeyRef', 'name']);
        rename(['spec', list, c, 'env', e, 'valueFrom', 'secretKeyRef', 'name']);
      }
      for (let e = 0; e < count(['spec', list, c, 'envFrom']); e++) {
        rename(['spec', list, c, 'envFrom', e, 'configMapRef', 'name']);
        rename(['spec', list, c, 'envFrom', e, 'secretRef', 'name']);
      }
    }
  }
  for (let i = 0; i < count(['spec', 'volumes']); i++) {
    rename(['spec', 'volumes', i, 'configMap', 'name']);
    rename(['spec', 'volumes', i, 'secret', 'secretName']);
    for (let j = 0; j < count(['spec', 'volumes', i, 'projected', 'sources']); j++) {
      rename(['spec', 'volumes', i, 'projected', 'sources', j, 'configMap', 'name']);
      rename(['spec', 'volumes', i, 'projected', 'sources', j, 'secret', 'name']);
    }
  }
  if (opts.addRunLabel) {
    const value = opts.prefix.replace(/-+$/, '');
    doc.setIn(['metadata', 'labels', RUN_LABEL_KEY], value);
    // Pods made from a template (Deployment and the like) carry the label too.
    if (doc.hasIn(['spec', 'template', 'metadata'])) doc.setIn(['spec', 'template', 'metadata', 'labels', RUN_LABEL_KEY], value);
  }
  visit(doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key) || pair.key.value !== 'hostPort') return;
      if (!isScalar(pair.value) || typeof pair.value.value !== 'number') return;
      const from = pair.value.value;
      const to = from + opts.hostPortOffset;
      if (!Number.isInteger(to) || to < 1 || to > 65535) {
        throw new Error(`materialize: hostPort ${from} + offset ${opts.hostPortOffset} = ${to} is not a valid port (1-65535); choose another offset.`);
      }
      pair.value.value = to;
      out.hostPorts[from] = to;
    },
  });
}

/**
 * materialize writes a temporary copy of an example (a name under examples/, with or without
 * .yaml), a file or directory path, or YAML text, in which every object's metadata.name becomes
 * `<prefix>-<name>` and every hostPort is shifted by hostPortOffset, and (unless addRunLabel is
 * false) every object gets the label `kubeplay-test-run: <prefix>`. This keeps tests from
 * colliding with the examples a user left running and with each other. Comments and layout are
 * kept; a file that does not parse as YAML is copied unchanged (tests of invalid input need it as is).
 */
export function materialize(exampleOrYamlText: string, options: MaterializeOptions): Materialized {
  const opts: Required<MaterializeOptions> = { addRunLabel: true, ...options };
  if (opts.prefix.length === 0) throw new Error('materialize: prefix is empty; use runId().');
  const input = resolveInput(exampleOrYamlText);
  const out: Materialized = {
    path: '',
    dir: '',
    podNames: [],
    renamed: {},
    hostPorts: {},
    selector: opts.addRunLabel ? `${RUN_LABEL_KEY}=${opts.prefix.replace(/-+$/, '')}` : '',
    cleanup: () => (out.dir ? fs.promises.rm(out.dir, { recursive: true, force: true }) : Promise.resolve()),
  };
  // Rewrite everything first, so an error (a port out of range) leaves no temporary directory behind.
  const files: Source[] = [];
  for (const src of input.sources) {
    const docs = parseAllDocuments(src.text);
    const parsed = Array.isArray(docs) ? docs : [];
    const broken = !Array.isArray(docs) || parsed.some((d) => d.errors.length > 0);
    let text = src.text;
    if (!broken) {
      for (const doc of parsed) rewriteDocument(doc, opts, out);
      text = parsed.map((d) => d.toString()).join('');
    }
    files.push({ name: src.name, text });
  }
  out.dir = fs.mkdtempSync(path.join(os.tmpdir(), `${opts.prefix}-manifests-`));
  out.path = out.dir;
  for (const f of files) {
    const target = path.join(out.dir, f.name);
    fs.writeFileSync(target, f.text);
    if (input.kind !== 'dir') out.path = target;
  }
  return out;
}
