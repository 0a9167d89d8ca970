import { defineSuite, expectStatus } from '../../harness/kit';
import { ProviderId, type ProviderKey } from '../../harness/model/providers';
import { OPCODES, opcodeCode, type OpcodeName } from '../../harness/wire';

/** Reference A5: Core advertises these and nothing else (the admin opcodes are not advertised). */
const CORE_OPCODES: OpcodeName[] = ['Ping', 'ListProviders', 'ListOpcodes', 'ListAuthenticators', 'ListKeys'];

/** Reference A5: each provider's SUPPORTED_OPCODES in Parsec 1.x. */
const DOCUMENTED: Record<ProviderKey, OpcodeName[]> = {
  mbed: [
    'PsaGenerateKey',
    'PsaDestroyKey',
    'PsaSignHash',
    'PsaVerifyHash',
    'PsaImportKey',
    'PsaExportPublicKey',
    'PsaAsymmetricEncrypt',
    'PsaAsymmetricDecrypt',
    'PsaExportKey',
    'PsaGenerateRandom',
    'PsaHashCompute',
    'PsaHashCompare',
    'PsaAeadEncrypt',
    'PsaAeadDecrypt',
    'PsaRawKeyAgreement',
    'CanDoCrypto',
  ],
  pkcs11: [
    'PsaGenerateKey',
    'PsaDestroyKey',
    'PsaSignHash',
    'PsaVerifyHash',
    'PsaImportKey',
    'PsaExportPublicKey',
    'PsaAsymmetricEncrypt',
    'PsaAsymmetricDecrypt',
    'PsaGenerateRandom',
    'CanDoCrypto',
  ],
  tpm: [
    'PsaGenerateKey',
    'PsaDestroyKey',
    'PsaSignHash',
    'PsaVerifyHash',
    'PsaImportKey',
    'PsaExportPublicKey',
    'PsaAsymmetricEncrypt',
    'PsaAsymmetricDecrypt',
    'PsaGenerateRandom',
    'AttestKey',
    'PrepareKeyAttestation',
    'CanDoCrypto',
  ],
};

const sorted = (ops: readonly OpcodeName[]): number[] => ops.map(opcodeCode).sort((a, b) => a - b);

defineSuite(
  { name: 'list-opcodes', opcode: 'ListOpcodes', description: 'ListOpcodes gives each provider its set' },
  (s) => {
    s.core((c) => {
      c.case(
        'Core lists exactly Ping, ListProviders, ListOpcodes, ListAuthenticators and ListKeys',
        async ({ client }) => {
          expect([...(await client.listOpcodes(ProviderId.Core))].sort((a, b) => a - b)).toEqual(sorted(CORE_OPCODES));
        },
      );

      c.case('an unknown provider id in the body is answered ProviderDoesNotExist', async ({ client }) => {
        await expectStatus(client.listOpcodes(200), 'ProviderDoesNotExist');
      });

      c.case('a known provider id that is not configured is answered ProviderNotRegistered', async ({ client }) => {
        await expectStatus(client.listOpcodes(ProviderId.TrustedService), 'ProviderNotRegistered');
      });
    });

    s.eachProvider((c, provider) => {
      c.case('lists a non-empty set of crypto opcodes, each once', async ({ client }) => {
        const ops = await client.listOpcodes(provider.id);
        expect(ops.length).toBeGreaterThan(0);
        expect(new Set(ops).size).toBe(ops.length);
        const notCrypto = ops.filter((op) => Object.values(OPCODES).find((o) => o.code === op)?.class !== 'crypto');
        expect(notCrypto).toEqual([]);
      });

      c.case('lists the opcodes the Parsec reference documents for the provider', async ({ client }) => {
        expect([...(await client.listOpcodes(provider.id))].sort((a, b) => a - b)).toEqual(
          sorted(DOCUMENTED[provider.key]),
        );
      });
    });
  },
);
