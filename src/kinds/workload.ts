/**
 * What the five workload kinds (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job) share:
 *
 * - the pod template validated with every Pod rule kubeplay has (validate/pod-validation.ts's
 *   document rules, the security profile, the fields not carried out), run on the template seen as
 *   a Pod and located under `spec.template` (`spec.template.spec.containers[0].image`); the
 *   template's metadata checked as ValidatePodTemplateSpec does (labels, annotations, the
 *   pod-specific annotations; no name);
 * - the selector (ValidateLabelSelector, required, not empty, matching the template's labels) and
 *   apimachinery's LabelSelector semantics (matching, FormatLabelSelector);
 * - the number checks (ValidateNonnegativeField, ValidatePositiveIntOrPercent,
 *   IsNotMoreThan100Percent) in the API server's words, with the bad value printed as Go's %#v
 *   prints it (`intstr.IntOrString{Type:1, IntVal:0, StrVal:"30"}`, `v1.LabelSelector{...}`);
 * - kubeplay's own rule: a hostPort in a template of more than one replica;
 * - the stored form (apply's metadata, the defaulted spec, no status) and the wide get columns.
 */
import type { JsonPath } from '../domain/types';
import type { KubeObject, StoredObject } from '../domain/objects';
import { byText } from '../domain/order';
import { alignTabs } from '../print/tabwriter';
import { describePodTemplate, multiline, SKIPPED_ANNOTATIONS } from '../print/describe';
import { describeEvents, eventsAbout } from '../print/describe-events';
import type { DescribeRelated } from './kind';
import type { ValidManifest } from '../domain/types';
import { canonicalJson } from '../domain/canonical-json';
import { textOf } from '../domain/text';
import type { DocumentRule, Finding, PodLike } from '../validate/rules/rule';
import { asArray, asRecord } from '../validate/rules/rule';
import { goQuote, goStringer, invalid, kubeplayOnly, required } from '../validate/rules/field-errors';
import { regexError } from '../validate/rules/k8s-names';
import type { SecurityProfile } from '../validate/security';
import type { SchemaError } from '../validate/pod-schema';
import { appliedMetadata } from './stored-object';

// The Pod's rules are loaded at the first validation only (see KindModule.validation): get and
// describe, which import this module for the tables, never pay for them.
const podValidation = () => require('../validate/pod-validation') as typeof import('../validate/pod-validation');
const metadataRules = () => require('../validate/rules/metadata') as typeof import('../validate/rules/metadata');
const schedulingRules = () => require('../validate/rules/scheduling') as typeof import('../validate/rules/scheduling');
const security = () => require('../validate/security') as typeof import('../validate/security');
const notCarried = () => require('../validate/not-carried-out') as typeof import('../validate/not-carried-out');
const apiDefaults = () => require('../validate/defaults') as typeof import('../validate/defaults');

type Rec = Record<string, unknown>;

const TEMPLATE: JsonPath = ['spec', 'template'];

/** A volume the controller adds to each pod (a StatefulSet's claim templates), and where the user wrote it. */
export interface AddedVolume {
  volume: Rec;
  /** Where a problem with it is located: `spec.volumeClaimTemplates[0]`. */
  at: JsonPath;
}

/** TemplateOptions say how a kind's pods differ from its template. */
export interface TemplateOptions {
  /** Volumes the controller adds to each pod (a StatefulSet: one per claim template). */
  addedVolumes?: (workload: PodLike) => AddedVolume[];
}

/** templateOf is spec.template, or undefined. */
export function templateOf(o: PodLike): Rec | undefined {
  return asRecord(asRecord(o['spec'])?.['template']);
}

/**
 * podView is the template as the Pod a controller makes of it: its metadata and spec (with the
 * volumes the controller adds), so the Pod rules read it as they read a Pod. The template's own
 * volumes come first, so a rule's path into them is the template's path.
 */
export function podView(o: PodLike, opts: TemplateOptions = {}): { pod: PodLike; added: AddedVolume[]; own: number } {
  const template = templateOf(o) ?? {};
  const spec = asRecord(template['spec']) ?? {};
  const ownVolumes = asArray(spec['volumes']);
  const names = new Set(ownVolumes.map((v) => asRecord(v)?.['name']));
  const added = (opts.addedVolumes?.(o) ?? []).filter((a) => !names.has(a.volume['name']));
  const podSpec = added.length > 0 ? { ...spec, volumes: [...ownVolumes, ...added.map((a) => a.volume)] } : spec;
  return { pod: { apiVersion: 'v1', kind: 'Pod', metadata: asRecord(template['metadata']) ?? {}, spec: podSpec }, added, own: ownVolumes.length };
}

