import { defineSuite, expectStatus, type KeyTracker, type ProviderCtx } from '../../harness/kit';
import { ServiceStatusError, encodeOperation, opcodeCode, type Mac, type ParsecClient } from '../../harness/wire';

/**
 * Reference A3/A5: the MAC opcodes have a .proto and a page in the book but are not in the interface's Opcode enum,
 * so the header phase refuses them with OpcodeDoesNotExist (9) before any provider or key is looked at.
 */
const MESSAGE = Buffer.from('I am a message');

const MACS: readonly [string, Mac][] = [
  ['HMAC-SHA-256', { alg: 'Hmac', hash: 'Sha256' }],
  ['HMAC-SHA-512 truncated to 16 bytes', { alg: 'Hmac', hash: 'Sha512', macLength: 16 }],
  ['CMAC', { alg: 'Cmac' }],
  ['CBC-MAC', { alg: 'CbcMac' }],
];

/**
 * An HMAC key to name in the request where the provider can hold one (imported, 32 bytes); elsewhere the name stays
 * unused. Setup only: the answer under test does not depend on the key, since the opcode is refused first.
 */
async function hmacKeyName(client: ParsecClient, provider: ProviderCtx, keys: KeyTracker): Promise<string> {
  const name = keys.track(provider.id, keys.name('hmac'));
  try {
    await client.importKey(
      provider.id,
      name,
      {
        keyType: { type: 'Hmac' },
        keyBits: 256,
        policy: { usage: { signMessage: true, verifyMessage: true }, algorithm: { alg: 'Hmac', hash: 'Sha256' } },
      },
      Buffer.alloc(32, 0x0b),
    );
  } catch (e) {
    if (!(e instanceof ServiceStatusError)) throw e;
  }
  return name;
}

defineSuite(
  {
    name: 'psa-mac-compute',
    opcode: 'PsaMacCompute',
    description: 'MacCompute (0x16) is not served: OpcodeDoesNotExist',
  },
  (s) => {
    s.eachProvider((c, provider) => {
      for (const [label, alg] of MACS) {
        c.case(`${label} with an HMAC key name`, async ({ client, keys }) => {
          const key = await hmacKeyName(client, provider, keys);
          await expectStatus(client.macCompute(provider.id, key, alg, MESSAGE), 'OpcodeDoesNotExist');
        });
      }

      c.case('HMAC-SHA-256 with a key name that does not exist', async ({ client, keys }) => {
        const key = keys.name('missing');
        const alg: Mac = { alg: 'Hmac', hash: 'Sha256' };
        await expectStatus(client.macCompute(provider.id, key, alg, MESSAGE), 'OpcodeDoesNotExist');
      });

      c.case('the refusal has the header-phase shape: provider 0, opcode Ping, no body', async ({ client }) => {
        const body = encodeOperation('PsaMacCompute', {
          keyName: 'pc-mac-key',
          alg: { alg: 'Hmac', hash: 'Sha256' },
          input: MESSAGE,
        });
        const res = await client.raw({ header: { provider: provider.id, opcode: 0x16 }, body });
        expect(opcodeCode('PsaMacCompute')).toBe(0x16);
        expect(res.statusName).toBe('OpcodeDoesNotExist');
        expect(res.header.provider).toBe(0);
        expect(res.header.opcode).toBe(opcodeCode('Ping'));
        expect(res.body.length).toBe(0);
      });

      c.case('an empty body', async ({ client }) => {
        const res = await client.raw({ header: { provider: provider.id, opcode: 0x16 }, body: Buffer.alloc(0) });
        expect(res.statusName).toBe('OpcodeDoesNotExist');
      });
    });
  },
);
