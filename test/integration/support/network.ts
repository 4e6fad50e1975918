import { podman } from './podman';

/**
 * removeNetworksUnder removes what kubeplay made on the networks of state directories under `dir`
 * (a test's own directories): each network carries its state directory in the label
 * `kubeplay.io/state-dir`; its own pods (Services' proxies, the DNS server, labelled with the
 * network) go, then the network. A test's pods that joined it must be gone first (its cleanup by
 * prefix), or the network stays. Nothing of anyone else is touched.
 */
export async function removeNetworksUnder(dir: string): Promise<string[]> {
  const listed = await podman(['network', 'ls', '--format', 'json']);
  const all = JSON.parse(listed.stdout || '[]') as Array<{ name: string; labels?: Record<string, string> | null }>;
  const names = all
    .filter((n) => {
      const stateDir = n.labels?.['kubeplay.io/state-dir'];
      return stateDir !== undefined && (stateDir === dir || stateDir.startsWith(`${dir}/`));
    })
    .map((n) => n.name);
  for (const name of names) {
    const pods = await podman(['pod', 'ps', '-q', '--filter', `label=kubeplay.io/network=${name}`]);
    const ids = pods.stdout.split('\n').filter((l) => l.trim() !== '');
    if (ids.length > 0) await podman(['pod', 'rm', '--force', '--ignore', '--time', '0', ...ids]);
    await podman(['network', 'rm', name]);
  }
  return names;
}
