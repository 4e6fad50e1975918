/**
 * Service environment variables against upstream: kubernetes pkg/kubelet/envvars/envvars_test.go
 * (TestFromServices, its Services and expected list verbatim) and kubelet_pods_test.go's
 * getServiceEnvVarMap rules (master service always, namespace Services with enableServiceLinks).
 */
import type { V1Service } from '@kubernetes/client-node';
import { expandReferences } from '../../../src/translate/pod-sources';
import { fromServices, makeEnvVariableName, serviceEnv, withServiceEnv } from '../../../src/translate/service-env';

function svc(name: string, clusterIP: string, ports: Array<{ name?: string; port: number; protocol?: string }>, namespace = 'default'): V1Service {
  return { metadata: { name, namespace }, spec: { selector: { bar: 'baz' }, clusterIP, ports } };
}

describe('fromServices (TestFromServices)', () => {
  test('upstream list, in order', () => {
    const sl = [
      svc('foo-bar', '1.2.3.4', [{ port: 8080, protocol: 'TCP' }]),
      svc('abc-123', '5.6.7.8', [
        { name: 'u-d-p', port: 8081, protocol: 'UDP' },
        { name: 't-c-p', port: 8081, protocol: 'TCP' },
      ]),
      svc('q-u-u-x', '9.8.7.6', [
        { port: 8082, protocol: 'TCP' },
        { name: '8083', port: 8083, protocol: 'TCP' },
      ]),
      svc('svrc-clusterip-none', 'None', [{ port: 8082, protocol: 'TCP' }]),
      svc('svrc-clusterip-empty', '', [{ port: 8082, protocol: 'TCP' }]),
    ];
    expect(fromServices(sl).map((v) => [v.name, v.value])).toEqual([
      ['FOO_BAR_SERVICE_HOST', '1.2.3.4'],
      ['FOO_BAR_SERVICE_PORT', '8080'],
      ['FOO_BAR_PORT', 'tcp://1.2.3.4:8080'],
      ['FOO_BAR_PORT_8080_TCP', 'tcp://1.2.3.4:8080'],
      ['FOO_BAR_PORT_8080_TCP_PROTO', 'tcp'],
      ['FOO_BAR_PORT_8080_TCP_PORT', '8080'],
      ['FOO_BAR_PORT_8080_TCP_ADDR', '1.2.3.4'],
      ['ABC_123_SERVICE_HOST', '5.6.7.8'],
      ['ABC_123_SERVICE_PORT', '8081'],
      ['ABC_123_SERVICE_PORT_U_D_P', '8081'],
      ['ABC_123_SERVICE_PORT_T_C_P', '8081'],
      ['ABC_123_PORT', 'udp://5.6.7.8:8081'],
      ['ABC_123_PORT_8081_UDP', 'udp://5.6.7.8:8081'],
      ['ABC_123_PORT_8081_UDP_PROTO', 'udp'],
      ['ABC_123_PORT_8081_UDP_PORT', '8081'],
      ['ABC_123_PORT_8081_UDP_ADDR', '5.6.7.8'],
      ['ABC_123_PORT_8081_TCP', 'tcp://5.6.7.8:8081'],
      ['ABC_123_PORT_8081_TCP_PROTO', 'tcp'],
      ['ABC_123_PORT_8081_TCP_PORT', '8081'],
      ['ABC_123_PORT_8081_TCP_ADDR', '5.6.7.8'],
      ['Q_U_U_X_SERVICE_HOST', '9.8.7.6'],
      ['Q_U_U_X_SERVICE_PORT', '8082'],
      ['Q_U_U_X_SERVICE_PORT_8083', '8083'],
      ['Q_U_U_X_PORT', 'tcp://9.8.7.6:8082'],
      ['Q_U_U_X_PORT_8082_TCP', 'tcp://9.8.7.6:8082'],
      ['Q_U_U_X_PORT_8082_TCP_PROTO', 'tcp'],
      ['Q_U_U_X_PORT_8082_TCP_PORT', '8082'],
      ['Q_U_U_X_PORT_8082_TCP_ADDR', '9.8.7.6'],
      ['Q_U_U_X_PORT_8083_TCP', 'tcp://9.8.7.6:8083'],
      ['Q_U_U_X_PORT_8083_TCP_PROTO', 'tcp'],
      ['Q_U_U_X_PORT_8083_TCP_PORT', '8083'],
      ['Q_U_U_X_PORT_8083_TCP_ADDR', '9.8.7.6'],
    ]);
  });

  test('names: dashes to underscores, upper case; protocol defaults to TCP', () => {
    expect(makeEnvVariableName('my-svc-1')).toBe('MY_SVC_1');
    expect(makeEnvVariableName('8083')).toBe('8083');
    expect(fromServices([svc('db', '10.0.0.5', [{ port: 5432 }])]).find((v) => v.name === 'DB_PORT')?.value).toBe('tcp://10.0.0.5:5432');
  });

  test('an ExternalName Service (no ClusterIP) gives nothing', () => {
    expect(fromServices([{ metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'example.com', ports: [{ port: 80 }] } }])).toEqual([]);
  });
});