/** underTemplate relocates a finding on the pod view to the workload: `spec.containers[0]` → `spec.template.spec.containers[0]`. */
function underTemplate(f: Finding, view: { added: AddedVolume[]; own: number }): Finding {
  const moved = (p: JsonPath): JsonPath => {
    if (p[0] === 'spec' && p[1] === 'volumes' && typeof p[2] === 'number' && p[2] >= view.own) {
      const a = view.added[p[2] - view.own];
      if (a) return [...a.at];
    }
    return [...TEMPLATE, ...p];
  };
  const out: Finding = { ...f, path: moved(f.path) };
  if (f.reportPath) {
    const rp = f.reportPath;
    out.reportPath = rp.every((x): x is string | number => typeof x !== 'object') ? moved(rp) : [...TEMPLATE, ...rp];
  }
  return out;
}

/** templateMetadataRule is ValidatePodTemplateSpec's metadata part: labels, annotations, the pod-specific annotations (a template has no name). */
const templateMetadataRule: DocumentRule = {
  name: 'metadata',
  check(pod) {
    const meta = asRecord(pod['metadata']) ?? {};
    const { validateLabels, validateAnnotations, podSpecificAnnotations } = metadataRules();
    return [
      ...validateLabels(meta['labels'], ['metadata', 'labels']),
      ...validateAnnotations(meta['annotations'], ['metadata', 'annotations']),
      ...podSpecificAnnotations(asRecord(meta['annotations']) ?? {}, asRecord(pod['spec']) ?? {}),
    ];
  },
};

/**
 * templateRules are the Pod's document rules (and the security profile's), each run on the
 * template seen as a Pod and relocated under spec.template. The Pod's metadata rule (which wants a
 * name) is replaced by the template's.
 */
export function templateRules(profile: SecurityProfile, opts: TemplateOptions = {}): DocumentRule[] {
  const level = security().podSecurityRule(profile);
  const { metadataRule } = metadataRules();
  const rules = [templateMetadataRule, ...podValidation().DOCUMENT_RULES.filter((r) => r !== metadataRule), ...(level ? [level] : [])];
  return rules.map((rule) => ({
    name: rule.name,
    check(o, doc) {
      // A missing template is the zero PodTemplateSpec upstream validates (no containers).
      const view = podView(o, opts);
      return rule.check(view.pod, doc).map((f) => underTemplate(f, view));
    },
  }));
}

/** templateNotCarriedOut is the Pod's not-carried-out warnings for the template, located under spec.template. */
export function templateNotCarriedOut(o: PodLike, opts: TemplateOptions = {}): Finding[] {
  if (templateOf(o) === undefined) return [];
  const view = podView(o, opts);
  // The pod view's apiVersion and kind are kubeplay's, not the user's.
  return notCarried().notCarriedOut(view.pod).filter((f) => f.path[0] !== 'apiVersion' && f.path[0] !== 'kind').map((f) => underTemplate(f, view));
}

/**
 * withoutCoveredRequired drops the schema's `required` errors for spec.selector and spec.template:
 * the rules below say them in the API server's words (`spec.selector: Required value`, and an
 * empty template's missing containers).
 */
export function withoutCoveredRequired(errors: SchemaError[]): SchemaError[] {
  return errors.filter((e) => !(e.keyword === 'required' && e.path.length === 1 && e.path[0] === 'spec' && ['selector', 'template'].includes(String(e.params['missingProperty']))));
}

// ---------------------------------------------------------------------------------------------
// Go's %#v of the values the API server prints

/** goMap is %#v of a map[string]string: `map[string]string{"a":"b"}` (keys sorted), `map[string]string(nil)` when absent. */
export function goMap(m: unknown): string {
  const r = asRecord(m);
  if (!r) return 'map[string]string(nil)';
  return `map[string]string{${Object.keys(r).sort().map((k) => `${goQuote(k)}:${goQuote(String(r[k]))}`).join(', ')}}`;
}

function goStrings(v: unknown): string {
  return Array.isArray(v) ? `[]string{${v.map((s) => goQuote(String(s))).join(', ')}}` : '[]string(nil)';
}

