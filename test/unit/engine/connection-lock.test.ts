/**
 * The connection lock on real abstract unix sockets, inside one process (the integration tests
 * show it across kubeplay processes, and that a SIGKILLed holder frees it).
 */
import { acquireConnectionLock, lockAddress, LockWaitAborted } from '../../../src/engine/connection-lock';

const socket = `/tmp/kubeplay-lock-test-${process.pid}-${Math.random().toString(16).slice(2)}.sock`;

describe('acquireConnectionLock', () => {
  test('the address is abstract and depends only on the socket path', () => {
    expect(lockAddress(socket).startsWith('\0kubeplay-lock-')).toBe(true);
    expect(lockAddress(socket)).toBe(lockAddress(`${socket.replace('/tmp/', '/tmp/./')}`));
    expect(lockAddress(socket)).not.toBe(lockAddress(`${socket}.other`));
  });

  test('a second taker waits, is told who holds it, and gets it once released', async () => {
    const first = await acquireConnectionLock(socket);
    const waits: string[] = [];
    const order: string[] = [];
    const second = acquireConnectionLock(socket, { onWait: (pid) => waits.push(pid) }).then((h) => {
      order.push('second');
      return h;
    });
    // Let the waiter connect and hear the holder's pid before the release.
    while (waits.length === 0) await new Promise((r) => setImmediate(r));
    order.push('release');
    await first.release();
    const held = await second;
    expect(order).toEqual(['release', 'second']);
    expect(waits).toEqual([String(process.pid)]);
    await held.release();
  });

  test('another connection has its own lock', async () => {
    const a = await acquireConnectionLock(socket);
    const b = await acquireConnectionLock(`${socket}.other`);
    await Promise.all([a.release(), b.release()]);
  });

  test('an aborted wait gives up', async () => {
    const held = await acquireConnectionLock(socket);
    const stop = new AbortController();
    const waiting = acquireConnectionLock(socket, { onWait: () => stop.abort(), signal: stop.signal });
    await expect(waiting).rejects.toBeInstanceOf(LockWaitAborted);
    await held.release();
  });
});
