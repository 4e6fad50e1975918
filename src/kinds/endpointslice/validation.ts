/**
 * The EndpointSlice kind's validation, as the API server checks a create
 * (pkg/apis/discovery/validation/validation.go ValidateEndpointSliceCreate: ValidateEndpointSlice,
 * validateEndpoints, validatePorts, validateAddressType), on the object with the discovery/v1
 * defaults (a port's name "" and protocol TCP): a DNS-subdomain name; addressType IPv4, IPv6 or
 * FQDN; at most 1000 endpoints, each with 1 to 100 addresses valid for the address type, its
 * nodeName a DNS subdomain, its hostname a DNS label, deprecatedTopology labels; at most 20000
 * ports, names DNS labels and unique, protocols TCP/UDP/SCTP, appProtocol a qualified name.
 */
import { isIP } from 'node:net';
import { ENDPOINTSLICE_INFO } from './info';
import type { KindValidation } from '../../validate/kind-validation';
import { validateKindSchema } from '../../validate/kind-schemas';
import type { DocumentRule, Finding, PodLike } from '../../validate/rules/rule';
import { asArray, asRecord } from '../../validate/rules/rule';
import { duplicate, invalid, notSupported, required, tooMany } from '../../validate/rules/field-errors';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from '../../validate/rules/k8s-names';
import { validateLabels } from '../../validate/rules/metadata';
import type { JsonPath } from '../../domain/types';
import { subdomainMetadataRule, uniqueObjectsRule } from '../object-meta-rules';
import { nonSpecialIP } from '../service/validation';

type Rec = Record<string, unknown>;
const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;
const MAX_TOPOLOGY_LABELS = 16;

/** withSliceDefaults is discovery/v1 SetDefaults_EndpointPort: a port's name "" and protocol TCP when absent. */
export function withSliceDefaults(o: Rec): Rec {
  if (!Array.isArray(o['ports'])) return o;
  return {
    ...o,
    ports: asArray(o['ports']).map((p: unknown): unknown => {
      const r = asRecord(p);
      return r ? { ...r, name: r['name'] ?? '', protocol: r['protocol'] ?? 'TCP' } : p;
    }),
  };
}

/** fqdnFindings is validation.IsFullyQualifiedDomainName: a trailing dot allowed, a DNS subdomain of two labels at least. */
function fqdnFindings(address: string, at: JsonPath): Finding[] {
  const name = address.replace(/\.$/, '');
  if (name === '') return [required(at)];
  const errs = isDNS1123Subdomain(name).map((e) => invalid(at, address, e));
  if (errs.length > 0) return errs;
  return name.split('.').length < 2 ? [invalid(at, address, 'should be a domain with at least two segments separated by dots')] : [];
}

/** addressFindings checks one address for the slice's address type (an unknown type is not checked, as upstream). */
function addressFindings(address: string, type: unknown, at: JsonPath): Finding[] {
  switch (type) {
    case 'IPv4':
      return isIP(address) === 4 ? nonSpecialIP(address, at) : [invalid(at, address, 'must be a valid IPv4 address')];
    case 'IPv6':
      return isIP(address) === 6 ? nonSpecialIP(address, at) : [invalid(at, address, 'must be a valid IPv6 address')];
    case 'FQDN':
      return fqdnFindings(address, at);
    default:
      return [];
  }
}

/** endpointsFindings is validateEndpoints. */
function endpointsFindings(o: Rec): Finding[] {
  const endpoints = asArray(o['endpoints']);
  if (endpoints.length > MAX_ENDPOINTS) return [tooMany(['endpoints'], endpoints.length, MAX_ENDPOINTS)];
  const out: Finding[] = [];
  endpoints.forEach((e, i) => {
    const ep = asRecord(e) ?? {};
    const at: JsonPath = ['endpoints', i];
    const addresses = asArray(ep['addresses']);
    if (addresses.length === 0) out.push(required([...at, 'addresses'], 'must contain at least 1 address'));
    else if (addresses.length > MAX_ADDRESSES) out.push(tooMany([...at, 'addresses'], addresses.length, MAX_ADDRESSES));
    addresses.forEach((a, j) => typeof a === 'string' && out.push(...addressFindings(a, o['addressType'], [...at, 'addresses', j])));
    if (typeof ep['nodeName'] === 'string') for (const m of isDNS1123Subdomain(ep['nodeName'])) out.push(invalid([...at, 'nodeName'], ep['nodeName'], m));
    const topology = asRecord(ep['deprecatedTopology']) ?? {};
    if (Object.keys(topology).length > MAX_TOPOLOGY_LABELS) out.push(tooMany([...at, 'deprecatedTopology'], Object.keys(topology).length, MAX_TOPOLOGY_LABELS));
    out.push(...validateLabels(topology, [...at, 'deprecatedTopology']));
    if (typeof ep['hostname'] === 'string') for (const m of isDNS1123Label(ep['hostname'])) out.push(invalid([...at, 'hostname'], ep['hostname'], m));
  });
  return out;
}

/** portsFindings is validatePorts on the defaulted ports. */
function portsFindings(o: Rec): Finding[] {
  const ports = asArray(o['ports']);
  if (ports.length > MAX_PORTS) return [tooMany(['ports'], ports.length, MAX_PORTS)];
  const out: Finding[] = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const port = asRecord(p) ?? {};
    const at: JsonPath = ['ports', i];
    const name = typeof port['name'] === 'string' ? port['name'] : '';
    if (name !== '') for (const m of isDNS1123Label(name)) out.push(invalid([...at, 'name'], name, m));
    if (names.has(name)) out.push(duplicate([...at, 'name'], name));
    else names.add(name);
    const protocol = port['protocol'];
    if (protocol === undefined || protocol === null) out.push(required([...at, 'protocol']));
    else if (typeof protocol === 'string' && !PROTOCOLS.includes(protocol)) out.push(notSupported([...at, 'protocol'], protocol, PROTOCOLS));
    if (typeof port['appProtocol'] === 'string') for (const m of isQualifiedName(port['appProtocol'])) out.push(invalid([...at, 'appProtocol'], port['appProtocol'], m));
  });
  return out;
}

/** endpointSliceRule is ValidateEndpointSliceCreate's checks beyond metadata. */
export const endpointSliceRule: DocumentRule = {
  name: 'endpointslice',
  check(raw) {
    const o = withSliceDefaults(raw);
    const out = [...endpointsFindings(o), ...portsFindings(o)];
    const type = o['addressType'];
    if (type === undefined || type === null || type === '') out.push(required(['addressType']));
    else if (typeof type === 'string' && !ADDRESS_TYPES.includes(type)) out.push(notSupported(['addressType'], type, ADDRESS_TYPES));
    return out;
  },
};

/** ENDPOINTSLICE_VALIDATION is what the validate stage knows of EndpointSlices. */
export const ENDPOINTSLICE_VALIDATION: KindValidation = {
  info: ENDPOINTSLICE_INFO,
  schema: (value) => validateKindSchema('endpointslice.discovery.k8s.io-v1', value),
  documentRules: () => [subdomainMetadataRule, endpointSliceRule],
  inputRules: [uniqueObjectsRule('endpointslice.discovery.k8s.io')],
  withDefaults: (o: PodLike) => withSliceDefaults(o),
};