/** goLabelSelector is %#v of a metav1.LabelSelector: `v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`. */
export function goLabelSelector(sel: unknown): string {
  const r = asRecord(sel) ?? {};
  const exprs = r['matchExpressions'];
  const reqs = Array.isArray(exprs)
    ? `[]v1.LabelSelectorRequirement{${exprs
        .map((e) => {
          const x = asRecord(e) ?? {};
          return `v1.LabelSelectorRequirement{Key:${goQuote(textOf(x['key'] ?? ''))}, Operator:${goQuote(textOf(x['operator'] ?? ''))}, Values:${goStrings(x['values'])}}`;
        })
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${goMap(r['matchLabels'])}, MatchExpressions:${reqs}}`;
}

/** goIntOrString is %#v of an intstr.IntOrString: `intstr.IntOrString{Type:0, IntVal:1, StrVal:""}`. */
export function goIntOrString(v: unknown): string {
  return typeof v === 'string' ? `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}` : `intstr.IntOrString{Type:0, IntVal:${typeof v === 'number' ? v : 0}, StrVal:""}`;
}

// ---------------------------------------------------------------------------------------------
// Label selectors

/** nameOf is a document's metadata.name as text ('' when absent). */
export function nameOf(o: PodLike): string {
  const n = asRecord(o['metadata'])?.['name'];
  return typeof n === 'string' ? n : '';
}

/** The selector of a workload (spec.selector) as a record, or undefined. */
export function selectorOf(o: PodLike | KubeObject): Rec | undefined {
  return asRecord(asRecord(o['spec'])?.['selector']);
}

/** isEmptySelector: no matchLabels and no matchExpressions (it selects everything). */
export function isEmptySelector(sel: Rec): boolean {
  return Object.keys(asRecord(sel['matchLabels']) ?? {}).length + asArray(sel['matchExpressions']).length === 0;
}

