import { expectStatus } from '../../../harness/kit/expect-status';
import { ServiceStatusError } from '../../../harness/wire';

function refused(statusName: string, status: number): Promise<never> {
  return Promise.reject(new ServiceStatusError({ status, statusName, opcode: 'PsaSignHash', provider: 1 } as never));
}

describe('expectStatus', () => {
  it('passes on exactly the expected status and returns the error', async () => {
    const e = await expectStatus(refused('PsaErrorNotPermitted', 1133), 'PsaErrorNotPermitted');
    expect(e.status).toBe(1133);
  });
  it('fails on another status, naming both', async () => {
    await expect(expectStatus(refused('PsaErrorInvalidArgument', 1135), 'PsaErrorNotPermitted')).rejects.toThrow(
      'expected PsaErrorNotPermitted (1133), got PsaErrorInvalidArgument (1135) from PsaSignHash on provider 1',
    );
  });
  it('fails on success, showing a short summary of what came back, fast even for a large answer', async () => {
    const t = Date.now();
    await expect(expectStatus(Promise.resolve(Buffer.alloc(1 << 20, 7)), 'ResponseTooLarge')).rejects.toThrow(
      /expected ResponseTooLarge \(10\), got Success: <Buffer 07 07/,
    );
    expect(Date.now() - t).toBeLessThan(1000);
  });
  it('lets transport errors through unchanged', async () => {
    const boom = new Error('connect ENOENT');
    await expect(expectStatus(Promise.reject(boom), 'PsaErrorNotPermitted')).rejects.toBe(boom);
  });
});
