import { generateKeyPairSync, sign } from 'node:crypto';
import { withOwnedKeys, type Identity } from '../../../harness/auth/isolation-cases';
import { freshDigest, p256Verifies } from '../../../harness/auth/isolation-key';
import { ServiceStatusError } from '../../../harness/wire';

function point(): { point: Buffer; privateKey: ReturnType<typeof generateKeyPairSync>['privateKey'] } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const jwk = publicKey.export({ format: 'jwk' });
  const xy = Buffer.concat([Buffer.from(jwk.x as string, 'base64url'), Buffer.from(jwk.y as string, 'base64url')]);
  return { point: Buffer.concat([Buffer.from([4]), xy]), privateKey };
}

describe('the isolation oracle', () => {
  it('accepts a signature under its own key and rejects it under another', () => {
    const a = point();
    const b = point();
    const { message } = freshDigest();
    const signature = sign('sha256', message, { key: a.privateKey, dsaEncoding: 'ieee-p1363' });
    expect(p256Verifies(a.point, message, signature)).toBe(true);
    expect(p256Verifies(b.point, message, signature)).toBe(false);
  });
});

describe('withOwnedKeys', () => {
  const identity = (log: string[], failWith?: Error): Identity =>
    ({
      destroyKey: async (p: number, name: string) => {
        log.push(`${p}/${name}`);
        if (failWith) throw failWith;
      },
    }) as unknown as Identity;
  const gone = new ServiceStatusError({ status: 1140, statusName: 'PsaErrorDoesNotExist', opcode: 'x', provider: 1 });

  it('destroys every key in reverse order, each with its own identity, a missing key being fine', async () => {
    const log: string[] = [];
    await withOwnedKeys(async (own) => {
      own(identity(log), 1, 'a');
      own(identity(log, gone), 2, 'b');
    });
    expect(log).toEqual(['2/b', '1/a']);
  });

  it('cleans up after a failure and rethrows the failure, not a cleanup problem', async () => {
    const log: string[] = [];
    await expect(
      withOwnedKeys(async (own) => {
        own(identity(log, new Error('storage broken')), 1, 'a');
        throw new Error('case failed');
      }),
    ).rejects.toThrow('case failed');
    expect(log).toEqual(['1/a']);
  });

  it('fails a passing case whose key cannot be destroyed', async () => {
    await expect(
      withOwnedKeys(async (own) => {
        own(identity([], new Error('storage broken')), 1, 'a');
      }),
    ).rejects.toThrow(/could not destroy keys created by the case: a: storage broken/);
  });
});
