import { UsageError } from '../../../src/domain/errors';
import { stateDirOf } from '../../../src/store/state-dir';

describe('stateDirOf', () => {
  it.each([
    ['rootful', {}, 0, '/var/lib/kubeplay'],
    ['rootful ignores XDG_DATA_HOME (Podman: /var/lib/containers)', { XDG_DATA_HOME: '/x', HOME: '/root' }, 0, '/var/lib/kubeplay'],
    ['rootless with XDG_DATA_HOME', { XDG_DATA_HOME: '/home/u/data', HOME: '/home/u' }, 1000, '/home/u/data/kubeplay'],
    ['rootless, XDG_DATA_HOME with a trailing slash', { XDG_DATA_HOME: '/home/u/data/' }, 1000, '/home/u/data/kubeplay'],
    ['rootless default', { HOME: '/home/u' }, 1000, '/home/u/.local/share/kubeplay'],
    ['rootless, empty XDG_DATA_HOME means unset', { XDG_DATA_HOME: '', HOME: '/home/u' }, 1000, '/home/u/.local/share/kubeplay'],
    ['rootless, a relative XDG_DATA_HOME is ignored (XDG spec)', { XDG_DATA_HOME: 'data', HOME: '/home/u' }, 1000, '/home/u/.local/share/kubeplay'],
    ['KUBEPLAY_STATE_DIR wins, rootful', { KUBEPLAY_STATE_DIR: '/tmp/s' }, 0, '/tmp/s'],
    ['KUBEPLAY_STATE_DIR wins, rootless', { KUBEPLAY_STATE_DIR: '/tmp/s', XDG_DATA_HOME: '/x', HOME: '/h' }, 1000, '/tmp/s'],
    ['KUBEPLAY_STATE_DIR relative is kept for the caller to resolve', { KUBEPLAY_STATE_DIR: 'state' }, 1000, 'state'],
    ['empty KUBEPLAY_STATE_DIR means unset', { KUBEPLAY_STATE_DIR: '', HOME: '/h' }, 1000, '/h/.local/share/kubeplay'],
  ])('%s', (_case, env, uid, want) => expect(stateDirOf(env, uid)).toBe(want));

  it('refuses a rootless user with neither XDG_DATA_HOME nor HOME, and says what to set', () => {
    expect(() => stateDirOf({}, 1000)).toThrow(UsageError);
    expect(() => stateDirOf({ HOME: 'relative' }, 1000)).toThrow(/set KUBEPLAY_STATE_DIR \(or --state-dir\)/);
  });
});
