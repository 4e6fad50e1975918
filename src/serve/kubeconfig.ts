/**
 * kubeconfig.ts: the `kubeplay` cluster, user and context written into a kubeconfig the way
 * `kubectl config set-cluster/set-credentials/set-context` would, without touching anything else:
 * other entries, preferences, unknown fields and comments stay as they were (the `yaml` library's
 * document model keeps them). A file already holding what would be written is not written at all,
 * so a server that starts every day leaves the file's bytes and mtime alone.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Document, YAMLMap, YAMLSeq, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { UsageError } from '../domain/errors';

/** KubeconfigEntry: what to write: the server's URL and CA (PEM), and a token or a client certificate and key (PEM). */
export interface KubeconfigEntry {
  server: string;
  caData: string;
  token?: string;
  clientCert?: string;
  clientKey?: string;
  /** name: the cluster's, user's and context's name; `kubeplay` by default. */
  name?: string;
  /** namespace: the context's namespace; when absent, one the user set on the context is kept. */
  namespace?: string;
  /** setCurrent: make it the current context; it becomes current anyway when the file names none. */
  setCurrent: boolean;
}

/** MergeResult: the file, whether it was written, and the current context it names now. */
export interface MergeResult {
  path: string;
  changed: boolean;
  currentContext: string;
}

/** AUTH_KEYS: a kubeconfig user's ways to authenticate; those not written are removed from kubeplay's user so one way remains. */
const AUTH_KEYS = ['token', 'tokenFile', 'client-certificate', 'client-certificate-data', 'client-key', 'client-key-data', 'username', 'password', 'auth-provider', 'exec'];
/** CA_KEYS: a cluster's other ways to trust the server; they would conflict with certificate-authority-data. */
const CA_KEYS = ['certificate-authority', 'insecure-skip-tls-verify'];

const b64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');

/**
 * kubeconfigPath: the file kubectl writes a new entry into (client-go clientcmd's
 * PathOptions.GetDefaultFilename): the --kubeconfig flag; else of $KUBECONFIG's list the only
 * file, or the first that exists, or the last when none does; else ~/.kube/config ($HOME, else
 * the account's home directory).
 */
export function kubeconfigPath(
  env: Readonly<Record<string, string | undefined>>,
  flag?: string,
  opts: { home?: string; exists?: (path: string) => boolean } = {},
): string {
  if (flag) return flag;
  const list = [...new Set((env['KUBECONFIG'] ?? '').split(delimiter).filter((p) => p !== ''))];
  if (list.length === 1) return list[0]!;
  if (list.length > 1) {
    const exists = opts.exists ?? existsSync;
    return list.find((p) => exists(p)) ?? list[list.length - 1]!;
  }
  return join(opts.home ?? (env['HOME'] || homedir()), '.kube', 'config');
}

/** mergeKubeconfig: writes the entry into the kubeconfig at path (made when missing); see the file's comment. */
export function mergeKubeconfig(path: string, entry: KubeconfigEntry): MergeResult {
  if (entry.token === undefined && (entry.clientCert === undefined || entry.clientKey === undefined)) {
    throw new UsageError('mergeKubeconfig: give a token, or a client certificate and its key');
  }
  const target = existsSync(path) ? realpathSync(path) : path;
  let text = '';
  try {
    text = readFileSync(target, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`cannot read the kubeconfig ${path}: ${(e as Error).message}`);
  }
  const doc = text.trim() === '' ? newKubeconfig() : parseKubeconfig(path, text);
  const before: unknown = doc.toJS();
  const name = entry.name ?? 'kubeplay';
  const root = doc.contents as YAMLMap;

  for (const cluster of entriesNamed(doc, root, 'clusters', name, 'cluster')) {
    for (const k of CA_KEYS) cluster.delete(k);
    cluster.set('certificate-authority-data', b64(entry.caData));
    cluster.set('server', entry.server);
  }
  for (const user of entriesNamed(doc, root, 'users', name, 'user')) {
    const wanted: Record<string, string> =
      entry.token !== undefined ? { token: entry.token } : { 'client-certificate-data': b64(entry.clientCert!), 'client-key-data': b64(entry.clientKey!) };
    for (const k of AUTH_KEYS) if (!(k in wanted)) user.delete(k);
    for (const [k, v] of Object.entries(wanted)) user.set(k, v);
  }
  for (const context of entriesNamed(doc, root, 'contexts', name, 'context')) {
    context.set('cluster', name);
    if (entry.namespace !== undefined) context.set('namespace', entry.namespace);
    context.set('user', name);
  }
  const current = root.get('current-context');
  if (entry.setCurrent || typeof current !== 'string' || current === '') root.set('current-context', name);
  const currentContext = String(root.get('current-context'));

  if (text.trim() !== '' && isDeepStrictEqual(before, doc.toJS())) return { path: target, changed: false, currentContext };
  writeAtomically(target, doc.toString({ indentSeq: false, lineWidth: 0 }));
  return { path: target, changed: true, currentContext };
}

