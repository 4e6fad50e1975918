/**
 * The schemas the generated ones do not hold: apimachinery's meta/v1 types the operations use
 * (ListMeta, Status, DeleteOptions, Patch, WatchEvent), IntOrString and Quantity (which the generator
 * erases to plain types), autoscaling/v1 Scale (the scale subresource), and the two kinds the server
 * stores without a generated schema (core/v1 Event, apps/v1 ControllerRevision). Written from
 * kubernetes/kubernetes staging/src/k8s.io/{apimachinery/pkg/apis/meta/v1,api/core/v1,api/apps/v1,
 * api/autoscaling/v1}/types.go, with the fields kubectl shows; descriptions shortened.
 */
import { META_PREFIX } from './names';

type Schema = Record<string, unknown>;

/** INT_OR_STRING and QUANTITY are the names of apimachinery's two string-or-number types. */
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

const INT_OR_STRING_TEXT = 'IntOrString is a type that can hold an int32 or a string.';
const QUANTITY_TEXT = 'Quantity is a fixed-point representation of a number: `1Gi`, `500m`, `2`.';

/** V2_FORMS are IntOrString and Quantity as OpenAPI v2 has them: strings (v2 has no oneOf). */
export const V2_FORMS: Readonly<Record<string, Schema>> = {
  [INT_OR_STRING]: { description: INT_OR_STRING_TEXT, type: 'string', format: 'int-or-string' },
  [QUANTITY]: { description: QUANTITY_TEXT, type: 'string' },
};

const R = '#/components/schemas/';
const str = (description: string): Schema => ({ description, type: 'string' });
const int = (description: string, format: 'int32' | 'int64'): Schema => ({ description, type: 'integer', format });
const refTo = (name: string, description: string): Schema => ({ description, default: {}, allOf: [{ $ref: R + name }] });
const API_VERSION = str('APIVersion defines the versioned schema of this representation of an object.');
const KIND = str('Kind is a string value representing the REST resource this object represents.');
const OBJECT_META = refTo(`${META_PREFIX}.ObjectMeta`, "Standard object's metadata.");

/** COMMON_SCHEMAS are the shared types, by name. */
export const COMMON_SCHEMAS: Readonly<Record<string, Schema>> = {
  // In v3 these two have no `type` but a oneOf (kube-openapi's OpenAPIV3OneOfTypes), so kubectl explain
  // names them (`<IntOrString>`, `<map[string]Quantity>`); V2_FORMS gives their v2 form.
  [INT_OR_STRING]: { description: INT_OR_STRING_TEXT, format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] },
  [QUANTITY]: { description: QUANTITY_TEXT, oneOf: [{ type: 'string' }, { type: 'number' }] },
  [`${META_PREFIX}.ListMeta`]: {
    description: 'ListMeta describes metadata that synthetic resources must have, including lists and various status objects.',
    type: 'object',
    properties: {
      continue: str('continue may be set if the user set a limit on the number of items returned.'),
      remainingItemCount: int('remainingItemCount is the number of subsequent items in the list which are not included in this list response.', 'int64'),
      resourceVersion: str("String that identifies the server's internal version of this object."),
      selfLink: str('Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.'),
    },
  },
  [`${META_PREFIX}.Status`]: {
    description: 'Status is a return value for calls that don\'t return other objects.',
    type: 'object',
    properties: {
      apiVersion: API_VERSION,
      code: int('Suggested HTTP return code for this status, 0 if not set.', 'int32'),
      details: refTo(`${META_PREFIX}.StatusDetails`, 'Extended data associated with the reason.'),
      kind: KIND,
      message: str('A human-readable description of the status of this operation.'),
      metadata: refTo(`${META_PREFIX}.ListMeta`, 'Standard list metadata.'),
      reason: str('A machine-readable description of why this operation is in the "Failure" status.'),
      status: str('Status of the operation. One of: "Success" or "Failure".'),
    },
    'x-kubernetes-group-version-kind': [{ group: '', kind: 'Status', version: 'v1' }],
  },
  [`${META_PREFIX}.StatusDetails`]: {
    description: 'StatusDetails is a set of additional properties that MAY be set by the server to provide additional information about a response.',
    type: 'object',
    properties: {
      causes: { description: 'The Causes array includes more details associated with the StatusReason failure.', type: 'array', items: refTo(`${META_PREFIX}.StatusCause`, '') },
      group: str('The group attribute of the resource associated with the status StatusReason.'),
      kind: str('The kind attribute of the resource associated with the status StatusReason.'),
      name: str('The name attribute of the resource associated with the status StatusReason (when there is a single name which can be described).'),
      retryAfterSeconds: int('If specified, the time in seconds before the operation should be retried.', 'int32'),
      uid: str('UID of the resource.'),
    },
  },
  [`${META_PREFIX}.StatusCause`]: {
    description: 'StatusCause provides more information about an api.Status failure, including cases when multiple errors are encountered.',
    type: 'object',
    properties: {
      field: str('The field of the resource that has caused this error, as named by its JSON serialization.'),
      message: str('A human-readable description of the cause of the error.'),
      reason: str('A machine-readable description of the cause of the error.'),
    },
  },
  [`${META_PREFIX}.DeleteOptions`]: {
    description: 'DeleteOptions may be provided when deleting an API object.',
    type: 'object',
    properties: {
      apiVersion: API_VERSION,
      dryRun: { description: 'When present, indicates that modifications should not be persisted.', type: 'array', items: { type: 'string', default: '' } },
      gracePeriodSeconds: int('The duration in seconds before the object should be deleted.', 'int64'),
      kind: KIND,
      orphanDependents: { description: 'Deprecated: please use the PropagationPolicy.', type: 'boolean' },
      preconditions: refTo(`${META_PREFIX}.Preconditions`, 'Must be fulfilled before a deletion is carried out.'),
      propagationPolicy: str("Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'."),
    },
    'x-kubernetes-group-version-kind': [{ group: '', kind: 'DeleteOptions', version: 'v1' }],
  },
  [`${META_PREFIX}.Preconditions`]: {
    description: 'Preconditions must be fulfilled before an operation (update, delete, etc.) is carried out.',
    type: 'object',
    properties: { resourceVersion: str('Specifies the target ResourceVersion'), uid: str('Specifies the target UID.') },
  },
  [`${META_PREFIX}.Patch`]: { description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.', type: 'object' },
  [`${META_PREFIX}.WatchEvent`]: {
    description: 'Event represents a single event to a watched resource.',
    type: 'object',
    required: ['type', 'object'],
    properties: {
      object: { description: 'Object is: the object of ADDED or MODIFIED, its state before deletion for DELETED, a Status for ERROR.', type: 'object' },
      type: str('ADDED, MODIFIED, DELETED, ERROR or BOOKMARK.'),
    },
  },
  'io.k8s.api.autoscaling.v1.Scale': {
    description: 'Scale represents a scaling request for a resource.',
    type: 'object',
    properties: {
      apiVersion: API_VERSION,
      kind: KIND,
      metadata: OBJECT_META,
      spec: refTo('io.k8s.api.autoscaling.v1.ScaleSpec', 'spec defines the behavior of the scale.'),
      status: refTo('io.k8s.api.autoscaling.v1.ScaleStatus', 'status is the current status of the scale. Read-only.'),
    },
    'x-kubernetes-group-version-kind': [{ group: 'autoscaling', kind: 'Scale', version: 'v1' }],
  },
  'io.k8s.api.autoscaling.v1.ScaleSpec': {
    description: 'ScaleSpec describes the attributes of a scale subresource.',
    type: 'object',
    properties: { replicas: int('replicas is the desired number of instances for the scaled object.', 'int32') },
  },
  'io.k8s.api.autoscaling.v1.ScaleStatus': {
    description: 'ScaleStatus represents the current status of a scale subresource.',
    type: 'object',
    required: ['replicas'],
    properties: {
      replicas: int('replicas is the actual number of observed instances of the scaled object.', 'int32'),
      selector: str('selector is the label query over pods that should match the replicas count, in the string form of a label selector.'),
    },
  },
};

