import {
  connectionFailureMessage,
  connectionFailureOf,
  explainStartFailure,
  explainStartFailures,
  isLeftoverMountFailure,
} from '../../../src/engine/podman-messages';

describe('connection failures', () => {
  test.each([
    [{ code: 'ENOENT' }, 'unreachable'],
    [{ code: 'ECONNREFUSED' }, 'unreachable'],
    [{ code: 'EACCES' }, 'unreachable'],
    [{ code: 'ECONNRESET' }, 'lost'],
    [{ code: 'EPIPE' }, 'lost'],
    [{ message: 'socket hang up' }, 'lost'],
    [{ code: 'ETIMEDOUT', message: 'timeout' }, undefined],
    [{ message: 'unexpected end of JSON' }, undefined],
  ])('%j is %s', (err, kind) => {
    expect(connectionFailureOf(err)).toBe(kind);
  });

  test('a lost connection says so, names the socket, and says what to do', () => {
    expect(connectionFailureMessage('lost', 'create pod web', '/run/p.sock', 'ECONNRESET')).toBe(
      'cannot create pod web: the connection to Podman was lost (ECONNRESET): the API service at /run/p.sock stopped answering ' +
        'in the middle of the call; check that it runs (or start it: podman system service), then apply again: what was done is kept ' +
        'and the next apply finishes the rest',
    );
    expect(connectionFailureMessage('unreachable', 'list pods', '/run/p.sock', 'ECONNREFUSED')).toMatch(
      /^cannot list pods: Podman's API socket \/run\/p.sock does not answer \(ECONNREFUSED\); start the service/,
    );
  });
});

describe('start failures', () => {
  // Podman 4.3.1's words, as `podman pod start` printed them on this host.
  const portTaken =
    'starting container web-infra: cannot listen on the TCP port: listen tcp4 :18090: bind: address already in use';
  const dependency = 'starting container web-app: a dependency of container web-app failed to start: container state improper';

  test('a host port taken before the start names the port and what to do', () => {
    expect(explainStartFailure(portTaken)).toBe(
      'host port 18090/TCP is already in use: another process took it after kubeplay checked it was free and before the pod started; ' +
        'free the port or change hostPort, then apply again',
    );
    expect(explainStartFailure('cannot listen on the UDP port: listen udp4 127.0.0.1:53: bind: address already in use')).toMatch(
      /^host port 53\/UDP on 127.0.0.1 is already in use/,
    );
    expect(explainStartFailure('cannot listen on the TCP port: listen tcp6 [::]:8080: bind: address already in use')).toMatch(
      /^host port 8080\/TCP on \[::\] is already in use/,
    );
  });

  test('the echoes of the port failure on the other containers are dropped; other errors stay as they are', () => {
    expect(explainStartFailures([portTaken, dependency])).toEqual([explainStartFailure(portTaken)]);
    const notFound = 'starting container web-app: executable file `nope` not found in $PATH';
    expect(explainStartFailures([notFound])).toEqual([notFound]);
  });
});

describe('removal failures', () => {
  // Podman 4.3.1's answer to DELETE /pods/NAME?force=true after its API service was killed in the
  // middle of the pod's start (HTTP 500), as this host sent it.
  const busyShm =
    'cannot remove pod p00: 1 error occurred:\n\t* removing container ba4eaaa77836 from pod 1b39a253eb89: removing container ba4eaaa77836 ' +
    'root filesystem: 1 error occurred:\n\t* unlinkat /var/lib/containers/storage/overlay-containers/ba4eaaa77836/userdata/shm: ' +
    'device or resource busy\n\n\n';

  test('the busy shm a cut-off start left is recognised; other removal failures are not', () => {
    expect(isLeftoverMountFailure(busyShm)).toBe(true);
    expect(isLeftoverMountFailure('cannot remove pod p00: no pod with name or ID p00 found: no such pod')).toBe(false);
    expect(isLeftoverMountFailure('cannot remove volume v: volume is being used by the following container(s): abc: volume is being used')).toBe(false);
    expect(isLeftoverMountFailure('cannot remove container c: device or resource busy while reading /sys/fs/cgroup/x')).toBe(false);
  });
});
