// Fuzz, 15,000 cases (half 1 of 30,000): mutated values never crash the loader or the validator (see properties.ts).
import { valueMutations } from './properties';

test('mutated values never crash the loader or the validator', () => valueMutations('value mutations 1/2', 15_000));
