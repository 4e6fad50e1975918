/**
 * The ProxyRuleWriter port: loads a Service's packet rules into its proxy pod's network namespace
 * (docs/networking.md), and remembers what it loaded where, so a command that finds the rules in
 * place does nothing. The adapter (nsenter-nft.ts) runs nftables through nsenter; only src/cli/
 * constructs it. renderNftRules, the rules' text, is pure.
 *
 * The rules are kube-proxy's nftables mode, cut down to one Service per network namespace:
 *
 *   prerouting (dstnat)   daddr VIP, dport P  ->  goto the port's chain
 *   port chain            a client with an affinity entry goes to its endpoint; otherwise
 *                         numgen random mod N picks an endpoint's chain
 *   endpoint chain        (affinity: remember the client) dnat to pod IP:targetPort
 *   postrouting (srcnat)  what was DNATed is masqueraded, so replies come back through the proxy
 *
 * A port with no ready endpoint gets no rule: nothing listens in the proxy, so the kernel refuses
 * the connection (TCP reset, ICMP port unreachable for UDP), as kube-proxy's reject does.
 */
import type { ProxyRules } from '../domain/network';

/** ProgrammedProxy is what a writer last loaded into a proxy pod: the process it entered and the rules' hash. */
export interface ProgrammedProxy {
  pid: number;
  hash: string;
}

/** ProxyRuleWriter is the port. */
export interface ProxyRuleWriter {
  /** Loads `rules` into the network namespace of process `pid` (the proxy pod's infra), replacing what was there, and records it for `pod`. */
  program(pod: string, pid: number, rules: ProxyRules, hash: string): Promise<void>;
  /** What was last loaded, by proxy pod name. */
  programmed(): Record<string, ProgrammedProxy>;
  /** Forgets a removed proxy pod. */
  forget(pod: string): void;
}

const TABLE = 'kubeplay';

/** renderNftRules is the nft script for one proxy: the table replaced whole, in one transaction. */
export function renderNftRules(rules: ProxyRules): string {
  const lines: string[] = [];
  // `add` then `delete` makes the delete safe when the table does not exist yet; nft -f applies the file atomically.
  lines.push(`add table ip ${TABLE}`, `delete table ip ${TABLE}`, `table ip ${TABLE} {`);
  const affinity = rules.affinitySeconds;
  const dispatch: string[] = [];
  for (const p of rules.ports) {
    if (p.endpoints.length === 0) continue;
    const id = `${p.protocol}-${p.port}`;
    dispatch.push(`ip daddr ${rules.vip} ${p.protocol} dport ${p.port} goto svc-${id}`);
    p.endpoints.forEach((e, i) => {
      if (affinity !== undefined) lines.push(`  set aff-${id}-${i} { type ipv4_addr; flags dynamic,timeout; timeout ${affinity}s; }`);
      lines.push(`  chain ep-${id}-${i} {`);
      if (affinity !== undefined) lines.push(`    update @aff-${id}-${i} { ip saddr }`);
      lines.push(`    meta l4proto ${p.protocol} dnat to ${e.ip}:${e.port}`, '  }');
    });
    lines.push(`  chain svc-${id} {`);
    if (affinity !== undefined) p.endpoints.forEach((_e, i) => lines.push(`    ip saddr @aff-${id}-${i} goto ep-${id}-${i}`));
    if (p.endpoints.length === 1) lines.push(`    goto ep-${id}-0`);
    else lines.push(`    numgen random mod ${p.endpoints.length} vmap { ${p.endpoints.map((_e, i) => `${i} : goto ep-${id}-${i}`).join(', ')} }`);
    lines.push('  }');
  }
  lines.push('  chain prerouting {', '    type nat hook prerouting priority dstnat; policy accept;', ...dispatch.map((d) => `    ${d}`), '  }');
  lines.push('  chain postrouting {', '    type nat hook postrouting priority srcnat; policy accept;', '    ct status dnat masquerade', '  }');
  lines.push('}', '');
  return lines.join('\n');
}