describe('serviceEnv (getServiceEnvVarMap)', () => {
  const kubernetes = { ip: '10.244.128.1', port: 443 };
  const KUBE = {
    KUBERNETES_SERVICE_HOST: '10.244.128.1',
    KUBERNETES_SERVICE_PORT: '443',
    KUBERNETES_SERVICE_PORT_HTTPS: '443',
    KUBERNETES_PORT: 'tcp://10.244.128.1:443',
    KUBERNETES_PORT_443_TCP: 'tcp://10.244.128.1:443',
    KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
    KUBERNETES_PORT_443_TCP_PORT: '443',
    KUBERNETES_PORT_443_TCP_ADDR: '10.244.128.1',
  };
  const services = [
    svc('db', '10.244.128.20', [{ port: 5432 }], 'shop'),
    svc('cache', '10.244.128.21', [{ name: 'redis', port: 6379 }], 'other'),
    svc('headless', 'None', [{ port: 80 }], 'shop'),
  ];

  test('every pod gets the kubernetes Service, even without service links', () => {
    expect(serviceEnv({ namespace: 'shop', enableServiceLinks: false, services, kubernetes })).toEqual(KUBE);
  });

  test("with service links: the namespace's Services with a ClusterIP, not other namespaces' nor headless ones", () => {
    const env = serviceEnv({ namespace: 'shop', enableServiceLinks: true, services, kubernetes });
    expect(env).toEqual({
      ...KUBE,
      DB_SERVICE_HOST: '10.244.128.20',
      DB_SERVICE_PORT: '5432',
      DB_PORT: 'tcp://10.244.128.20:5432',
      DB_PORT_5432_TCP: 'tcp://10.244.128.20:5432',
      DB_PORT_5432_TCP_PROTO: 'tcp',
      DB_PORT_5432_TCP_PORT: '5432',
      DB_PORT_5432_TCP_ADDR: '10.244.128.20',
    });
    expect(Object.keys(env).some((k) => k.startsWith('CACHE_') || k.startsWith('HEADLESS_'))).toBe(false);
  });

  test("a stored kubernetes Service of default is used; a namespace's own Service named kubernetes wins with service links", () => {
    const master = svc('kubernetes', '10.96.0.1', [{ name: 'https', port: 443, protocol: 'TCP' }]);
    const own = svc('kubernetes', '10.244.128.99', [{ port: 8443 }], 'shop');
    expect(serviceEnv({ namespace: 'shop', enableServiceLinks: true, services: [master], kubernetes })['KUBERNETES_SERVICE_HOST']).toBe('10.96.0.1');
    for (const order of [[master, own], [own, master]]) {
      const env = serviceEnv({ namespace: 'shop', enableServiceLinks: true, services: order, kubernetes });
      expect(env['KUBERNETES_SERVICE_HOST']).toBe('10.244.128.99');
      expect(env['KUBERNETES_SERVICE_PORT_HTTPS']).toBeUndefined();
    }
    expect(serviceEnv({ namespace: 'shop', enableServiceLinks: false, services: [master, own], kubernetes })['KUBERNETES_SERVICE_HOST']).toBe('10.96.0.1');
  });
});

describe('withServiceEnv: $(VAR) expansion sees Service variables, the container’s own first', () => {
  test('declared variables win; unknown stays as written', () => {
    const vars = withServiceEnv(new Map([['DB_SERVICE_PORT', '1']]), { DB_SERVICE_HOST: '10.0.0.5', DB_SERVICE_PORT: '5432' });
    expect(expandReferences('postgres://$(DB_SERVICE_HOST):$(DB_SERVICE_PORT)/$(NOPE)', vars)).toBe('postgres://10.0.0.5:1/$(NOPE)');
  });
});
