/**
 * The operations of each served resource, as the API server's OpenAPI lists them
 * (kube-openapi's builder over apiserver's endpoints/installer.go): per resource the collection
 * path (list, create, deletecollection), the object path (read, replace, patch, delete), the
 * all-namespaces list of a namespaced resource, and the subresources. Each operation carries
 * `x-kubernetes-action` and `x-kubernetes-group-version-kind`, and its parameters inline:
 * kubectl decides to validate on the server when the PATCH operation of a kind lists
 * `fieldValidation` (cli-runtime resource/query_param_verifier_v3.go supportsQueryParamV3, which
 * reads the operation's own parameters, not a `$ref`).
 */
import type { GroupVersionKind, ServedResource, ServedSubresource } from '../discovery';
import { groupVersionText } from '../discovery';
import { REF_PREFIX, type OpenApiSchema } from './components';

type Op = Record<string, unknown>;
/** PathItem is one path's operations and shared parameters. */
export type PathItem = Record<string, unknown>;

const q = (name: string, description: string, type: 'string' | 'boolean' | 'integer' = 'string'): OpenApiSchema => ({
  name,
  in: 'query',
  description,
  schema: { type, uniqueItems: true },
});

const DRY_RUN = q('dryRun', 'When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed');
const FIELD_MANAGER = q('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.');
/** FIELD_VALIDATION: its presence on PATCH is what makes kubectl (1.27+) leave validation to the server. */
export const FIELD_VALIDATION = q(
  'fieldValidation',
  'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. This is the default behavior prior to v1.23. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors, and will only persist the last of any duplicate fields. This is the default in v1.23+ - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.',
);
const FORCE = q('force', 'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.', 'boolean');
const PRETTY = q('pretty', "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget).");
const LIST_PARAMS = [
  q('allowWatchBookmarks', 'allowWatchBookmarks requests watch events with type "BOOKMARK". Servers that do not implement bookmarks may ignore this flag and bookmarks are sent at the server\'s discretion.', 'boolean'),
  q('continue', 'The continue option should be set when retrieving more results from the server.'),
  q('fieldSelector', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  q('labelSelector', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  q('limit', 'limit is a maximum number of responses to return for a list call.', 'integer'),
  q('resourceVersion', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  q('resourceVersionMatch', 'resourceVersionMatch determines how resourceVersion is applied to list calls.'),
  q('sendInitialEvents', '`sendInitialEvents=true` may be set together with `watch=true`.', 'boolean'),
  q('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
  q('watch', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', 'boolean'),
];
const DELETE_PARAMS = [
  DRY_RUN,
  q('gracePeriodSeconds', 'The duration in seconds before the object should be deleted.', 'integer'),
  q('orphanDependents', 'Deprecated: please use the PropagationPolicy.', 'boolean'),
  q('propagationPolicy', "Whether and how garbage collection will be performed. Acceptable values are: 'Orphan', 'Background', 'Foreground'."),
];
const LOG_PARAMS = [
  q('container', 'The container for which to stream logs. Defaults to only container if there is one container in the pod.'),
  q('follow', 'Follow the log stream of the pod. Defaults to false.', 'boolean'),
  q('insecureSkipTLSVerifyBackend', "insecureSkipTLSVerifyBackend indicates that the apiserver should not confirm the validity of the serving certificate of the backend it is connecting to.", 'boolean'),
  q('limitBytes', 'If set, the number of bytes to read from the server before terminating the log output.', 'integer'),
  q('previous', 'Return previous terminated container logs. Defaults to false.', 'boolean'),
  q('sinceSeconds', 'A relative time in seconds before the current time from which to show logs.', 'integer'),
  q('tailLines', 'If set, the number of lines from the end of the logs to show.', 'integer'),
  q('timestamps', 'If true, add an RFC3339 or RFC3339Nano timestamp at the beginning of every line of log output. Defaults to false.', 'boolean'),
];
const EXEC_PARAMS = [
  q('command', 'Command is the remote command to execute. argv array. Not executed within a shell.'),
  q('container', 'Container in which to execute the command. Defaults to only container if there is only one container in the pod.'),
  q('stderr', 'Redirect the standard error stream of the pod for this call.', 'boolean'),
  q('stdin', 'Redirect the standard input stream of the pod for this call. Defaults to false.', 'boolean'),
  q('stdout', 'Redirect the standard output stream of the pod for this call.', 'boolean'),
  q('tty', 'TTY if true indicates that a tty will be allocated for the exec call. Defaults to false.', 'boolean'),
];
const PORTFORWARD_PARAMS = [q('ports', 'List of ports to forward Required when using WebSockets', 'integer')];

function pathParam(name: string, description: string): OpenApiSchema {
  return { name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } };
}

/** jsonContent is the content map of a body or answer: JSON and YAML of a schema. */
function content(schemaName: string, types: readonly string[] = ['application/json', 'application/yaml']): OpenApiSchema {
  return Object.fromEntries(types.map((t) => [t, { schema: { $ref: REF_PREFIX + schemaName } }]));
}

const UNAUTHORIZED = { '401': { description: 'Unauthorized' } };

/** opToken is the group as operation ids spell it: `Core`, `Apps`, `Discovery`, `RbacAuthorization`. */
export function opToken(group: string): string {
  if (group === '') return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split('.')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** tagOf is an operation's tag: `core_v1`, `apps_v1`, `discovery_v1`. */
function tagOf(group: string, version: string): string {
  return `${group === '' ? 'core' : group.replace(/\.k8s\.io$/, '').replace(/\./g, '_')}_${version}`;
}

interface OpSpec {
  action: string;
  id: string;
  description: string;
  gvk: GroupVersionKind;
  params?: readonly OpenApiSchema[];
  body?: OpenApiSchema;
  responses: Record<string, unknown>;
}

function op(s: OpSpec, tag: string): Op {
  return {
    tags: [tag],
    description: s.description,
    operationId: s.id,
    ...(s.params && s.params.length > 0 ? { parameters: s.params } : {}),
    ...(s.body ? { requestBody: s.body } : {}),
    responses: { ...s.responses, ...UNAUTHORIZED },
    'x-kubernetes-action': s.action,
    'x-kubernetes-group-version-kind': s.gvk,
  };
}

const ok = (schemaName: string, code = '200', description = 'OK'): Record<string, unknown> => ({ [code]: { description, content: content(schemaName) } });
const body = (schemaName: string): OpenApiSchema => ({ content: content(schemaName, ['*/*']), required: true });
const PATCH_BODY: OpenApiSchema = {
  content: Object.fromEntries(
    ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'].map((t) => [
      t,
      { schema: { $ref: `${REF_PREFIX}io.k8s.apimachinery.pkg.apis.meta.v1.Patch` } },
    ]),
  ),
  required: true,
};
const STATUS = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';
const DELETE_BODY: OpenApiSchema = { content: content('io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions', ['*/*']) };

/**
 * resourcePaths lists one resource's paths and operations; `kindName(gvk)` gives the schema name of
 * a kind (the pool's), `root` is `/api/v1` or `/apis/<group>/<version>`.
 */
export function resourcePaths(r: ServedResource, kindName: (gvk: GroupVersionKind) => string): Record<string, PathItem> {
  const i = r.info;
  const gvk: GroupVersionKind = { group: i.group, version: i.version, kind: i.kind };
  const root = i.group === '' ? `/api/${i.version}` : `/apis/${groupVersionText(i.group, i.version)}`;
  const tag = tagOf(i.group, i.version);
  const token = `${opToken(i.group)}${i.version.charAt(0).toUpperCase()}${i.version.slice(1)}`;
  const ns = i.namespaced ? 'Namespaced' : '';
  const self = kindName(gvk);
  const list = `${self}List`;
  const base = i.namespaced ? `${root}/namespaces/{namespace}/${i.plural}` : `${root}/${i.plural}`;
  const nsParam = i.namespaced ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects')] : [];
  const nameParam = pathParam('name', `name of the ${i.kind}`);
  const has = (v: string): boolean => r.verbs.includes(v);
  const paths: Record<string, PathItem> = {};

  const collection: PathItem = {};
  if (has('list')) collection['get'] = op({ action: 'list', id: `list${token}${ns}${i.kind}`, description: `list or watch objects of kind ${i.kind}`, gvk, params: LIST_PARAMS, responses: ok(list) }, tag);
  if (has('create')) {
    collection['post'] = op(
      {
        action: 'post',
        id: `create${token}${ns}${i.kind}`,
        description: `create a ${i.kind}`,
        gvk,
        params: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION],
        body: body(self),
        responses: { ...ok(self), ...ok(self, '201', 'Created'), ...ok(self, '202', 'Accepted') },
      },
      tag,
    );
  }
  if (has('deletecollection')) {
    collection['delete'] = op({ action: 'deletecollection', id: `delete${token}Collection${ns}${i.kind}`, description: `delete collection of ${i.kind}`, gvk, params: [...DELETE_PARAMS, ...LIST_PARAMS.filter((p) => p['name'] !== 'watch' && p['name'] !== 'allowWatchBookmarks')], body: DELETE_BODY, responses: ok(STATUS) }, tag);
  }
  collection['parameters'] = [...nsParam, PRETTY];
  paths[base] = collection;

  const object: PathItem = {};
  if (has('get')) object['get'] = op({ action: 'get', id: `read${token}${ns}${i.kind}`, description: `read the specified ${i.kind}`, gvk, responses: ok(self) }, tag);
  if (has('update')) object['put'] = op({ action: 'put', id: `replace${token}${ns}${i.kind}`, description: `replace the specified ${i.kind}`, gvk, params: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], body: body(self), responses: { ...ok(self), ...ok(self, '201', 'Created') } }, tag);
  if (has('delete')) object['delete'] = op({ action: 'delete', id: `delete${token}${ns}${i.kind}`, description: `delete a ${i.kind}`, gvk, params: DELETE_PARAMS, body: DELETE_BODY, responses: { ...ok(STATUS), ...ok(STATUS, '202', 'Accepted') } }, tag);
  if (has('patch')) object['patch'] = op({ action: 'patch', id: `patch${token}${ns}${i.kind}`, description: `partially update the specified ${i.kind}`, gvk, params: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE], body: PATCH_BODY, responses: { ...ok(self), ...ok(self, '201', 'Created') } }, tag);
  object['parameters'] = [nameParam, ...nsParam, PRETTY];
  paths[`${base}/{name}`] = object;

  if (i.namespaced && has('list')) {
    paths[`${root}/${i.plural}`] = {
      get: op({ action: 'list', id: `list${token}${i.kind}ForAllNamespaces`, description: `list or watch objects of kind ${i.kind}`, gvk, params: LIST_PARAMS, responses: ok(list) }, tag),
      parameters: [PRETTY],
    };
  }
  for (const s of r.subresources) paths[`${base}/{name}/${s.name}`] = subresourcePath(s, { token, ns, tag, kind: i.kind, nameParam, nsParam, kindName });
  return paths;
}