/** listedOnly is the schema of a kind kubeplay lists for kubectl's prune but never carries out (discovery.ts PRUNE_LISTED). */
const listedOnly = (description: string): Schema => ({
  description: `${description} kubeplay lists none and makes none: it is served so that kubectl apply --prune finds it.`,
  type: 'object',
  properties: {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: OBJECT_META,
    spec: { description: 'Not carried out by kubeplay.', type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    status: { description: 'Not carried out by kubeplay.', type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
});

/** EXTRA_KIND_SCHEMAS are the served kinds without a generated schema, keyed `group/version/Kind`. */
export const EXTRA_KIND_SCHEMAS: Readonly<Record<string, Schema>> = {
  '/v1/ReplicationController': listedOnly('ReplicationController represents the configuration of a replication controller.'),
  '/v1/PersistentVolume': listedOnly('PersistentVolume (PV) is a storage resource provisioned by an administrator.'),
  'networking.k8s.io/v1/Ingress': listedOnly('Ingress is a collection of rules that allow inbound connections to reach the endpoints defined by a backend.'),
  '/v1/Event': {
    description: 'Event is a report of an event somewhere in the cluster.',
    type: 'object',
    required: ['metadata', 'involvedObject'],
    properties: {
      action: str('What action was taken/failed regarding to the Regarding object.'),
      apiVersion: API_VERSION,
      count: int('The number of times this event has occurred.', 'int32'),
      eventTime: str('Time when this Event was first observed.'),
      firstTimestamp: str('The time at which the event was first recorded.'),
      involvedObject: refTo('io.k8s.api.core.v1.ObjectReference', 'The object that this event is about.'),
      kind: KIND,
      lastTimestamp: str('The time at which the most recent occurrence of this event was recorded.'),
      message: str('A human-readable description of the status of this operation.'),
      metadata: OBJECT_META,
      reason: str('This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
      reportingComponent: str('Name of the controller that emitted this Event, e.g. `kubernetes.io/kubelet`.'),
      reportingInstance: str('ID of the controller instance, e.g. `kubelet-xyzf`.'),
      source: { description: 'The component reporting this event.', type: 'object', properties: { component: str('Component from which the event is generated.'), host: str('Node name on which the event is generated.') } },
      type: str('Type of this event (Normal, Warning), new types could be added in the future'),
    },
  },
  'apps/v1/ControllerRevision': {
    description: 'ControllerRevision implements an immutable snapshot of state data.',
    type: 'object',
    required: ['revision'],
    properties: {
      apiVersion: API_VERSION,
      data: { description: 'Data is the serialized representation of the state.', type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
      kind: KIND,
      metadata: OBJECT_META,
      revision: int('Revision indicates the revision of the state represented by Data.', 'int64'),
    },
  },
};
