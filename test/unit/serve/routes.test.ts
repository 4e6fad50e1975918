/**
 * serve/routes: a path whose percent-escapes are malformed names nothing (a miss, 404), and never
 * throws: the upgrade listener reads paths outside any catch, and an authenticated exec request to
 * `/api/v1/namespaces/default/pods/x/exec%E0%A4%A` used to end the server with "URI malformed".
 */
import { parseResourcePath } from '../../../src/serve/routes';

test('malformed percent-escapes are a miss, not a throw', () => {
  for (const p of ['/api/v1/namespaces/default/pods/x/exec%E0%A4%A', '/api/v1/namespaces/%/pods', '/apis/apps/v1/deployments%ZZ', '/%E0%A4%A']) {
    expect(parseResourcePath(p)).toEqual({ miss: 'the server could not find the requested resource' });
  }
});

test('well-formed escapes still decode', () => {
  const r = parseResourcePath('/api/v1/namespaces/default/configmaps/a%2Db');
  expect(r).toMatchObject({ namespace: 'default', name: 'a-b' });
});