interface SubCtx {
  token: string;
  ns: string;
  tag: string;
  kind: string;
  nameParam: OpenApiSchema;
  nsParam: OpenApiSchema[];
  kindName: (gvk: GroupVersionKind) => string;
}

function subresourcePath(s: ServedSubresource, c: SubCtx): PathItem {
  const Sub = s.name.charAt(0).toUpperCase() + s.name.slice(1);
  const gvk = s.kind;
  const item: PathItem = {};
  if (s.name === 'log') {
    item['get'] = op({ action: 'get', id: `read${c.token}${c.ns}${c.kind}Log`, description: `read log of the specified ${c.kind}`, gvk, params: LOG_PARAMS, responses: { '200': { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } } } }, c.tag);
  } else if (s.name === 'exec' || s.name === 'portforward') {
    const params = s.name === 'exec' ? EXEC_PARAMS : PORTFORWARD_PARAMS;
    const target = s.name === 'exec' ? 'PodExecOptions' : 'PodPortForwardOptions';
    for (const [method, M] of [['get', 'Get'], ['post', 'Post']] as const) {
      item[method] = op({ action: 'connect', id: `connect${c.token}${M}${c.ns}${c.kind}${s.name === 'exec' ? 'Exec' : 'Portforward'}`, description: `connect ${M.toUpperCase()} requests to ${s.name} of ${c.kind}`, gvk: { ...gvk, kind: target }, params, responses: { '200': { description: 'OK', content: { '*/*': { schema: { type: 'string' } } } } } }, c.tag);
    }
  } else {
    const target = c.kindName(gvk);
    const has = (v: string): boolean => s.verbs.includes(v);
    if (has('get')) item['get'] = op({ action: 'get', id: `read${c.token}${c.ns}${c.kind}${Sub}`, description: `read ${s.name} of the specified ${c.kind}`, gvk, responses: ok(target) }, c.tag);
    if (has('update')) item['put'] = op({ action: 'put', id: `replace${c.token}${c.ns}${c.kind}${Sub}`, description: `replace ${s.name} of the specified ${c.kind}`, gvk, params: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], body: body(target), responses: { ...ok(target), ...ok(target, '201', 'Created') } }, c.tag);
    if (has('patch')) item['patch'] = op({ action: 'patch', id: `patch${c.token}${c.ns}${c.kind}${Sub}`, description: `partially update ${s.name} of the specified ${c.kind}`, gvk, params: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE], body: PATCH_BODY, responses: { ...ok(target), ...ok(target, '201', 'Created') } }, c.tag);
  }
  item['parameters'] = [c.nameParam, ...c.nsParam, ...(s.name === 'log' || s.name === 'exec' || s.name === 'portforward' ? [] : [PRETTY])];
  return item;
}
