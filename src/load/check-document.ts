/**
 * checkDocument walks one composed yaml document for what kubectl would accept silently or choke
 * on, reporting each problem at its node: duplicate keys, maps and lists (or binary data) used as
 * keys, and aliases that are undefined, cyclic, too many (billion laughs, yaml's own budget
 * mirrored so the alias it rejects is located) or too deep once expanded.
 */
import type { Alias, Node as YamlNode } from 'yaml';
import type { JsonPath } from '../domain/types';
import type { LoadLimits } from './limits';
import { keyName, yaml } from './yaml-module';

/** Report locates one problem at a node; `path` is where it is in the document's value. */
export type Report = (node: YamlNode, message: string, path: JsonPath) => void;

/** AliasUse mirrors yaml's per-anchor bookkeeping in toJS, so we can locate the alias it rejects. */
interface AliasUse {
  count: number;
  aliasCount: number;
}

/**
 * checkDocument walks a composed document once. Recursion is safe: the parser-stack guard already
 * bounded the nesting, and aliases never make the walk re-enter their anchor.
 */
export function checkDocument(root: YamlNode, lim: LoadLimits, lineOf: (offset: number) => number, report: Report): void {
  const anchors = new Map<string, YamlNode>();
  const targets = new Map<Alias, YamlNode>();
  const uses = new Map<YamlNode, AliasUse>();
  const heights = new Map<YamlNode, number>();
  const open = new Set<YamlNode>();
  const path: Array<string | number> = [];
  let failed = false;
  let aliasTotal = 0;

  // yaml's getAliasCount, over the aliases already resolved in the walk.
  const aliasCountOf = (node: unknown): number => {
    if (yaml().isAlias(node)) {
      const target = targets.get(node);
      const use = target && uses.get(target);
      return use ? use.count * use.aliasCount : 0;
    }
    if (yaml().isMap(node) || yaml().isSeq(node)) {
      let max = 0;
      for (const item of node.items) max = Math.max(max, aliasCountOf(item));
      return max;
    }
    if (yaml().isPair(node)) return Math.max(aliasCountOf(node.key), aliasCountOf(node.value));
    return 1;
  };

  // Nesting height of a node with aliases followed (0 for a scalar); only called for alias targets.
  const heightOf = (node: unknown): number => {
    if (yaml().isAlias(node)) {
      const target = targets.get(node);
      return target ? heightOf(target) : 0;
    }
    if (!yaml().isMap(node) && !yaml().isSeq(node)) return 0;
    const known = heights.get(node);
    if (known !== undefined) return known;
    let max = 0;
    for (const item of node.items) {
      const h = yaml().isPair(item) ? Math.max(heightOf(item.key), heightOf(item.value)) : heightOf(item);
      if (h > max) max = h;
    }
    heights.set(node, max + 1);
    return max + 1;
  };

  const visitAlias = (alias: Alias, depth: number): void => {
    // yaml resolves each alias by scanning the anchors before it (quadratic), so their number is
    // capped per document; real manifests use a handful.
    if (++aliasTotal > lim.maxAliasCount) {
      report(alias, `too many aliases: more than ${lim.maxAliasCount} in one document; write the values out instead`, path);
      failed = true;
      return;
    }
    const target = anchors.get(alias.source);
    if (!target) {
      report(alias, `alias *${alias.source} has no anchor &${alias.source} before it; define the anchor first`, path);
      failed = true;
      return;
    }
    targets.set(alias, target);
    if (open.has(target)) {
      report(alias, `alias *${alias.source} is inside the node it refers to, which would make an endless value; remove the alias`, path);
      failed = true;
      return;
    }
    let use = uses.get(target);
    if (!use) uses.set(target, (use = { count: 0, aliasCount: 0 }));
    use.count += 1;
    if (use.aliasCount === 0) use.aliasCount = aliasCountOf(target);
    if (use.count * use.aliasCount > lim.maxAliasCount) {
      report(
        alias,
        `too many aliases: expanding *${alias.source} here goes over the limit of ${lim.maxAliasCount} alias uses ` +
          '(the pattern of a "billion laughs" attack); write the values out instead of aliasing them',
        path,
      );
      failed = true;
      return;
    }
    if (depth + heightOf(target) > lim.maxDepth) {
      report(alias, `nesting too deep: with *${alias.source} expanded, maps and lists nest more than ${lim.maxDepth} levels`, path);
      failed = true;
    }
  };

  // depth = number of maps and lists enclosing `node` (not counting itself).
  const visit = (node: unknown, depth: number): void => {
    if (failed) return;
    if (yaml().isAlias(node)) return visitAlias(node, depth);
    if (!yaml().isMap(node) && !yaml().isSeq(node)) {
      if (yaml().isScalar(node) && node.anchor) anchors.set(node.anchor, node);
      return;
    }
    // Anchors are registered on entry, as yaml resolves an alias to the last anchor before it.
    if (node.anchor) anchors.set(node.anchor, node);
    open.add(node);
    if (yaml().isSeq(node)) {
      node.items.forEach((item, i) => {
        path.push(i);
        visit(item, depth + 1);
        path.pop();
      });
    } else {
      // Small maps are the norm; a linear scan beats allocating a Map for them.
      const seen = node.items.length > 8 ? new Map<string, YamlNode>() : undefined;
      for (let i = 0; i < node.items.length && !failed; i++) {
        const pair = node.items[i]!;
        let key: unknown = pair.key;
        visit(key, depth + 1);
        if (yaml().isAlias(key)) key = targets.get(key);
        if (yaml().isMap(key) || yaml().isSeq(key)) {
          report(pair.key as YamlNode, `a map key must be a plain value, got ${yaml().isMap(key) ? 'a map' : 'a list'}; use a string key`, path);
          failed = true;
          break;
        }
        // A `!!binary` key is a scalar whose value is bytes: toJS would stringify it and print a
        // process warning on the user's terminal (found by fuzzing), so it is refused here.
        if (yaml().isScalar(key) && key.value !== null && typeof key.value === 'object') {
          report(pair.key as YamlNode, 'a map key must be a plain value, got binary data (!!binary); use a string key', path);
          failed = true;
          break;
        }
        const name = yaml().isScalar(key) ? keyName(key.value) : undefined;
        if (name !== undefined) {
          const prior = seen ? seen.get(name) : linearFind(node.items, i, name);
          if (prior) {
            path.push(name);
            report(pair.key as YamlNode, `duplicate key "${name}" (already defined on line ${lineOf(prior.range?.[0] ?? 0)}); kubectl would silently keep the last one, which is almost always a mistake; remove one of them (kubeplay's rule, not the API server's)`, path);
            path.pop();
          } else if (seen) seen.set(name, pair.key as YamlNode);
        }
        path.push(name ?? '');
        visit(pair.value, depth + 1);
        path.pop();
      }
    }
    open.delete(node);
  };

  visit(root, 0);
}

function linearFind(items: ReadonlyArray<{ key: unknown }>, before: number, name: string): YamlNode | undefined {
  for (let j = 0; j < before; j++) {
    const key = items[j]?.key;
    if (yaml().isScalar(key) && keyName(key.value) === name) return key;
  }
  return undefined;
}

