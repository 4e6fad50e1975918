// TEMPORARY stand-in (not committed) until serve-tls's kubeconfig.ts lands.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { homedir } from 'node:os';
import { parse, stringify } from 'yaml';
export function kubeconfigPath(env: NodeJS.ProcessEnv, flag?: string): string {
  if (flag) return flag;
  const first = (env['KUBECONFIG'] ?? '').split(':').find((p) => p !== '');
  return first ?? join(homedir(), '.kube', 'config');
}
export function mergeKubeconfig(path: string, e: { server: string; caData: string; token?: string; setCurrent: boolean }): void {
  const doc = (existsSync(path) ? (parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : null) ?? { apiVersion: 'v1', kind: 'Config' };
  const put = (key: string, entry: Record<string, unknown>) => {
    const list = ((doc[key] as Array<{ name: string }>) ?? []).filter((x) => x.name !== 'kubeplay');
    doc[key] = [...list, { name: 'kubeplay', ...entry }];
  };
  put('clusters', { cluster: { server: e.server, 'certificate-authority-data': Buffer.from(e.caData).toString('base64') } });
  put('users', { user: { token: e.token } });
  put('contexts', { context: { cluster: 'kubeplay', user: 'kubeplay' } });
  if (e.setCurrent) doc['current-context'] = 'kubeplay';
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, stringify(doc), { mode: 0o600 });
}
