// Fuzz, 15,000 cases (half 2 of 30,000): YAML text mutations never crash the loader or the validator (see properties.ts).
import { textMutations } from './properties';

test('YAML text mutations never crash the loader or the validator', () => textMutations('text mutations 2/2', 15_000));
