import { defineSuite, expectStatus } from '../../harness/kit';
import { encodeOperation, opcodeCode, type Mac } from '../../harness/wire';
import { hmacKeyName, MACS, MESSAGE } from '../../fixtures/mac';

// Every case expects OpcodeDoesNotExist: the MAC opcodes are refused in the header phase (see fixtures/mac.ts).
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
