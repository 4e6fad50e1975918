/**
 * The Endpoints kind's validation, as the API server checks a create
 * (pkg/apis/core/validation/validation.go ValidateEndpoints, validateEndpointSubsets,
 * validateEndpointAddress, validateEndpointPort), on the object with SetDefaults_Endpoints' port
 * protocol TCP: a DNS-subdomain name; each subset with addresses or notReadyAddresses, each address
 * a valid IP that is not unspecified, loopback or link-local, its hostname a DNS label and its
 * nodeName a DNS subdomain; ports named when more than one, numbers in range, protocols
 * TCP/UDP/SCTP, appProtocol a qualified name. A Service without a selector and a hand-written
 * Endpoints object of the same name is a real pattern: the object is stored as written.
 */
import { ENDPOINTS_INFO } from './info';
import type { KindValidation } from '../../validate/kind-validation';
import { validateKindSchema } from '../../validate/kind-schemas';
import type { DocumentRule, Finding, PodLike } from '../../validate/rules/rule';
import { asArray, asRecord } from '../../validate/rules/rule';
import { invalid, notSupported, required } from '../../validate/rules/field-errors';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidIP, isValidPortNum } from '../../validate/rules/k8s-names';
import type { JsonPath } from '../../domain/types';
import { subdomainMetadataRule, uniqueObjectsRule } from '../object-meta-rules';
import { nonSpecialIP } from '../service/validation';

type Rec = Record<string, unknown>;
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

/** addressFindings is validateEndpointAddress. */
function addressFindings(a: Rec, at: JsonPath): Finding[] {
  const out: Finding[] = [];
  const ip = typeof a['ip'] === 'string' ? a['ip'] : '';
  const errs = isValidIP(ip);
  out.push(...errs.map((e) => invalid([...at, 'ip'], ip, e)));
  if (typeof a['hostname'] === 'string' && a['hostname'] !== '') for (const e of isDNS1123Label(a['hostname'])) out.push(invalid([...at, 'hostname'], a['hostname'], e));
  if (typeof a['nodeName'] === 'string') for (const e of isDNS1123Subdomain(a['nodeName'])) out.push(invalid([...at, 'nodeName'], a['nodeName'], e));
  out.push(...nonSpecialIP(ip, [...at, 'ip']));
  return out;
}

/** endpointPortFindings is validateEndpointPort. */
export function endpointPortFindings(p: Rec, at: JsonPath, requireName: boolean): Finding[] {
  const out: Finding[] = [];
  const name = typeof p['name'] === 'string' ? p['name'] : '';
  if (requireName && name === '') out.push(required([...at, 'name']));
  else if (name !== '') for (const e of isDNS1123Label(name)) out.push(invalid([...at, 'name'], name, e));
  const port = typeof p['port'] === 'number' ? p['port'] : 0;
  for (const e of isValidPortNum(port)) out.push(invalid([...at, 'port'], port, e));
  const protocol = p['protocol'];
  if (protocol === undefined || protocol === null || protocol === '') out.push(required([...at, 'protocol']));
  else if (typeof protocol === 'string' && !PROTOCOLS.includes(protocol)) out.push(notSupported([...at, 'protocol'], protocol, PROTOCOLS));
  if (typeof p['appProtocol'] === 'string') for (const e of isQualifiedName(p['appProtocol'])) out.push(invalid([...at, 'appProtocol'], p['appProtocol'], e));
  return out;
}

/** withEndpointsDefaults is SetDefaults_Endpoints: a port's protocol TCP when absent or empty. */
export function withEndpointsDefaults(o: Rec): Rec {
  if (!Array.isArray(o['subsets'])) return o;
  return {
    ...o,
    subsets: asArray(o['subsets']).map((s: unknown): unknown => {
      const ss = asRecord(s);
      if (!ss || !Array.isArray(ss['ports'])) return s;
      const ports = asArray(ss['ports']).map((p: unknown): unknown => {
        const r = asRecord(p);
        return r ? { ...r, protocol: r['protocol'] || 'TCP' } : p;
      });
      return { ...ss, ports };
    }),
  };
}

/** endpointSubsetsRule is validateEndpointSubsets on the defaulted object. */
export const endpointSubsetsRule: DocumentRule = {
  name: 'endpoints-subsets',
  check(raw) {
    const o = withEndpointsDefaults(raw);
    const out: Finding[] = [];
    asArray(o['subsets']).forEach((s, i) => {
      const ss = asRecord(s) ?? {};
      const at: JsonPath = ['subsets', i];
      const ready = asArray(ss['addresses']);
      const notReady = asArray(ss['notReadyAddresses']);
      if (ready.length === 0 && notReady.length === 0) out.push(required(at, 'must specify `addresses` or `notReadyAddresses`'));
      ready.forEach((a, j) => out.push(...addressFindings(asRecord(a) ?? {}, [...at, 'addresses', j])));
      notReady.forEach((a, j) => out.push(...addressFindings(asRecord(a) ?? {}, [...at, 'notReadyAddresses', j])));
      const ports = asArray(ss['ports']);
      ports.forEach((p, j) => out.push(...endpointPortFindings(asRecord(p) ?? {}, [...at, 'ports', j], ports.length > 1)));
    });
    return out;
  },
};

/** ENDPOINTS_VALIDATION is what the validate stage knows of Endpoints. */
export const ENDPOINTS_VALIDATION: KindValidation = {
  info: ENDPOINTS_INFO,
  schema: (value) => validateKindSchema('endpoints.v1', value),
  documentRules: () => [subdomainMetadataRule, endpointSubsetsRule],
  inputRules: [uniqueObjectsRule('endpoints')],
  withDefaults: (o: PodLike) => withEndpointsDefaults(o),
};
