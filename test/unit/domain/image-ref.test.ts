/**
 * Image references, against containers/image's reference grammar (docker/reference: a first
 * component with a `.` or `:`, or `localhost`, is a registry) and Podman's short-name resolution
 * (a short name finds localhost/NAME:TAG locally first).
 */
import { canonicalImage, localOnlyName, parseImageRef, shortImageId } from '../../../src/domain/image-ref';

describe('parseImageRef', () => {
  test.each([
    ['myapp', { domain: '', path: 'myapp', tag: '', digest: '' }],
    ['myapp:1', { domain: '', path: 'myapp', tag: '1', digest: '' }],
    ['team/myapp:latest', { domain: '', path: 'team/myapp', tag: 'latest', digest: '' }],
    ['localhost/myapp', { domain: 'localhost', path: 'myapp', tag: '', digest: '' }],
    ['localhost:5000/myapp:2', { domain: 'localhost:5000', path: 'myapp', tag: '2', digest: '' }],
    ['quay.io/org/app@sha256:abc', { domain: 'quay.io', path: 'org/app', tag: '', digest: 'sha256:abc' }],
    ['docker.io/library/busybox:1.36@sha256:abc', { domain: 'docker.io', path: 'library/busybox', tag: '1.36', digest: 'sha256:abc' }],
  ])('%s', (ref, want) => {
    expect(parseImageRef(ref)).toEqual(want);
  });
});

describe('canonicalImage', () => {
  test.each([
    ['myapp', 'myapp:latest'],
    ['myapp:latest', 'myapp:latest'],
    ['localhost/myapp', 'localhost/myapp:latest'],
    ['localhost:5000/myapp', 'localhost:5000/myapp:latest'],
    ['app@sha256:abc', 'app@sha256:abc'],
    ['298b1ca7a674', '298b1ca7a674'],
  ])('%s -> %s', (ref, want) => {
    expect(canonicalImage(ref)).toBe(want);
  });
});

describe('localOnlyName: when a pull could reach no registry', () => {
  const built = { id: '298b1ca7a67453820ca75bf9caa5523105f1d631a6488c794d9477f05902dc34', names: ['localhost/myapp:latest'] };
  const pulled = { id: 'ab'.repeat(32), names: ['quay.io/org/myapp:latest'] };
  test.each([
    ['localhost/myapp:latest', undefined, 'localhost/myapp:latest'],
    ['localhost/myapp:latest', built, 'localhost/myapp:latest'],
    ['myapp:latest', built, 'localhost/myapp:latest'],
    ['myapp:latest', pulled, undefined],
    ['myapp:latest', undefined, undefined],
    ['quay.io/org/myapp:latest', pulled, undefined],
    ['localhost:5000/myapp:latest', undefined, undefined],
    ['298b1ca7a674', built, 'localhost/myapp:latest'],
  ])('%s (local: %j) -> %s', (ref, local, want) => {
    expect(localOnlyName(ref, local)).toBe(want);
  });
});

test('shortImageId is the 12 digits podman images shows', () => {
  expect(shortImageId('sha256:298b1ca7a67453820ca75bf9caa5523105f1d631a6488c794d9477f05902dc34')).toBe('298b1ca7a674');
});