function newKubeconfig(): Document {
  // kubectl's own layout: keys in alphabetical order, as clientcmd writes them.
  return new Document({ apiVersion: 'v1', clusters: [], contexts: [], 'current-context': '', kind: 'Config', preferences: {}, users: [] });
}

function parseKubeconfig(path: string, text: string): Document {
  const doc: Document = parseDocument(text);
  if (doc.errors.length > 0) throw new UsageError(`cannot merge into the kubeconfig ${path}: it is not valid YAML (${doc.errors[0]!.message.split('\n')[0]}); fix it, or pass --kubeconfig with another file`);
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) doc.contents = new YAMLMap();
  if (!isMap(doc.contents)) throw new UsageError(`cannot merge into the kubeconfig ${path}: it is not a mapping (a kubeconfig is a Config object); fix it, or pass --kubeconfig with another file`);
  return doc;
}

/**
 * entriesNamed: the inner maps (`cluster:`, `user:`, `context:`) of the list's entries named name,
 * made when there is none; a list that is missing or null is made too.
 */
function entriesNamed(doc: Document, root: YAMLMap, list: string, name: string, inner: string): YAMLMap[] {
  let seq: unknown = root.get(list, true);
  if (seq === undefined || seq === null || (isScalar(seq) && seq.value === null)) {
    seq = new YAMLSeq();
    root.set(list, seq);
  }
  if (!isSeq(seq)) throw new UsageError(`cannot merge into the kubeconfig: its ${list} is not a list; fix the file, or pass --kubeconfig with another file`);
  const found: YAMLMap[] = [];
  for (const item of seq.items) {
    if (!isMap(item) || item.get('name') !== name) continue;
    const map: unknown = item.get(inner, true);
    if (isMap(map)) found.push(map);
    else {
      const made = new YAMLMap();
      item.set(inner, made);
      found.push(made);
    }
  }
  if (found.length === 0) {
    // Keys in alphabetical order, as kubectl writes them (`- cluster: ... name:`, `- name: ... user:`).
    const entry = doc.createNode(inner < 'name' ? { [inner]: {}, name } : { name, [inner]: {} }) as YAMLMap;
    seq.items.push(entry);
    found.push(entry.get(inner, true) as unknown as YAMLMap);
  }
  return found;
}

/**
 * writeAtomically: the text to path through a temporary file and a rename, mode 0600, the folder
 * made (0755, as kubectl makes ~/.kube), under kubectl's own lock (`<path>.lock`, made exclusively)
 * so a kubectl changing the file at the same moment is not overwritten.
 */
function writeAtomically(path: string, text: string): void {
  const lock = `${path}.lock`;
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    fd = openSync(lock, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new UsageError(`cannot write the kubeconfig ${path}: ${lock} exists (kubectl holds it while changing the file); try again, or remove it if no kubectl is running`);
    }
    throw new UsageError(`cannot write the kubeconfig ${path}: ${(e as Error).message}`);
  }
  const tmp = `${path}.kubeplay-${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, path);
  } catch (e) {
    throw new UsageError(`cannot write the kubeconfig ${path}: ${(e as Error).message}`);
  } finally {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // renamed away: nothing left behind
    }
    unlinkSync(lock);
  }
}
