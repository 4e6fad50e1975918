import { matchesSelector, parseSelector } from '../../../src/domain/selector';
import { UsageError } from '../../../src/domain/errors';

const labels = { app: 'web', tier: 'front', env: 'dev' };

describe('parseSelector + matchesSelector', () => {
  test.each([
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['app!=db', true],
    ['missing!=x', true], // != is true when the key is absent, as in kubectl
    ['app in (web,db)', true],
    ['app in (db, cache)', false],
    ['app notin (db,cache)', true],
    ['missing notin (a)', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['app=web,tier=front', true],
    ['app=web,tier=back', false],
    ['app in (web),!missing,env', true],
    ['', true],
    ['app=', false], // an empty value is a valid label value
    ['example.com/owner', false],
  ])('%s → %s', (sel, expected) => {
    expect(matchesSelector(parseSelector(sel), labels)).toBe(expected);
  });

  test.each([
    ['app=%', '"%" is not a valid label value'],
    ['app=web,', 'expected a requirement after ","'],
    ['app in (a,b', 'expected "," or ")"'],
    ['app=we b', 'expected "," between requirements'],
    ['=web', 'expected a label key'],
    ['ap p', 'unexpected "p" after key "ap"'],
    ['app=-bad', '"-bad" is not a valid label value'],
  ])('%s is rejected with a pointer', (sel, message) => {
    let err: unknown;
    try {
      parseSelector(sel);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain(message);
    expect((err as Error).message).toContain('^');
  });
});