/** selectorMatches is LabelSelectorAsSelector(sel).Matches(labels): matchLabels equal, each expression holds. */
export function selectorMatches(sel: Rec, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(asRecord(sel['matchLabels']) ?? {})) if (labels[k] !== v) return false;
  for (const e of asArray(sel['matchExpressions'])) {
    const r = asRecord(e) ?? {};
    const key = textOf(r['key'] ?? '');
    const values = asArray(r['values']).map(String);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (r['operator']) {
      case 'In':
        if (!has || !values.includes(labels[key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/**
 * selectorText is labels.Selector's String(): the requirements sorted by key, `k=v`, `k in (a,b)`,
 * `k notin (a,b)`, `k`, `!k`, joined by ","; '' for an empty selector. formatLabelSelector is
 * metav1.FormatLabelSelector: the same, `<none>` when empty.
 */
export function selectorText(sel: unknown): string {
  const r = asRecord(sel) ?? {};
  const reqs: Array<[string, string]> = Object.entries(asRecord(r['matchLabels']) ?? {}).map(([k, v]) => [k, `${k}=${String(v)}`]);
  for (const e of asArray(r['matchExpressions'])) {
    const x = asRecord(e) ?? {};
    const k = textOf(x['key'] ?? '');
    const values = [...new Set(asArray(x['values']).map(String))].sort();
    const op = x['operator'];
    if (op === 'In') reqs.push([k, `${k} in (${values.join(',')})`]);
    else if (op === 'NotIn') reqs.push([k, `${k} notin (${values.join(',')})`]);
    else if (op === 'Exists') reqs.push([k, k]);
    else if (op === 'DoesNotExist') reqs.push([k, `!${k}`]);
  }
  // sort.Sort(ByKey): a stable order by key.
  return reqs
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r[0] < b.r[0] ? -1 : a.r[0] > b.r[0] ? 1 : a.i - b.i))
    .map(({ r }) => r[1])
    .join(',');
}

/** formatLabelSelector is metav1.FormatLabelSelector: selectorText, `<none>` when empty. */
export function formatLabelSelector(sel: unknown): string {
  return selectorText(sel) || '<none>';
}

/** SelectorRules say how a kind's ValidateXSpec treats its selector. */
export interface SelectorRules {
  /** `deployment`: the word of `empty selector is invalid for deployment`; undefined when an empty selector is allowed (Job). */
  emptyWord?: string;
  /** Whether a missing selector is `Required value` (not a DaemonSet's). */
  required: boolean;
  /** The detail of the Invalid value when the selector does not parse (`invalid label selector`), undefined when not reported. */
  unparsable?: string;
  /** Whether an empty selector skips the template match (selector.Empty(): Deployment, ReplicaSet, StatefulSet). */
  emptySkipsMatch: boolean;
}

/**
 * selectorFindings are a workload spec's selector checks, in upstream's order: Required, then
 * ValidateLabelSelector and the empty selector, then (when it parses) that it matches the
 * template's labels. A missing selector selects nothing (labels.Nothing()), so it does not match
 * either: the API server reports both, and so does kubeplay.
 */
export function selectorFindings(o: PodLike, rules: SelectorRules): Finding[] {
  const out: Finding[] = [];
  const spec = asRecord(o['spec']) ?? {};
  const sel = asRecord(spec['selector']);
  const at: JsonPath = ['spec', 'selector'];
  let parses = true;
  if (!sel) {
    if (rules.required) out.push(required(at));
  } else {
    const problems: Finding[] = [];
    schedulingRules().labelSelector(sel, at, problems);
    out.push(...problems);
    parses = problems.length === 0;
    if (rules.emptyWord !== undefined && isEmptySelector(sel)) out.push(invalid(at, goStringer(goLabelSelector(sel)), `empty selector is invalid for ${rules.emptyWord}`));
    if (!parses && rules.unparsable !== undefined) out.push(invalid(at, goStringer(goLabelSelector(sel)), rules.unparsable));
  }
  if (!parses) return out;
  const template = asRecord(spec['template']);
  const meta = asRecord(template?.['metadata']);
  const labels = Object.fromEntries(Object.entries(asRecord(meta?.['labels']) ?? {}).map(([k, v]) => [k, String(v)]));
  if (sel && rules.emptySkipsMatch && isEmptySelector(sel)) return out;
  if (!sel || !selectorMatches(sel, labels)) {
    const labelsAt: JsonPath = meta?.['labels'] !== undefined ? ['spec', 'template', 'metadata', 'labels'] : meta ? ['spec', 'template', 'metadata'] : template ? ['spec', 'template'] : ['spec'];
    out.push({ ...invalid(labelsAt, goStringer(goMap(meta?.['labels'])), '`selector` does not match template `labels`'), reportPath: ['spec', 'template', 'metadata', 'labels'] });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Numbers

/** IS_NEGATIVE is apimachinery's IsNegativeErrorMsg. */
export const IS_NEGATIVE = 'must be greater than or equal to 0';

/** nonNegative is ValidateNonnegativeField for an optional integer field at `path` of `o`. */
export function nonNegative(o: PodLike, path: JsonPath): Finding[] {
  const v = valueAt(o, path);
  return typeof v === 'number' && v < 0 ? [invalid(path, v, IS_NEGATIVE)] : [];
}

/** valueAt reads a path of plain fields. */
export function valueAt(o: unknown, path: JsonPath): unknown {
  let cur: unknown = o;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

const PERCENT = /^[0-9]+%$/;
/** PERCENT_ERROR is IsValidPercent's message. */
export const PERCENT_ERROR = regexError("a valid percent string must be a numeric string followed by an ending '%'", '[0-9]+%', '1%', '93%');

/** intOrPercentValue is getIntOrPercentValue: a valid percent's number, an int, else (a string that is no percent) Atoi or 0. */
export function intOrPercentValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return 0;
  if (PERCENT.test(v)) return Number(v.slice(0, -1));
  return /^[+-]?[0-9]+$/.test(v) ? Number(v) : 0;
}

/** positiveIntOrPercent is ValidatePositiveIntOrPercent: a string must be a percent, a number not negative. */
export function positiveIntOrPercent(v: unknown, path: JsonPath): Finding[] {
  if (typeof v === 'string') return PERCENT.test(v) ? [] : [invalid(path, goStringer(goIntOrString(v)), PERCENT_ERROR)];
  if (typeof v === 'number' && v < 0) return [invalid(path, v, IS_NEGATIVE)];
  return [];
}

/** notMoreThan100Percent is IsNotMoreThan100Percent. */
export function notMoreThan100Percent(v: unknown, path: JsonPath): Finding[] {
  return typeof v === 'string' && PERCENT.test(v) && Number(v.slice(0, -1)) > 100 ? [invalid(path, goStringer(goIntOrString(v)), 'must not be greater than 100%')] : [];
}

/** restartPolicyAlways is the apps kinds' rule: a template's restartPolicy is Always (unset defaults to Always). */
export function restartPolicyAlways(o: PodLike): Finding[] {
  const rp = valueAt(o, ['spec', 'template', 'spec', 'restartPolicy']);
  if (rp === undefined || rp === null || rp === '' || rp === 'Always') return [];
  return [{ path: ['spec', 'template', 'spec', 'restartPolicy'], message: `Unsupported value: ${goQuote(textOf(rp))}: supported values: "Always"` }];
}

/** activeDeadlineForbidden is `activeDeadlineSeconds in ReplicaSet is not Supported` (and DaemonSet's, StatefulSet's). */
export function activeDeadlineForbidden(o: PodLike, word: string): Finding[] {
  const v = valueAt(o, ['spec', 'template', 'spec', 'activeDeadlineSeconds']);
  return v === undefined || v === null ? [] : [{ path: ['spec', 'template', 'spec', 'activeDeadlineSeconds'], message: `Forbidden: activeDeadlineSeconds in ${word} is not Supported` }];
}

// ---------------------------------------------------------------------------------------------
// kubeplay's own rule

/**
 * hostPortReplicaFindings is kubeplay's rule for a template run as several pods on this one
 * machine: a hostPort can be bound by one pod only, so every replica after the first would fail to
 * start. Refused before any change, located at each hostPort.
 */
export function hostPortReplicaFindings(o: PodLike, replicas: number, word: string): Finding[] {
  if (replicas <= 1) return [];
  const out: Finding[] = [];
  const spec = asRecord(templateOf(o)?.['spec']) ?? {};
  for (const group of ['initContainers', 'containers']) {
    asArray(spec[group]).forEach((c, i) => {
      asArray(asRecord(c)?.['ports']).forEach((p, j) => {
        const hostPort = asRecord(p)?.['hostPort'];
        if (typeof hostPort === 'number' && hostPort > 0)
          out.push(
            kubeplayOnly(
              ['spec', 'template', 'spec', group, i, 'ports', j, 'hostPort'],
              `hostPort ${hostPort} in a ${word} of ${replicas} replicas: only one pod can bind a host port on one machine, so the other ${replicas - 1} could never start; set replicas to 1, or remove hostPort and reach the pods another way`,
            ),
          );
      });
    });
  }
  return out;
}

/** replicasOf is spec.replicas as the API server defaults it (1 when unset). */
export function replicasOf(o: PodLike | KubeObject): number {
  const v = asRecord(o['spec'])?.['replicas'];
  return typeof v === 'number' ? v : 1;
}

// ---------------------------------------------------------------------------------------------
// Defaults and the stored form

/** withTemplateDefaults applies the Pod's API defaults to spec.template (as the API server defaults a PodTemplateSpec). */
export function withTemplateDefaults(spec: Rec): Rec {
  const template = asRecord(spec['template']);
  if (!template) return spec;
  const pod = apiDefaults().withApiDefaults({ metadata: template['metadata'] ?? {}, spec: template['spec'] ?? {} });
  return { ...spec, template: { ...template, spec: pod['spec'] } };
}

/** defaultedSpec gives the spec with the kind's defaults and the template's; the input is not changed. */
export function withSpecDefaults(o: PodLike, defaults: (spec: Rec) => Rec): PodLike {
  const spec = asRecord(o['spec']);
  if (!spec) return o;
  return { ...o, spec: withTemplateDefaults(defaults(spec)) };
}

/** workloadObject is a workload as the API server stores it on create: apply's metadata, the (defaulted) spec, no status yet. */
export function workloadObject(m: ValidManifest, apiVersion: string, kind: string, spec: unknown = m.object['spec'] ?? {}): KubeObject {
  return { apiVersion, kind, metadata: appliedMetadata(m), spec };
}

/** sameJson: the two values are equal as the API server compares them (apiequality.Semantic.DeepEqual on decoded JSON). */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? null) === canonicalJson(b ?? null);
}

/** selectorImmutable is ValidateImmutableField for spec.selector: `spec.selector: Invalid value: v1.LabelSelector{...}: field is immutable`. */
export function selectorImmutable(stored: KubeObject, next: KubeObject): string[] {
  const a = asRecord(stored['spec'])?.['selector'];
  const b = asRecord(next['spec'])?.['selector'];
  return sameJson(a, b) ? [] : [`spec.selector: Invalid value: ${b === undefined || b === null ? 'null' : goLabelSelector(b)}: field is immutable`];
}

// ---------------------------------------------------------------------------------------------
// get's wide columns

/** TemplateView is what the tables read of a workload's template. */
export interface WorkloadView {
  metadata?: { name?: string; creationTimestamp?: string; deletionTimestamp?: string };
  spec?: { replicas?: number; selector?: unknown; template?: { spec?: { containers?: Array<{ name?: string; image?: string }>; nodeSelector?: Record<string, string> } } };
}

/** containerCells is kubectl's layoutContainerCells: the containers' names and images, each joined by ",". */
export function containerCells(w: WorkloadView): [string, string] {
  const cs = w.spec?.template?.spec?.containers ?? [];
  return [cs.map((c) => c.name ?? '').join(','), cs.map((c) => c.image ?? '').join(',')];
}

/** num reads a status count (0 when unset). */
export function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

// ---------------------------------------------------------------------------------------------
// describe's shared lines

/** labelLines and annotationLines are kubectl's printLabelsMultiline / printAnnotationsMultiline of an object's metadata. */
export function metadataLines(md: { labels?: Record<string, string>; annotations?: Record<string, string> }): string[] {
  const labels = Object.entries(md.labels ?? {}).sort(([a], [b]) => byText(a, b)).map(([k, v]) => `${k}=${v}`);
  const annotations = Object.entries(md.annotations ?? {}).filter(([k]) => !SKIPPED_ANNOTATIONS.has(k)).sort(([a], [b]) => byText(a, b)).map(([k, v]) => `${k}: ${v}`);
  return [...multiline('', 'Labels', labels), ...multiline('', 'Annotations', annotations)];
}

/** controlledByLine is kubectl's printController: `Controlled By:\tDeployment/web` when the object has a controller. */
export function controlledByLine(md: Record<string, unknown>): string[] {
  const refs = Array.isArray(md['ownerReferences']) ? (md['ownerReferences'] as Array<{ kind?: string; name?: string; controller?: boolean }>) : [];
  const c = refs.find((r) => r.controller === true);
  return c ? [`Controlled By:\t${c.kind ?? ''}/${c.name ?? ''}`] : [];
}

/** isControlledByUid: the object's controller ownerReference names this uid. */
export function isControlledByUid(o: { metadata?: Record<string, unknown> }, uid: string): boolean {
  const refs = Array.isArray(o.metadata?.['ownerReferences']) ? (o.metadata['ownerReferences'] as Array<{ uid?: string; controller?: boolean }>) : [];
  return refs.some((r) => r.controller === true && r.uid === uid);
}

/**
 * podsStatusText is kubectl's getPodStatusForController: the pods the selector picks that the
 * object controls (ownerReferences), counted by phase: `1 Running / 0 Waiting / 0 Succeeded / 0 Failed`.
 */
export function podsStatusText(o: StoredObject, related: DescribeRelated): string {
  const sel = selectorOf(o);
  let running = 0;
  let waiting = 0;
  let succeeded = 0;
  let failed = 0;
  for (const p of related.list('Pod', o.metadata.namespace ?? '')) {
    if (!sel || !selectorMatches(sel, p.metadata.labels ?? {}) || !isControlledByUid(p, o.metadata.uid)) continue;
    const phase = (p.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Running') running++;
    else if (phase === 'Pending') waiting++;
    else if (phase === 'Succeeded') succeeded++;
    else if (phase === 'Failed') failed++;
  }
  return `${running} Running / ${waiting} Waiting / ${succeeded} Succeeded / ${failed} Failed`;
}

/** conditionLines is the Conditions table of a Deployment or ReplicaSet: `Type Status Reason`. */
export function conditionLines(conditions: unknown): string[] {
  const cs = Array.isArray(conditions) ? (conditions as Array<{ type?: string; status?: string; reason?: string }>) : [];
  if (cs.length === 0) return [];
  return ['Conditions:', '  Type\tStatus\tReason', '  ----\t------\t------', ...cs.map((c) => `  ${c.type ?? ''} \t${c.status ?? ''}\t${c.reason ?? ''}`)];
}

/** eventLines is the Events table of the stored events about the object (its uid). */
export function eventLines(o: StoredObject, related: DescribeRelated): string[] {
  return describeEvents(eventsAbout(related.list('Event', o.metadata.namespace ?? ''), o.metadata.uid), related.now);
}

/** templateLines is DescribePodTemplate of the object's spec.template. */
export function templateLines(o: KubeObject): string[] {
  return describePodTemplate(asRecord(o['spec'])?.['template'] as Parameters<typeof describePodTemplate>[0]);
}

/** finishDescribe aligns the lines as kubectl's tabwriter does, ending with a newline. */
export function finishDescribe(lines: readonly string[]): string {
  return alignTabs([...lines, ''].join('\n'));
}
