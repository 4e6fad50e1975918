// The integration tests' teardown (useIsolatedPodman's afterAll) runs every step even when one
// fails; this checks that rule on plain functions, without Podman.
import { runEveryStep } from '../../integration/support/run-every-step';

describe('runEveryStep', () => {
  it('runs the steps in order and resolves when none fails', async () => {
    const ran: string[] = [];
    await runEveryStep([
      { name: 'a', run: () => ran.push('a') },
      { name: 'b', run: async () => ran.push('b') },
    ]);
    expect(ran).toEqual(['a', 'b']);
  });

  it('runs the later steps after one throws, then rethrows the first failure naming every failed step', async () => {
    const ran: string[] = [];
    const first = new Error('pod rm failed');
    const run = runEveryStep([
      { name: 'remove pods', run: () => { ran.push('pods'); throw first; } },
      { name: 'remove volumes', run: async () => { ran.push('volumes'); throw new Error('volume rm failed'); } },
      { name: 'stop the service', run: () => ran.push('stop') },
    ]);
    await expect(run).rejects.toBe(first);
    expect(ran).toEqual(['pods', 'volumes', 'stop']);
    expect(first.message).toBe(
      'cleanup step remove pods: pod rm failed\n(later cleanup steps failed too: remove volumes: volume rm failed)',
    );
  });

  it('wraps a thrown non-Error value in an Error that names the step', async () => {
    await expect(runEveryStep([{ name: 'odd', run: () => {
      // A thrown string, not an Error: the harness must cope with whatever a step throws.
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      throw 'a string';
    } }])).rejects.toThrow('cleanup step odd: a string');
  });
});
