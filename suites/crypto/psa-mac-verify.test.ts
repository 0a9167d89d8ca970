import { defineSuite, expectStatus } from '../../harness/kit';
import { HASH_LENGTH } from '../../harness/oracle/digests-and-agreement';
import { encodeOperation, opcodeCode, type Mac } from '../../harness/wire';
import { hmacKeyName, MACS, MESSAGE } from '../../fixtures/mac';

const macLength = (alg: Mac): number => alg.macLength ?? (alg.alg === 'Hmac' ? HASH_LENGTH[alg.hash] : 16);

// Every case expects OpcodeDoesNotExist: the MAC opcodes are refused in the header phase (see fixtures/mac.ts).
defineSuite(
  { name: 'psa-mac-verify', opcode: 'PsaMacVerify', description: 'MacVerify (0x17) is not served: OpcodeDoesNotExist' },
  (s) => {
    s.eachProvider((c, provider) => {
      for (const [label, alg] of MACS) {
        c.case(`${label} with an HMAC key name`, async ({ client, keys }) => {
          const key = await hmacKeyName(client, provider, keys);
          await expectStatus(
            client.macVerify(provider.id, key, alg, MESSAGE, Buffer.alloc(macLength(alg))),
            'OpcodeDoesNotExist',
          );
        });
      }

      c.case('HMAC-SHA-256 with a key name that does not exist', async ({ client, keys }) => {
        const key = keys.name('missing');
        const alg: Mac = { alg: 'Hmac', hash: 'Sha256' };
        await expectStatus(
          client.macVerify(provider.id, key, alg, MESSAGE, Buffer.alloc(macLength(alg))),
          'OpcodeDoesNotExist',
        );
      });

      c.case('the refusal has the header-phase shape: provider 0, opcode Ping, no body', async ({ client }) => {
        const body = encodeOperation('PsaMacVerify', {
          keyName: 'pc-mac-key',
          alg: { alg: 'Hmac', hash: 'Sha256' },
          input: MESSAGE,
          mac: Buffer.alloc(32),
        });
        const res = await client.raw({ header: { provider: provider.id, opcode: 0x17 }, body });
        expect(opcodeCode('PsaMacVerify')).toBe(0x17);
        expect(res.statusName).toBe('OpcodeDoesNotExist');
        expect(res.header.provider).toBe(0);
        expect(res.header.opcode).toBe(opcodeCode('Ping'));
        expect(res.body.length).toBe(0);
      });

      c.case('an empty body', async ({ client }) => {
        const res = await client.raw({ header: { provider: provider.id, opcode: 0x17 }, body: Buffer.alloc(0) });
        expect(res.statusName).toBe('OpcodeDoesNotExist');
      });
    });
  },
);
