// The generated strict schema of every kind (schemas/*.json, scripts/gen-schemas.mjs) accepts a real,
// valid example of its kind and refuses an unknown field, a wrong type, a bad quantity and a missing
// required field, each at the path its message names. The examples are the Kubernetes documentation's
// (concepts pages for each kind), written out here.
import { parse } from 'yaml';
import { KIND_SCHEMA_NAMES, kindSchemaName, validateKindSchema, type KindSchemaName } from '../../../src/validate/kind-schemas';
import { validatePodSchema, type SchemaError } from '../../../src/validate/pod-schema';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests change any field of a manifest freely
type Manifest = any;

/** EXAMPLES holds one documentation example per schema, as YAML. */
const EXAMPLES: Record<KindSchemaName, string> = {
  'pod.v1': `
apiVersion: v1
kind: Pod
metadata:
  name: nginx
spec:
  containers:
  - name: nginx
    image: nginx:1.14.2
    ports:
    - containerPort: 80
`,
  'namespace.v1': `
apiVersion: v1
kind: Namespace
metadata:
  name: development
  labels:
    name: development
`,
  'configmap.v1': `
apiVersion: v1
kind: ConfigMap
metadata:
  name: game-demo
data:
  player_initial_lives: "3"
  ui_properties_file_name: "user-interface.properties"
  game.properties: |
    enemy.types=aliens,monsters
    player.maximum-lives=5
  user-interface.properties: |
    color.good=purple
    color.bad=yellow
    allow.textmode=true
binaryData:
  logo.png: iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==
`,
  'secret.v1': `
apiVersion: v1
kind: Secret
metadata:
  name: secret-tls
type: kubernetes.io/tls
data:
  # values are base64 encoded, which obscures them but does NOT provide any useful level of confidentiality
  tls.crt: |
    LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM2akNDQWRLZ0F3SUJBZ0lKQU1GbAo=
  tls.key: |
    LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2UUlCQURBTkJna3Foa2lHOXcwQgo=
`,
  'persistentvolumeclaim.v1': `
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: myclaim
spec:
  accessModes:
    - ReadWriteOnce
  volumeMode: Filesystem
  resources:
    requests:
      storage: 8Gi
  storageClassName: slow
  selector:
    matchLabels:
      release: "stable"
    matchExpressions:
      - {key: environment, operator: In, values: [dev]}
`,
  'service.v1': `
apiVersion: v1
kind: Service
metadata:
  name: nginx-service
spec:
  selector:
    app.kubernetes.io/name: proxy
  ports:
  - name: name-of-service-port
    protocol: TCP
    port: 80
    targetPort: http-web-svc
`,
  // The Services concept page's "Services without selectors" example.
  'endpoints.v1': `
apiVersion: v1
kind: Endpoints
metadata:
  name: my-service
subsets:
  - addresses:
      - ip: 192.0.2.42
    ports:
      - port: 9376
`,
  // The EndpointSlices concept page's example.
  'endpointslice.discovery.k8s.io-v1': `
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: example-abc
  labels:
    kubernetes.io/service-name: example
addressType: IPv4
ports:
  - name: http
    protocol: TCP
    port: 80
endpoints:
  - addresses:
      - "10.1.2.3"
    conditions:
      ready: true
    hostname: pod-1
    nodeName: node-1
    zone: us-west2-a
`,
  'deployment.apps-v1': `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
`,
  'replicaset.apps-v1': `
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: frontend
  labels:
    app: guestbook
    tier: frontend
spec:
  # modify replicas according to your case
  replicas: 3
  selector:
    matchLabels:
      tier: frontend
  template:
    metadata:
      labels:
        tier: frontend
    spec:
      containers:
      - name: php-redis
        image: us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5
`,
  'statefulset.apps-v1': `
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: nginx # has to match .spec.template.metadata.labels
  serviceName: "nginx"
  replicas: 3 # by default is 1
  minReadySeconds: 10 # by default is 0
  template:
    metadata:
      labels:
        app: nginx # has to match .spec.selector.matchLabels
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      storageClassName: "my-storage-class"
      resources:
        requests:
          storage: 1Gi
`,
  'daemonset.apps-v1': `
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd-elasticsearch
  namespace: kube-system
  labels:
    k8s-app: fluentd-logging
spec:
  selector:
    matchLabels:
      name: fluentd-elasticsearch
  template:
    metadata:
      labels:
        name: fluentd-elasticsearch
    spec:
      tolerations:
      # these tolerations are to have the daemonset runnable on control plane nodes
      # remove them if your control plane nodes should not run pods
      - key: node-role.kubernetes.io/control-plane
        operator: Exists
        effect: NoSchedule
      - key: node-role.kubernetes.io/master
        operator: Exists
        effect: NoSchedule
      containers:
      - name: fluentd-elasticsearch
        image: quay.io/fluentd_elasticsearch/fluentd:v5.0.1
        resources:
          limits:
            memory: 200Mi
          requests:
            cpu: 100m
            memory: 200Mi
        volumeMounts:
        - name: varlog
          mountPath: /var/log
      # it may be desirable to set a high priority class to ensure that a DaemonSet Pod
      # preempts running Pods
      # priorityClassName: important
      terminationGracePeriodSeconds: 30
      volumes:
      - name: varlog
        hostPath:
          path: /var/log
`,
  'job.batch-v1': `
apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
        command: ["perl",  "-Mbignum=bpi", "-wle", "print bpi(2000)"]
      restartPolicy: Never
  backoffLimit: 4
`,
  'cronjob.batch-v1': `
apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: hello
            image: busybox:1.28
            imagePullPolicy: IfNotPresent
            command:
            - /bin/sh
            - -c
            - date; echo Hello from the Kubernetes cluster
          restartPolicy: OnFailure
`,
};

