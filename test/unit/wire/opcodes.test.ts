import { OPCODE_NAMES, OPCODES, opcodeCode, opcodeName, type OpcodeName } from '../../../harness/wire';

// Written independently from reference A5: code, name, class, auth. 0x1D is unassigned.
const EXPECTED: [number, string, 'core' | 'crypto' | 'admin', 'none' | 'identity' | 'admin'][] = [
  [0x01, 'Ping', 'core', 'none'],
  [0x02, 'PsaGenerateKey', 'crypto', 'identity'],
  [0x03, 'PsaDestroyKey', 'crypto', 'identity'],
  [0x04, 'PsaSignHash', 'crypto', 'identity'],
  [0x05, 'PsaVerifyHash', 'crypto', 'identity'],
  [0x06, 'PsaImportKey', 'crypto', 'identity'],
  [0x07, 'PsaExportPublicKey', 'crypto', 'identity'],
  [0x08, 'ListProviders', 'core', 'none'],
  [0x09, 'ListOpcodes', 'core', 'none'],
  [0x0a, 'PsaAsymmetricEncrypt', 'crypto', 'identity'],
  [0x0b, 'PsaAsymmetricDecrypt', 'crypto', 'identity'],
  [0x0c, 'PsaExportKey', 'crypto', 'identity'],
  [0x0d, 'PsaGenerateRandom', 'crypto', 'none'],
  [0x0e, 'ListAuthenticators', 'core', 'none'],
  [0x0f, 'PsaHashCompute', 'crypto', 'none'],
  [0x10, 'PsaHashCompare', 'crypto', 'none'],
  [0x11, 'PsaAeadEncrypt', 'crypto', 'identity'],
  [0x12, 'PsaAeadDecrypt', 'crypto', 'identity'],
  [0x13, 'PsaRawKeyAgreement', 'crypto', 'identity'],
  [0x14, 'PsaCipherEncrypt', 'crypto', 'identity'],
  [0x15, 'PsaCipherDecrypt', 'crypto', 'identity'],
  [0x16, 'PsaMacCompute', 'crypto', 'identity'],
  [0x17, 'PsaMacVerify', 'crypto', 'identity'],
  [0x18, 'PsaSignMessage', 'crypto', 'identity'],
  [0x19, 'PsaVerifyMessage', 'crypto', 'identity'],
  [0x1a, 'ListKeys', 'core', 'identity'],
  [0x1b, 'ListClients', 'admin', 'admin'],
  [0x1c, 'DeleteClient', 'admin', 'admin'],
  [0x1e, 'AttestKey', 'crypto', 'identity'],
  [0x1f, 'PrepareKeyAttestation', 'crypto', 'identity'],
  [0x20, 'CanDoCrypto', 'crypto', 'identity'],
];

describe('opcode table', () => {
  test.each(EXPECTED)('0x%s is %s (%s, auth %s)', (code, name, cls, auth) => {
    expect(opcodeName(code)).toBe(name);
    expect(opcodeCode(name as OpcodeName)).toBe(code);
    expect(OPCODES[name as OpcodeName]).toMatchObject({ code, class: cls, auth });
  });

  test('has exactly the reference opcodes, no more', () => {
    expect([...OPCODE_NAMES].sort()).toEqual(EXPECTED.map(([, name]) => name).sort());
    expect(Object.keys(OPCODES).sort()).toEqual(EXPECTED.map(([, name]) => name).sort());
  });

  test('only the MAC opcodes are flagged as not served by the service', () => {
    const notServed = OPCODE_NAMES.filter((n) => !OPCODES[n].servedByService);
    expect(notServed.sort()).toEqual(['PsaMacCompute', 'PsaMacVerify']);
  });

  test.each([
    [0x1d, '0x001D'],
    [0x00, '0x0000'],
    [0x21, '0x0021'],
    [0xffff, '0xFFFF'],
  ])('code %d outside the table is named %s', (code, name) => {
    expect(opcodeName(code)).toBe(name);
  });
});
