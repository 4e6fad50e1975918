import { layoutOf, type NetworkObservation } from '../../../src/domain/network';
import type { StoredObject } from '../../../src/domain/objects';
import { dnsServerPod, planNetwork, proxyPod, proxyRules, rulesHash } from '../../../src/plan/plan-network';
import { formatStep } from '../../../src/plan/plan';

const layout = layoutOf('kubeplay', '10.244.0.0/16');
const dns = { node: '/usr/bin/node', script: '/opt/kubeplay/dist/dns-server/main.js', zoneDir: '/var/lib/kubeplay/dns', user: '0:0' };
const zone = { domain: 'cluster.local', reverseZones: [], upstream: ['10.244.0.1'], ttl: 5, records: {} };
const zoneText = `${JSON.stringify(zone, null, 1)}\n`;

function svc(name: string, spec: Record<string, unknown>, namespace = 'default'): StoredObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, uid: `u-${name}`, resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' }, spec } as unknown as StoredObject;
}
function eps(name: string, subsets: unknown[], namespace = 'default'): StoredObject {
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, uid: 'e', resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' }, subsets } as unknown as StoredObject;
}
function observed(over: Partial<NetworkObservation> = {}): NetworkObservation {
  const d = dnsServerPod(layout, dns);
  return { layout, exists: true, systemPods: [{ name: d.name, status: 'Running', labels: d.labels, pid: 7, running: true }], zoneText, programmed: {}, ...over };
}
const text = (actions: ReturnType<typeof planNetwork>) => actions.map((a) => `${a.kind} ${a.ref}: ${a.cause}\n${a.steps.map((s) => `  ${formatStep(s)}`).join('\n')}`).join('\n');

const web = svc('web', { type: 'NodePort', clusterIP: '10.244.128.2', ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080, nodePort: 30080 }] });
const webEps = eps('web', [{ addresses: [{ ip: '10.244.0.4' }, { ip: '10.244.0.3' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }]);

describe('planNetwork', () => {
  test('nothing needs the network: nothing is done', () => {
    expect(planNetwork({ observed: observed({ exists: false, systemPods: [], zoneText: '' }), services: [], endpoints: [], zone, dns, podsNeedNetwork: false })).toEqual([]);
  });

  test('the first pod: the network, the zone and the DNS server are made', () => {
    const actions = planNetwork({ observed: observed({ exists: false, systemPods: [], zoneText: '' }), services: [], endpoints: [], zone, dns, podsNeedNetwork: true });
    expect(text(actions)).toBe(
      [
        'create network/kubeplay: not found in Podman',
        '  ensureNetwork kubeplay (10.244.0.0/16, pods from 10.244.0.0/17)',
        'configure dns/zone: not written yet',
        `  projectFiles /var/lib/kubeplay/dns: zone.json (0644, ${zoneText.length} bytes)`,
        'create pod/kube-system/kube-dns: not found in Podman',
        '  createPod kubeplay_kube-system_kube-dns',
        '  createContainer kubeplay_kube-system_kube-dns-server',
        '  startPod kubeplay_kube-system_kube-dns',
      ].join('\n'),
    );
    const pod = dnsServerPod(layout, dns);
    expect(pod.network).toEqual({ network: 'kubeplay', staticIP: '10.244.128.10', sysctls: { 'net.ipv4.ip_unprivileged_port_start': '53' } });
    expect(pod.containers[0]).toMatchObject({ rootfs: '/', user: '0:0', readOnlyRootFilesystem: true, entrypoint: ['/usr/bin/node', dns.script, '--zone', '/zone/zone.json', '--listen', '0.0.0.0:53'] });
  });

  test('a NodePort Service: its proxy holds the ClusterIP, publishes the nodePort, and sends to the ready endpoints', () => {
    const actions = planNetwork({ observed: observed(), services: [web], endpoints: [webEps], zone, dns, podsNeedNetwork: false });
    expect(text(actions)).toBe(
      [
        'create service/default/web: proxy: not found in Podman',
        '  createPod kubeplay_default_web',
        '  startPod kubeplay_default_web',
        '  programProxy kubeplay_default_web 10.244.128.2: 80/tcp -> 10.244.0.3:8080 10.244.0.4:8080',
      ].join('\n'),
    );
    const pod = proxyPod(layout, web);
    expect(pod.ports).toEqual([{ hostIP: '', hostPort: 30080, containerPort: 80, protocol: 'tcp' }]);
    expect(pod.network?.staticIP).toBe('10.244.128.2');
    expect(pod.network?.sysctls?.['net.ipv4.ip_forward']).toBe('1');
  });

  test('a running proxy is reprogrammed only when its endpoints or its process change', () => {
    const pod = proxyPod(layout, web);
    const hash = rulesHash(proxyRules(web, webEps));
    const sys = [...observed().systemPods, { name: pod.name, status: 'Running', labels: pod.labels, pid: 42, running: true }];
    expect(planNetwork({ observed: observed({ systemPods: sys, programmed: { [pod.name]: { pid: 42, hash } } }), services: [web], endpoints: [webEps], zone, dns, podsNeedNetwork: false })).toEqual([]);
    const moved = planNetwork({ observed: observed({ systemPods: sys, programmed: { [pod.name]: { pid: 41, hash } } }), services: [web], endpoints: [webEps], zone, dns, podsNeedNetwork: false });
    expect(moved.map((a) => `${a.kind} ${a.cause}`)).toEqual(['configure proxy rules not loaded']);
    const fewer = eps('web', [{ addresses: [{ ip: '10.244.0.4' }], notReadyAddresses: [{ ip: '10.244.0.3' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }]);
    const changed = planNetwork({ observed: observed({ systemPods: sys, programmed: { [pod.name]: { pid: 42, hash } } }), services: [web], endpoints: [fewer], zone, dns, podsNeedNetwork: false });
    expect(text(changed)).toBe('configure service/default/web: endpoints changed\n  programProxy kubeplay_default_web 10.244.128.2: 80/tcp -> 10.244.0.4:8080');
  });

  test('a proxy whose Service is gone is removed; headless and ExternalName Services get none', () => {
    const pod = proxyPod(layout, web);
    const sys = [...observed().systemPods, { name: pod.name, status: 'Running', labels: pod.labels, pid: 42, running: true }];
    const headless = svc('db', { clusterIP: 'None', ports: [{ port: 5432, protocol: 'TCP' }] });
    const ext = svc('ext', { type: 'ExternalName', externalName: 'example.com' });
    expect(text(planNetwork({ observed: observed({ systemPods: sys }), services: [headless, ext], endpoints: [], zone, dns, podsNeedNetwork: false }))).toBe(
      'delete service/default/web: proxy: its Service is gone\n  removePod kubeplay_default_web (timeout 0s)\n  forgetProxy kubeplay_default_web',
    );
  });

  test('a LoadBalancer is published at its port as well; ClientIP affinity is carried', () => {
    const lb = svc('front', { type: 'LoadBalancer', clusterIP: '10.244.128.3', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } }, ports: [{ port: 8080, protocol: 'TCP', nodePort: 31000 }] });
    expect(proxyPod(layout, lb).ports).toEqual([
      { hostIP: '', hostPort: 31000, containerPort: 8080, protocol: 'tcp' },
      { hostIP: '', hostPort: 8080, containerPort: 8080, protocol: 'tcp' },
    ]);
    expect(proxyRules(lb, undefined)).toEqual({ vip: '10.244.128.3', affinitySeconds: 60, ports: [{ protocol: 'tcp', port: 8080, endpoints: [] }] });
  });
});