/** example parses a fresh copy of a schema's example and lets a test change one thing. */
function example(name: KindSchemaName, mutate: (m: Manifest) => void = () => {}): Manifest {
  const m: Manifest = parse(EXAMPLES[name]);
  mutate(m);
  return m;
}

function only(errors: SchemaError[]): SchemaError {
  expect(errors).toHaveLength(1);
  return errors[0]!;
}

describe('validateKindSchema: the documentation examples', () => {
  it.each(KIND_SCHEMA_NAMES.map((n) => [n]))('%s accepts its example', (name) => {
    expect(validateKindSchema(name, example(name))).toEqual([]);
  });

  it('accepts more real shapes: a NodePort Service, a basic-auth Secret with stringData, kubectl create output', () => {
    const nodePort = parse(`
apiVersion: v1
kind: Service
metadata:
  name: my-service
spec:
  type: NodePort
  selector:
    app.kubernetes.io/name: MyApp
  ports:
    - port: 80
      # By default and for convenience, the targetPort is set to the same value as the port field.
      targetPort: 80
      # Optional field
      # By default and for convenience, the Kubernetes control plane will allocate a port from a range (default: 30000-32767)
      nodePort: 30007
`);
    expect(validateKindSchema('service.v1', nodePort)).toEqual([]);
    const basicAuth = parse(`
apiVersion: v1
kind: Secret
metadata:
  name: secret-basic-auth
type: kubernetes.io/basic-auth
stringData:
  username: admin # required field for kubernetes.io/basic-auth
  password: t0p-Secret # required field for kubernetes.io/basic-auth
`);
    expect(validateKindSchema('secret.v1', basicAuth)).toEqual([]);
    // `kubectl create deployment web --image=nginx --dry-run=client -o yaml`
    const created = parse(`
apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: web
    spec:
      containers:
      - image: nginx
        name: nginx
        resources: {}
status: {}
`);
    expect(validateKindSchema('deployment.apps-v1', created)).toEqual([]);
  });

  it('takes IntOrString fields as a number or a string: targetPort, maxSurge, maxUnavailable', () => {
    expect(validateKindSchema('service.v1', example('service.v1', (m) => (m.spec.ports[0].targetPort = 8080)))).toEqual([]);
    const rolling = (maxSurge: unknown, maxUnavailable: unknown) =>
      example('deployment.apps-v1', (m) => (m.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } }));
    expect(validateKindSchema('deployment.apps-v1', rolling('25%', 0))).toEqual([]);
    expect(validateKindSchema('deployment.apps-v1', rolling(1, '10%'))).toEqual([]);
    const ds = example('daemonset.apps-v1', (m) => (m.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '30%' } }));
    expect(validateKindSchema('daemonset.apps-v1', ds)).toEqual([]);
    const sts = example('statefulset.apps-v1', (m) => (m.spec.updateStrategy = { rollingUpdate: { partition: 2, maxUnavailable: '50%' } }));
    expect(validateKindSchema('statefulset.apps-v1', sts)).toEqual([]);
  });

  // ZERO_VALUE_ACCEPTED in gen-schemas.mjs: required in the OpenAPI spec, accepted missing by the API server.
  it('accepts `status: {}` on the workloads whose status has counters without omitempty, and an empty podFailurePolicy', () => {
    for (const name of ['deployment.apps-v1', 'replicaset.apps-v1', 'statefulset.apps-v1', 'daemonset.apps-v1', 'job.batch-v1'] as const) {
      expect(validateKindSchema(name, example(name, (m) => (m.status = {})))).toEqual([]);
    }
    expect(validateKindSchema('job.batch-v1', example('job.batch-v1', (m) => (m.spec.podFailurePolicy = {})))).toEqual([]);
  });

  it('accepts an EndpointSlice without endpoints, as the API server does (the controller writes `endpoints: null`)', () => {
    expect(validateKindSchema('endpointslice.discovery.k8s.io-v1', example('endpointslice.discovery.k8s.io-v1', (m) => delete m.endpoints))).toEqual([]);
    expect(validateKindSchema('endpointslice.discovery.k8s.io-v1', example('endpointslice.discovery.k8s.io-v1', (m) => (m.endpoints = null)))).toEqual([]);
  });

  it('treats null as absent on optional fields, as kubectl does', () => {
    const m = example('deployment.apps-v1', (d) => Object.assign(d.spec, { strategy: null, minReadySeconds: null, paused: null }));
    expect(validateKindSchema('deployment.apps-v1', m)).toEqual([]);
    expect(validateKindSchema('configmap.v1', example('configmap.v1', (c) => (c.binaryData = null)))).toEqual([]);
  });

  it('gives the Pod schema the same answers as validatePodSchema', () => {
    const docs = [example('pod.v1'), example('pod.v1', (p) => (p.spec.containers[0].imagePullPolcy = 'Never')), example('pod.v1', (p) => delete p.spec.containers)];
    for (const d of docs) expect(validateKindSchema('pod.v1', d)).toEqual(validatePodSchema(d));
  });
});

