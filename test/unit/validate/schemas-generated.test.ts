// The committed schemas are what scripts/gen-schemas.mjs writes, the runtime's list of kind schemas
// is the generator's, every schema is precompiled to a validator that agrees with the runtime-compiled
// one, and a validator is loaded only when a document of its kind is validated.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KIND_SCHEMAS, KIND_SCHEMA_NAMES, validateKindSchema } from '../../../src/validate/kind-schemas';
import { toSchemaErrors, type AjvValidateFunction } from '../../../src/validate/pod-schema';

const ROOT = path.join(__dirname, '..', '..', '..');

// The build script is plain CommonJS (it runs after tsc, outside the TypeScript build).
const { buildValidators, schemaNames } = require('../../../scripts/build-validators.js') as {
  buildValidators: (outDir?: string, only?: string[]) => string[];
  schemaNames: () => string[];
};

/** node runs a node command in the repository root and returns its exit status and output. */
function node(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the generated schemas', () => {
  it('are what the generator writes (gen-schemas.mjs --check)', () => {
    const r = node(['scripts/gen-schemas.mjs', '--check']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it("are listed by the runtime as by the generator, in the generator's order", () => {
    const r = node([
      '--input-type=module',
      '-e',
      "import { KINDS, schemaName } from './scripts/gen-schemas.mjs'; process.stdout.write(JSON.stringify(KINDS.map((k) => ({ name: schemaName(k), ...k }))));",
    ]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(KIND_SCHEMAS.map((s) => ({ name: s.name, apiVersion: s.apiVersion, kind: s.kind })));
  });

  it('are the files in schemas/, each for its own apiVersion and kind, and all precompiled by the build', () => {
    expect(schemaNames()).toEqual([...KIND_SCHEMA_NAMES].sort());
    for (const s of KIND_SCHEMAS) {
      const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', `${s.name}.json`), 'utf8')) as {
        $id: string;
        properties: { apiVersion: { const: string }; kind: { const: string } };
        required: string[];
        additionalProperties: boolean;
      };
      expect(schema.$id).toBe(`https://kubeplay.local/schemas/${s.name}.json`);
      expect(schema.properties.apiVersion.const).toBe(s.apiVersion);
      expect(schema.properties.kind.const).toBe(s.kind);
      expect(schema.required).toEqual(expect.arrayContaining(['apiVersion', 'kind']));
      expect(schema.additionalProperties).toBe(false);
    }
  });
});

describe('validator loading', () => {
  it('loads a kind validator only when a document of that kind is validated', () => {
    jest.isolateModules(() => {
      const kinds = require('../../../src/validate/kind-schemas') as typeof import('../../../src/validate/kind-schemas');
      const loader = require('../../../src/validate/schema-validators') as typeof import('../../../src/validate/schema-validators');
      expect(loader.loadedSchemaValidators()).toEqual([]);
      expect(kinds.validateKindSchema('configmap.v1', { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } })).toEqual([]);
      expect(loader.loadedSchemaValidators()).toEqual(['configmap.v1']);
      expect(kinds.validateKindSchema('configmap.v1', { apiVersion: 'v1', kind: 'ConfigMap' })).toEqual([]);
      expect(kinds.validateKindSchema('namespace.v1', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } })).toEqual([]);
      expect(loader.loadedSchemaValidators()).toEqual(['configmap.v1', 'namespace.v1']);
    });
  });

  it('refuses a schema name that is not generated', () => {
    expect(() => validateKindSchema('ingress.networking.k8s.io-v1' as never, {})).toThrow('no generated schema is named "ingress.networking.k8s.io-v1"');
  });

  it('precompiles validators that agree with the runtime-compiled schemas', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeplay-kind-validators-'));
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx', resources: { limits: { memory: '64Mi' } } }] } },
      },
    };
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80, targetPort: 'http' }] } };
    const cases: [string, unknown][] = [
      ['deployment.apps-v1', deployment],
      ['deployment.apps-v1', { ...deployment, spec: { ...deployment.spec, replica: 2, strategy: { rollingUpdate: { maxSurge: true } } } }],
      ['deployment.apps-v1', { ...deployment, spec: { template: { spec: { containers: [{ name: 'web', resources: { limits: { memory: '1gb' } } }] } } } }],
      ['service.v1', service],
      ['service.v1', { ...service, spec: { ports: [{ targetPort: 1.5 }] } }],
      ['service.v1', 42],
    ];
    try {
      const files = buildValidators(dir, ['deployment.apps-v1', 'service.v1']);
      const standalone = new Map(files.map((f) => [path.basename(f, '.validator.js'), require(f) as AjvValidateFunction]));
      for (const [name, doc] of cases) {
        const validate = standalone.get(name)!;
        const viaStandalone = validate(doc) ? [] : toSchemaErrors(validate.errors ?? [], doc);
        expect(viaStandalone).toEqual(validateKindSchema(name as never, doc));
      }
      expect(cases.filter(([name, doc]) => validateKindSchema(name as never, doc).length > 0)).toHaveLength(4);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
