/**
 * The spine's arrows point one way (docs/architecture.md): a folder of src/ imports only folders
 * below it. This reads every import of src/ and fails on one that runs back up, naming it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, normalize, relative } from 'node:path';

const SRC = join(__dirname, '..', '..', '..', 'src');

/** LAYER: the folders in order; a folder may import its own and any lower layer, and the pairs in ALSO. */
const LAYER: Record<string, number> = {
  domain: 0,
  store: 1,
  engine: 1,
  'dns-server': 1,
  load: 2,
  validate: 3,
  print: 3,
  translate: 4,
  observe: 5,
  plan: 6,
  controllers: 6,
  execute: 7,
  kinds: 8,
  commands: 9,
  serve: 10,
  cli: 11,
};
/** ALSO: imports of a port's types across a layer (observe reads the engine and the store; execute drives the engine). */
const ALSO = new Set(['observe->engine', 'observe->store', 'execute->engine', 'plan->controllers']);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('no import runs back up the spine', () => {
  const wrong: string[] = [];
  for (const file of files(SRC)) {
    const from = relative(SRC, file).split('/')[0]!;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from |import\(|require\()'(\.\.?\/[^']+)'/g)) {
      const target = relative(SRC, normalize(join(file, '..', m[1]!))).split('/')[0]!;
      if (target === from || target.startsWith('..')) continue;
      if (LAYER[target] === undefined || LAYER[from] === undefined) wrong.push(`${relative(SRC, file)}: folder ${LAYER[from] === undefined ? from : target} has no layer here`);
      else if (LAYER[target] >= LAYER[from] && !ALSO.has(`${from}->${target}`)) wrong.push(`${relative(SRC, file)} imports ${m[1]}`);
    }
  }
  expect(wrong).toEqual([]);
});