/** Refusal is one case: the manifest changed in one place and the one error it must give. */
type Refusal = [name: KindSchemaName, what: string, mutate: (m: Manifest) => void, expected: Pick<SchemaError, 'path' | 'keyword' | 'message'>];

const UNKNOWN_FIELDS: Refusal[] = [
  ['pod.v1', 'spec.container', (m) => (m.spec.container = []), { path: ['spec'], keyword: 'additionalProperties', message: 'unknown field "container"' }],
  ['namespace.v1', 'metadata.lables', (m) => (m.metadata.lables = {}), { path: ['metadata'], keyword: 'additionalProperties', message: 'unknown field "lables"' }],
  ['configmap.v1', 'datas', (m) => (m.datas = {}), { path: [], keyword: 'additionalProperties', message: 'unknown field "datas"' }],
  ['secret.v1', 'stringdata', (m) => (m.stringdata = { a: 'b' }), { path: [], keyword: 'additionalProperties', message: 'unknown field "stringdata"' }],
  ['persistentvolumeclaim.v1', 'spec.accesModes', (m) => (m.spec.accesModes = ['ReadWriteOnce']), { path: ['spec'], keyword: 'additionalProperties', message: 'unknown field "accesModes"' }],
  ['service.v1', 'spec.ports[0].targetport', (m) => (m.spec.ports[0].targetport = 80), { path: ['spec', 'ports', 0], keyword: 'additionalProperties', message: 'unknown field "targetport"' }],
  ['endpoints.v1', 'subsets[0].address', (m) => (m.subsets[0].address = []), { path: ['subsets', 0], keyword: 'additionalProperties', message: 'unknown field "address"' }],
  ['endpointslice.discovery.k8s.io-v1', 'endpoints[0].condition', (m) => (m.endpoints[0].condition = {}), { path: ['endpoints', 0], keyword: 'additionalProperties', message: 'unknown field "condition"' }],
  ['deployment.apps-v1', 'spec.replica', (m) => (m.spec.replica = 3), { path: ['spec'], keyword: 'additionalProperties', message: 'unknown field "replica"' }],
  ['replicaset.apps-v1', 'spec.template.metadata.label', (m) => (m.spec.template.metadata.label = {}), { path: ['spec', 'template', 'metadata'], keyword: 'additionalProperties', message: 'unknown field "label"' }],
  ['statefulset.apps-v1', 'a claim template spec.storageClass', (m) => (m.spec.volumeClaimTemplates[0].spec.storageClass = 'x'), { path: ['spec', 'volumeClaimTemplates', 0, 'spec'], keyword: 'additionalProperties', message: 'unknown field "storageClass"' }],
  ['daemonset.apps-v1', 'a template container imagePullPolcy', (m) => (m.spec.template.spec.containers[0].imagePullPolcy = 'Never'), { path: ['spec', 'template', 'spec', 'containers', 0], keyword: 'additionalProperties', message: 'unknown field "imagePullPolcy"' }],
  ['job.batch-v1', 'spec.backofflimit', (m) => (m.spec.backofflimit = 4), { path: ['spec'], keyword: 'additionalProperties', message: 'unknown field "backofflimit"' }],
  ['cronjob.batch-v1', 'the job template pod spec restartpolicy', (m) => (m.spec.jobTemplate.spec.template.spec.restartpolicy = 'Never'), { path: ['spec', 'jobTemplate', 'spec', 'template', 'spec'], keyword: 'additionalProperties', message: 'unknown field "restartpolicy"' }],
];

