import { pendingCleanupCount, registerCleanup, runCleanupsNow } from '../../../harness/lifecycle';

describe('cleanup registry', () => {
  test('runs cleanups newest first, once, and skips unregistered ones', () => {
    const calls: string[] = [];
    registerCleanup(() => calls.push('dir'));
    const unregister = registerCleanup(() => calls.push('gone'));
    registerCleanup(() => calls.push('process'));
    unregister();

    runCleanupsNow();
    runCleanupsNow();

    expect(calls).toEqual(['process', 'dir']);
    expect(pendingCleanupCount()).toBe(0);
  });

  test('a failing cleanup does not stop the others', () => {
    const calls: string[] = [];
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    registerCleanup(() => calls.push('first'));
    registerCleanup(() => {
      throw new Error('boom');
    });
    runCleanupsNow();
    expect(calls).toEqual(['first']);
    expect(stderr).toHaveBeenCalledWith('cleanup failed: boom\n');
    stderr.mockRestore();
  });
});
