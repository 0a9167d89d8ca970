import {
  bodyWith,
  bodyWithout,
  echoedShape,
  echoOf,
  expectRawStatus,
  MANGLED_BODY,
  sendMalformed,
  defineSuite,
} from '../../harness/kit';
import { eccSigningKey } from '../../harness/capabilities';
import { opcodeCode, type OpcodeName, type OperationOf, type ParsecClient, type StatusName } from '../../harness/wire';

const SESSION = 0x5e55_1011_cafe_f00dn;
const P256_ECDSA_SHA256 = eccSigningKey('SecpR1', 256, { alg: 'Ecdsa', hash: 'Sha256' });
const DIGEST = Buffer.alloc(32, 0x5a);

/**
 * Sends `body` as the body of `opcode` to `provider` with the client's own (valid) authentication: the header is
 * fine, so the error is a phase-2 one that echoes provider, session and opcode. Checks liveness afterwards.
 */
async function expectBodyRejected(
  client: ParsecClient,
  provider: number,
  opcode: OpcodeName,
  body: Buffer,
  status: StatusName,
  what: string,
): Promise<void> {
  const code = opcodeCode(opcode);
  const res = await sendMalformed(client, { header: { provider, opcode: code, session: SESSION }, body }, what);
  expectRawStatus(res, status, what);
  expect(echoOf(res)).toEqual(echoedShape({ provider, session: SESSION, opcode: code }));
}

defineSuite(
  {
    name: 'malformed-body',
    opcode: 'PsaGenerateKey',
    description: 'bodies that do not parse or lack mandatory fields are refused precisely',
  },
  (s) => {
    s.core((c) => {
      const coreOps: [OpcodeName, string][] = [
        ['Ping', 'Ping'],
        ['ListProviders', 'ListProviders'],
        ['ListOpcodes', 'ListOpcodes'],
        ['ListAuthenticators', 'ListAuthenticators'],
        ['ListKeys', 'ListKeys'],
      ];
      for (const [opcode, label] of coreOps) {
        c.case(
          `${label} with the body 11 22 33 44 55 is answered DeserializingBodyFailed`,
          async ({ client }) => {
            await expectBodyRejected(client, 0, opcode, MANGLED_BODY, 'DeserializingBodyFailed', `mangled ${label}`);
          },
          { opcode },
        );
      }

      c.case(
        'ListOpcodes with a truncated varint body (08 FF) is answered DeserializingBodyFailed',
        async ({ client }) => {
          await expectBodyRejected(
            client,
            0,
            'ListOpcodes',
            Buffer.from([0x08, 0xff]),
            'DeserializingBodyFailed',
            'truncated varint',
          );
        },
        { opcode: 'ListOpcodes' },
      );
    });

    s.eachProvider((c, provider) => {
      const p = provider.id;

      const mangled: OpcodeName[] = [
        'PsaGenerateKey',
        'PsaSignHash',
        'PsaExportPublicKey',
        'PsaDestroyKey',
        'PsaGenerateRandom',
      ];
      for (const opcode of mangled) {
        c.case(
          `${opcode} with the body 11 22 33 44 55 is answered DeserializingBodyFailed`,
          async ({ client }) => {
            await expectBodyRejected(client, p, opcode, MANGLED_BODY, 'DeserializingBodyFailed', `mangled ${opcode}`);
          },
          { opcode, requires: [opcode] },
        );
      }

      // Valid operations to take one field away from. The key names are fresh: nothing must be created.
      const generate = (keyName: string): OperationOf<'PsaGenerateKey'> => ({ keyName, attributes: P256_ECDSA_SHA256 });
      const missing: [string, string][] = [
        ['without attributes', 'attributes'],
        ['whose attributes lack key_type', 'attributes.key_type'],
        ['whose attributes lack key_policy', 'attributes.key_policy'],
        ['whose key policy lacks key_usage_flags', 'attributes.key_policy.key_usage_flags'],
        ['whose key policy lacks key_algorithm', 'attributes.key_policy.key_algorithm'],
        [
          'whose ECDSA policy lacks its hash_alg',
          'attributes.key_policy.key_algorithm.asymmetric_signature.ecdsa.hash_alg',
        ],
      ];
      for (const [title, path] of missing) {
        c.case(
          `PsaGenerateKey ${title} is answered InvalidEncoding`,
          async ({ client, keys }) => {
            const name = keys.track(p, keys.name('missing'));
            await expectBodyRejected(
              client,
              p,
              'PsaGenerateKey',
              bodyWithout('PsaGenerateKey', generate(name), path),
              'InvalidEncoding',
              `GenerateKey ${title}`,
            );
          },
          { requires: ['PsaGenerateKey'] },
        );
      }

      c.case(
        'PsaGenerateKey with curve family ECC_FAMILY_NONE is answered InvalidEncoding',
        async ({ client, keys }) => {
          const name = keys.track(p, keys.name('nonefamily'));
          const body = bodyWith('PsaGenerateKey', generate(name), 'attributes.key_type.ecc_key_pair.curve_family', 0);
          await expectBodyRejected(client, p, 'PsaGenerateKey', body, 'InvalidEncoding', 'ECC_FAMILY_NONE');
        },
        { requires: ['PsaGenerateKey'] },
      );

      c.case(
        'PsaGenerateKey with an empty KeyType (no variant) is answered InvalidEncoding',
        async ({ client, keys }) => {
          const name = keys.track(p, keys.name('emptytype'));
          const body = bodyWith('PsaGenerateKey', generate(name), 'attributes.key_type', {});
          await expectBodyRejected(client, p, 'PsaGenerateKey', body, 'InvalidEncoding', 'empty KeyType');
        },
        { requires: ['PsaGenerateKey'] },
      );

      const sign = (keyName: string): OperationOf<'PsaSignHash'> => ({
        keyName,
        alg: { alg: 'Ecdsa', hash: 'Sha256' },
        hash: DIGEST,
      });
      c.case(
        'PsaSignHash without alg is answered InvalidEncoding',
        async ({ client, keys }) => {
          const body = bodyWithout('PsaSignHash', sign(keys.name('absent')), 'alg');
          await expectBodyRejected(client, p, 'PsaSignHash', body, 'InvalidEncoding', 'SignHash without alg');
        },
        { requires: ['PsaSignHash'] },
      );

      c.case(
        'PsaSignHash with an empty AsymmetricSignature (no variant) is answered InvalidEncoding',
        async ({ client, keys }) => {
          const body = bodyWith('PsaSignHash', sign(keys.name('absent')), 'alg', {});
          await expectBodyRejected(client, p, 'PsaSignHash', body, 'InvalidEncoding', 'SignHash with empty alg');
        },
        { requires: ['PsaSignHash'] },
      );

      c.case(
        'PsaSignHash with ECDSA over HASH_NONE is answered InvalidEncoding',
        async ({ client, keys }) => {
          const body = bodyWith('PsaSignHash', sign(keys.name('absent')), 'alg.ecdsa.hash_alg', { specific: 0 });
          await expectBodyRejected(client, p, 'PsaSignHash', body, 'InvalidEncoding', 'SignHash HASH_NONE');
        },
        { requires: ['PsaSignHash'] },
      );
    });
  },
);
