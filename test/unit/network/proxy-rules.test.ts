import { renderNftRules } from '../../../src/engine/proxy-rules';

describe('renderNftRules', () => {
  test('two endpoints: random choice between two DNAT chains, masquerade, the table replaced whole', () => {
    expect(renderNftRules({ vip: '10.244.128.5', ports: [{ protocol: 'tcp', port: 80, endpoints: [{ ip: '10.244.0.2', port: 8080 }, { ip: '10.244.0.3', port: 8080 }] }] })).toBe(
      [
        'add table ip kubeplay',
        'delete table ip kubeplay',
        'table ip kubeplay {',
        '  chain ep-tcp-80-0 {',
        '    meta l4proto tcp dnat to 10.244.0.2:8080',
        '  }',
        '  chain ep-tcp-80-1 {',
        '    meta l4proto tcp dnat to 10.244.0.3:8080',
        '  }',
        '  chain svc-tcp-80 {',
        '    numgen random mod 2 vmap { 0 : goto ep-tcp-80-0, 1 : goto ep-tcp-80-1 }',
        '  }',
        '  chain prerouting {',
        '    type nat hook prerouting priority dstnat; policy accept;',
        '    ip daddr 10.244.128.5 tcp dport 80 goto svc-tcp-80',
        '  }',
        '  chain postrouting {',
        '    type nat hook postrouting priority srcnat; policy accept;',
        '    ct status dnat masquerade',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });
  test('a port without endpoints gets no rule (the kernel refuses the connection); UDP and ClientIP affinity', () => {
    const text = renderNftRules({ vip: '10.244.128.5', affinitySeconds: 10800, ports: [{ protocol: 'udp', port: 53, endpoints: [{ ip: '10.244.0.9', port: 5353 }] }, { protocol: 'tcp', port: 81, endpoints: [] }] });
    expect(text).not.toMatch(/dport 81/);
    expect(text).toContain('  set aff-udp-53-0 { type ipv4_addr; flags dynamic,timeout; timeout 10800s; }');
    expect(text).toContain('    update @aff-udp-53-0 { ip saddr }\n    meta l4proto udp dnat to 10.244.0.9:5353');
    expect(text).toContain('    ip saddr @aff-udp-53-0 goto ep-udp-53-0\n    goto ep-udp-53-0');
    expect(text).toContain('    ip daddr 10.244.128.5 udp dport 53 goto svc-udp-53');
  });
});