const WRONG_TYPES: Refusal[] = [
  ['pod.v1', 'containerPort as text', (m) => (m.spec.containers[0].ports[0].containerPort = 'eighty'), { path: ['spec', 'containers', 0, 'ports', 0, 'containerPort'], keyword: 'type', message: 'expected integer, got string "eighty"' }],
  ['namespace.v1', 'spec.finalizers as a string', (m) => (m.spec = { finalizers: 'kubernetes' }), { path: ['spec', 'finalizers'], keyword: 'type', message: 'expected array, got string "kubernetes"' }],
  ['configmap.v1', 'a data value as a number', (m) => (m.data.player_initial_lives = 3), { path: ['data', 'player_initial_lives'], keyword: 'type', message: 'expected string, got integer 3' }],
  ['secret.v1', 'immutable as text', (m) => (m.immutable = 'yes'), { path: ['immutable'], keyword: 'type', message: 'expected boolean, got string "yes"' }],
  ['persistentvolumeclaim.v1', 'accessModes as a string', (m) => (m.spec.accessModes = 'ReadWriteOnce'), { path: ['spec', 'accessModes'], keyword: 'type', message: 'expected array, got string "ReadWriteOnce"' }],
  ['service.v1', 'targetPort as a boolean', (m) => (m.spec.ports[0].targetPort = true), { path: ['spec', 'ports', 0, 'targetPort'], keyword: 'type', message: 'expected integer or string, got boolean true' }],
  ['service.v1', 'port as text', (m) => (m.spec.ports[0].port = '80'), { path: ['spec', 'ports', 0, 'port'], keyword: 'type', message: 'expected integer, got string "80"' }],
  ['endpoints.v1', 'a port as text', (m) => (m.subsets[0].ports[0].port = '9376'), { path: ['subsets', 0, 'ports', 0, 'port'], keyword: 'type', message: 'expected integer, got string "9376"' }],
  ['endpointslice.discovery.k8s.io-v1', 'ready as text', (m) => (m.endpoints[0].conditions.ready = 'yes'), { path: ['endpoints', 0, 'conditions', 'ready'], keyword: 'type', message: 'expected boolean, got string "yes"' }],
  ['deployment.apps-v1', 'replicas as text', (m) => (m.spec.replicas = '3'), { path: ['spec', 'replicas'], keyword: 'type', message: 'expected integer, got string "3"' }],
  ['deployment.apps-v1', 'replicas beyond int32', (m) => (m.spec.replicas = 2147483648), { path: ['spec', 'replicas'], keyword: 'maximum', message: 'must be at most 2147483647, got integer 2147483648' }],
  ['deployment.apps-v1', 'maxSurge as a boolean', (m) => (m.spec.strategy = { rollingUpdate: { maxSurge: false } }), { path: ['spec', 'strategy', 'rollingUpdate', 'maxSurge'], keyword: 'type', message: 'expected integer or string, got boolean false' }],
  ['replicaset.apps-v1', 'matchLabels as a list', (m) => (m.spec.selector.matchLabels = ['tier=frontend']), { path: ['spec', 'selector', 'matchLabels'], keyword: 'type', message: 'expected object, got array' }],
  ['statefulset.apps-v1', 'serviceName as a number', (m) => (m.spec.serviceName = 1), { path: ['spec', 'serviceName'], keyword: 'type', message: 'expected string, got integer 1' }],
  ['daemonset.apps-v1', 'a toleration as a string', (m) => (m.spec.template.spec.tolerations[1] = 'NoSchedule'), { path: ['spec', 'template', 'spec', 'tolerations', 1], keyword: 'type', message: 'expected object, got string "NoSchedule"' }],
  ['job.batch-v1', 'completions as a fraction', (m) => (m.spec.completions = 1.5), { path: ['spec', 'completions'], keyword: 'type', message: 'expected integer, got number 1.5' }],
  ['cronjob.batch-v1', 'suspend as text', (m) => (m.spec.suspend = 'false'), { path: ['spec', 'suspend'], keyword: 'type', message: 'expected boolean, got string "false"' }],
];

