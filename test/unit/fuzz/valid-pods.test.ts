// Fuzz, 10,000 cases: generated valid Pods in every style are accepted, translated and hashed (see properties.ts).
import { validPods } from './properties';

test('generated valid pods in every style are accepted', () => validPods(10_000));
