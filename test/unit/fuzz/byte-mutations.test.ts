// Fuzz, 30,000 cases: byte mutations never crash the loader or the validator (see properties.ts).
import { byteMutations } from './properties';

test('byte mutations never crash the loader or the validator', () => byteMutations('byte mutations', 30_000));