const QUANTITY = 'expected a quantity such as "500m", "128Mi", "1Gi" or 2, got';
const BAD_QUANTITIES: Refusal[] = [
  ['pod.v1', 'a memory limit in gb', (m) => (m.spec.containers[0].resources = { limits: { memory: '1gb' } }), { path: ['spec', 'containers', 0, 'resources', 'limits', 'memory'], keyword: 'pattern', message: `${QUANTITY} string "1gb"` }],
  ['persistentvolumeclaim.v1', 'storage in GB', (m) => (m.spec.resources.requests.storage = '8GB'), { path: ['spec', 'resources', 'requests', 'storage'], keyword: 'pattern', message: `${QUANTITY} string "8GB"` }],
  ['statefulset.apps-v1', 'a claim template asking 1 gig', (m) => (m.spec.volumeClaimTemplates[0].spec.resources.requests.storage = '1 Gi'), { path: ['spec', 'volumeClaimTemplates', 0, 'spec', 'resources', 'requests', 'storage'], keyword: 'pattern', message: `${QUANTITY} string "1 Gi"` }],
  ['deployment.apps-v1', 'a template cpu request in cores', (m) => (m.spec.template.spec.containers[0].resources = { requests: { cpu: '2cores' } }), { path: ['spec', 'template', 'spec', 'containers', 0, 'resources', 'requests', 'cpu'], keyword: 'pattern', message: `${QUANTITY} string "2cores"` }],
  ['replicaset.apps-v1', 'an emptyDir sizeLimit in MB', (m) => (m.spec.template.spec.volumes = [{ name: 'tmp', emptyDir: { sizeLimit: '64MB' } }]), { path: ['spec', 'template', 'spec', 'volumes', 0, 'emptyDir', 'sizeLimit'], keyword: 'pattern', message: `${QUANTITY} string "64MB"` }],
  ['daemonset.apps-v1', 'a memory limit with a space', (m) => (m.spec.template.spec.containers[0].resources.limits.memory = '200 Mi'), { path: ['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits', 'memory'], keyword: 'pattern', message: `${QUANTITY} string "200 Mi"` }],
  ['job.batch-v1', 'a cpu limit as millicores text', (m) => (m.spec.template.spec.containers[0].resources = { limits: { cpu: '500 millicores' } }), { path: ['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits', 'cpu'], keyword: 'pattern', message: `${QUANTITY} string "500 millicores"` }],
  ['cronjob.batch-v1', 'pod overhead in GB', (m) => (m.spec.jobTemplate.spec.template.spec.overhead = { memory: '1GB' }), { path: ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'overhead', 'memory'], keyword: 'pattern', message: `${QUANTITY} string "1GB"` }],
];

