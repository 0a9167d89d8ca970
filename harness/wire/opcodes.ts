/** Opcode table of wire protocol 1.0 (reference A5). */

export type OpcodeClass = 'core' | 'crypto' | 'admin';
/** What identity the service demands before running the operation (reference A3). */
export type OpcodeAuth = 'none' | 'identity' | 'admin';

export interface OpcodeInfo {
  readonly code: number;
  readonly class: OpcodeClass;
  readonly auth: OpcodeAuth;
  /**
   * False for opcodes the book documents but the service's opcode enum lacks: it answers them with
   * OpcodeDoesNotExist (9) before reaching any provider.
   */
  readonly servedByService: boolean;
  /** Upstream marks these operations experimental. */
  readonly experimental?: boolean;
}

const core = (code: number, auth: OpcodeAuth = 'none'): OpcodeInfo => ({
  code,
  class: 'core',
  auth,
  servedByService: true,
});
const crypto = (code: number, auth: OpcodeAuth = 'identity'): OpcodeInfo => ({
  code,
  class: 'crypto',
  auth,
  servedByService: true,
});

/** Names in opcode order. Adding one here breaks the build until OPCODES (and every per-opcode table) classifies it. */
export const OPCODE_NAMES = [
  'Ping',
  'PsaGenerateKey',
  'PsaDestroyKey',
  'PsaSignHash',
  'PsaVerifyHash',
  'PsaImportKey',
  'PsaExportPublicKey',
  'ListProviders',
  'ListOpcodes',
  'PsaAsymmetricEncrypt',
  'PsaAsymmetricDecrypt',
  'PsaExportKey',
  'PsaGenerateRandom',
  'ListAuthenticators',
  'PsaHashCompute',
  'PsaHashCompare',
  'PsaAeadEncrypt',
  'PsaAeadDecrypt',
  'PsaRawKeyAgreement',
  'PsaCipherEncrypt',
  'PsaCipherDecrypt',
  'PsaMacCompute',
  'PsaMacVerify',
  'PsaSignMessage',
  'PsaVerifyMessage',
  'ListKeys',
  'ListClients',
  'DeleteClient',
  'AttestKey',
  'PrepareKeyAttestation',
  'CanDoCrypto',
] as const;

export type OpcodeName = (typeof OPCODE_NAMES)[number];

export const OPCODES: Readonly<Record<OpcodeName, OpcodeInfo>> = {
  Ping: core(0x01),
  PsaGenerateKey: crypto(0x02),
  PsaDestroyKey: crypto(0x03),
  PsaSignHash: crypto(0x04),
  PsaVerifyHash: crypto(0x05),
  PsaImportKey: crypto(0x06),
  PsaExportPublicKey: crypto(0x07),
  ListProviders: core(0x08),
  ListOpcodes: core(0x09),
  PsaAsymmetricEncrypt: crypto(0x0a),
  PsaAsymmetricDecrypt: crypto(0x0b),
  PsaExportKey: crypto(0x0c),
  PsaGenerateRandom: crypto(0x0d, 'none'),
  ListAuthenticators: core(0x0e),
  PsaHashCompute: crypto(0x0f, 'none'),
  PsaHashCompare: crypto(0x10, 'none'),
  PsaAeadEncrypt: crypto(0x11),
  PsaAeadDecrypt: crypto(0x12),
  PsaRawKeyAgreement: crypto(0x13),
  PsaCipherEncrypt: crypto(0x14),
  PsaCipherDecrypt: crypto(0x15),
  PsaMacCompute: { ...crypto(0x16), servedByService: false },
  PsaMacVerify: { ...crypto(0x17), servedByService: false },
  PsaSignMessage: crypto(0x18),
  PsaVerifyMessage: crypto(0x19),
  ListKeys: core(0x1a, 'identity'),
  ListClients: { code: 0x1b, class: 'admin', auth: 'admin', servedByService: true },
  DeleteClient: { code: 0x1c, class: 'admin', auth: 'admin', servedByService: true },
  // 0x1D is unassigned (GetSupportedAlgorithms was added and then removed upstream).
  AttestKey: { ...crypto(0x1e), experimental: true },
  PrepareKeyAttestation: { ...crypto(0x1f), experimental: true },
  CanDoCrypto: { ...crypto(0x20), experimental: true },
};

const BY_CODE: ReadonlyMap<number, OpcodeName> = new Map(OPCODE_NAMES.map((n) => [OPCODES[n].code, n]));

/** `0x001D` style, the spelling used for codes outside the table. */
export function formatOpcode(code: number): string {
  return `0x${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function opcodeName(code: number): OpcodeName | string {
  return BY_CODE.get(code) ?? formatOpcode(code);
}

export function isOpcodeName(name: string): name is OpcodeName {
  return Object.prototype.hasOwnProperty.call(OPCODES, name);
}

export function opcodeCode(name: OpcodeName): number {
  return OPCODES[name].code;
}

export function opcodeInfo(name: OpcodeName): OpcodeInfo {
  return OPCODES[name];
}