const MISSING_REQUIRED: Refusal[] = [
  ['pod.v1', 'spec.containers', (m) => delete m.spec.containers, { path: ['spec'], keyword: 'required', message: 'required field "containers" is missing' }],
  ['namespace.v1', 'apiVersion', (m) => delete m.apiVersion, { path: [], keyword: 'required', message: 'required field "apiVersion" is missing' }],
  ['configmap.v1', 'kind', (m) => delete m.kind, { path: [], keyword: 'required', message: 'required field "kind" is missing' }],
  ['secret.v1', 'kind', (m) => delete m.kind, { path: [], keyword: 'required', message: 'required field "kind" is missing' }],
  ['persistentvolumeclaim.v1', 'kind in spec.dataSource', (m) => (m.spec.dataSource = { name: 'snap' }), { path: ['spec', 'dataSource'], keyword: 'required', message: 'required field "kind" is missing' }],
  ['service.v1', 'port in spec.ports[0]', (m) => delete m.spec.ports[0].port, { path: ['spec', 'ports', 0], keyword: 'required', message: 'required field "port" is missing' }],
  ['endpoints.v1', 'ip in subsets[0].addresses[0]', (m) => delete m.subsets[0].addresses[0].ip, { path: ['subsets', 0, 'addresses', 0], keyword: 'required', message: 'required field "ip" is missing' }],
  ['endpointslice.discovery.k8s.io-v1', 'addressType', (m) => delete m.addressType, { path: [], keyword: 'required', message: 'required field "addressType" is missing' }],
  ['deployment.apps-v1', 'spec.selector', (m) => delete m.spec.selector, { path: ['spec'], keyword: 'required', message: 'required field "selector" is missing' }],
  ['replicaset.apps-v1', 'spec.selector', (m) => delete m.spec.selector, { path: ['spec'], keyword: 'required', message: 'required field "selector" is missing' }],
  ['statefulset.apps-v1', 'spec.template', (m) => delete m.spec.template, { path: ['spec'], keyword: 'required', message: 'required field "template" is missing' }],
  ['daemonset.apps-v1', 'name in a template container', (m) => delete m.spec.template.spec.containers[0].name, { path: ['spec', 'template', 'spec', 'containers', 0], keyword: 'required', message: 'required field "name" is missing' }],
  ['job.batch-v1', 'spec.template', (m) => delete m.spec.template, { path: ['spec'], keyword: 'required', message: 'required field "template" is missing' }],
  ['cronjob.batch-v1', 'spec.schedule', (m) => delete m.spec.schedule, { path: ['spec'], keyword: 'required', message: 'required field "schedule" is missing' }],
];

describe('validateKindSchema: refusals, each at the path its message names', () => {
  const run = ([name, , mutate, expected]: Refusal) => {
    const e = only(validateKindSchema(name, example(name, mutate)));
    expect({ path: e.path, keyword: e.keyword, message: e.message }).toEqual(expected);
  };
  it.each(UNKNOWN_FIELDS)('%s: unknown field %s', (...c) => run(c));
  it.each(WRONG_TYPES)('%s: wrong type, %s', (...c) => run(c));
  it.each(BAD_QUANTITIES)('%s: bad quantity, %s', (...c) => run(c));
  it.each(MISSING_REQUIRED)('%s: missing %s', (...c) => run(c));

  it('covers every kind with an unknown field, a wrong type and a missing required field', () => {
    for (const table of [UNKNOWN_FIELDS, WRONG_TYPES, MISSING_REQUIRED]) {
      expect(new Set(table.map(([name]) => name))).toEqual(new Set(KIND_SCHEMA_NAMES));
    }
  });

  it('refuses another apiVersion or kind than the schema is for', () => {
    const e = only(validateKindSchema('deployment.apps-v1', example('deployment.apps-v1', (m) => (m.apiVersion = 'extensions/v1beta1'))));
    expect(e).toMatchObject({ path: ['apiVersion'], keyword: 'const', message: 'must be "apps/v1", got string "extensions/v1beta1"' });
    const k = only(validateKindSchema('statefulset.apps-v1', example('deployment.apps-v1')));
    expect(k).toMatchObject({ path: ['kind'], keyword: 'const', message: 'must be "StatefulSet", got string "Deployment"' });
  });

  it('reports every problem of a document, not the first one', () => {
    const m = example('cronjob.batch-v1', (c) => {
      delete c.spec.schedule;
      c.spec.suspend = 'no';
      c.spec.jobTemplate.spec.template.spec.containers[0].resources = { limits: { memory: '1gb' } };
    });
    expect(validateKindSchema('cronjob.batch-v1', m).map((e) => e.keyword).sort()).toEqual(['pattern', 'required', 'type']);
  });
});

describe('kindSchemaName', () => {
  it('finds the schema of an apiVersion and kind, and nothing for the others', () => {
    expect(kindSchemaName('v1', 'Pod')).toBe('pod.v1');
    expect(kindSchemaName('apps/v1', 'StatefulSet')).toBe('statefulset.apps-v1');
    expect(kindSchemaName('batch/v1', 'CronJob')).toBe('cronjob.batch-v1');
    expect(kindSchemaName('v1', 'Deployment')).toBeUndefined();
    expect(kindSchemaName('networking.k8s.io/v1', 'Ingress')).toBeUndefined();
  });
});
