import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import type { BenchOperation } from '../model/bench-result';
import type { KeyAttributes, OpcodeName, ParsecClient } from '../wire';
import type { TimedCall } from './timed-loop';

/** What a Parsec cell runs: the timed call, and the keys to destroy once the cell is done. */
export interface ParsecWorkload {
  readonly call: TimedCall;
  readonly cleanup: () => Promise<void>;
}

export interface WorkloadContext {
  readonly client: ParsecClient;
  readonly provider: number;
  /** A fresh key name, unique in this bench. */
  readonly keyName: () => string;
}

export interface OperationSpec {
  /** The opcode the provider must list (ListOpcodes) for the operation to be timed. */
  readonly opcode: OpcodeName;
  /** What is timed: algorithm and sizes, the same on Parsec and on every backend. */
  readonly workload: string;
  readonly parsec: (ctx: WorkloadContext) => Promise<ParsecWorkload>;
  /** The same operation in Node's crypto (OpenSSL): the software baseline for Mbed Crypto. */
  readonly node?: () => TimedCall;
}

const ECDSA = { alg: 'Ecdsa', hash: 'Sha256' } as const;
const P256_PAIR = { type: 'EccKeyPair', curveFamily: 'SecpR1' } as const;
const SIGN_KEY: KeyAttributes = {
  keyType: P256_PAIR,
  keyBits: 256,
  policy: { usage: { signHash: true, verifyHash: true }, algorithm: ECDSA },
};
const EXPORTABLE_KEY: KeyAttributes = {
  ...SIGN_KEY,
  policy: { ...SIGN_KEY.policy, usage: { ...SIGN_KEY.policy.usage, export: true } },
};
const P256_PUBLIC: KeyAttributes = {
  keyType: { type: 'EccPublicKey', curveFamily: 'SecpR1' },
  keyBits: 256,
  policy: { usage: { verifyHash: true }, algorithm: ECDSA },
};
const RSA_CRYPT: KeyAttributes = {
  keyType: { type: 'RsaKeyPair' },
  keyBits: 2048,
  policy: { usage: { encrypt: true, decrypt: true }, algorithm: { alg: 'RsaPkcs1v15Crypt' } },
};
const AES_GCM: KeyAttributes = {
  keyType: { type: 'Aes' },
  keyBits: 128,
  policy: { usage: { encrypt: true, decrypt: true }, algorithm: { alg: 'Gcm' } },
};
const ECDH: KeyAttributes = {
  keyType: P256_PAIR,
  keyBits: 256,
  policy: { usage: { derive: true }, algorithm: { alg: 'Ecdh' } },
};

const HASH32 = createHash('sha256').update('parsec-conformance bench').digest();
const MESSAGE_1K = Buffer.alloc(1024, 0x5a);
const PLAINTEXT_64 = Buffer.alloc(64, 0x33);
const NONCE_12 = Buffer.alloc(12, 0x01);
const AD_16 = Buffer.alloc(16, 0x02);

/** Makes the keys a cell uses (untimed) and destroys them in cleanup. */
async function withKeys(
  ctx: WorkloadContext,
  keys: readonly KeyAttributes[],
  call: (names: string[]) => Promise<TimedCall>,
): Promise<ParsecWorkload> {
  const names: string[] = [];
  const cleanup = async () => {
    for (const n of names) await ctx.client.destroyKey(ctx.provider, n);
  };
  try {
    for (const attributes of keys) {
      const name = ctx.keyName();
      await ctx.client.generateKey(ctx.provider, name, attributes);
      names.push(name);
    }
    return { call: await call(names), cleanup };
  } catch (e) {
    await cleanup().catch(() => undefined);
    throw e;
  }
}

const nothingToClean = async () => undefined;

/** RSAES-PKCS1-v1_5 unpadding (00 02 PS 00 M), after a raw RSA private operation. */
function pkcs1v15Unpad(block: Buffer): Buffer {
  const zero = block.indexOf(0, 2);
  if (block[0] !== 0 || block[1] !== 2 || zero < 10) throw new Error('not an RSAES-PKCS1-v1_5 block');
  return block.subarray(zero + 1);
}

const ecPair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsaPair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });

/** Every operation the bench knows; those a provider does not list are reported as not supported, with the reason. */
export const OPERATIONS: Readonly<Record<BenchOperation, OperationSpec>> = {
  sign: {
    opcode: 'PsaSignHash',
    workload: 'ECDSA P-256 with SHA-256 over a 32-byte hash',
    parsec: (ctx) =>
      withKeys(ctx, [SIGN_KEY], async ([k]) => async () => {
        await ctx.client.signHash(ctx.provider, k!, ECDSA, HASH32);
      }),
    node: () => {
      const { privateKey } = ecPair();
      return async () => void sign('sha256', HASH32, privateKey);
    },
  },
  verify: {
    opcode: 'PsaVerifyHash',
    workload: 'ECDSA P-256 with SHA-256 over a 32-byte hash',
    parsec: (ctx) =>
      withKeys(ctx, [SIGN_KEY], async ([k]) => {
        const signature = await ctx.client.signHash(ctx.provider, k!, ECDSA, HASH32);
        return async () => {
          await ctx.client.verifyHash(ctx.provider, k!, ECDSA, HASH32, signature);
        };
      }),
    node: () => {
      const { privateKey, publicKey } = ecPair();
      const signature = sign('sha256', HASH32, privateKey);
      return async () => {
        if (!verify('sha256', HASH32, publicKey, signature)) throw new Error('Node did not verify its own signature');
      };
    },
  },
  'asymmetric-encrypt': {
    opcode: 'PsaAsymmetricEncrypt',
    workload: 'RSA-2048 RSAES-PKCS1-v1_5 of 32 bytes',
    parsec: (ctx) =>
      withKeys(ctx, [RSA_CRYPT], async ([k]) => async () => {
        await ctx.client.asymmetricEncrypt(ctx.provider, k!, { alg: 'RsaPkcs1v15Crypt' }, HASH32);
      }),
    node: () => {
      const { publicKey } = rsaPair();
      return async () => void publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, HASH32);
    },
  },
  'asymmetric-decrypt': {
    opcode: 'PsaAsymmetricDecrypt',
    workload: 'RSA-2048 RSAES-PKCS1-v1_5 of 32 bytes',
    parsec: (ctx) =>
      withKeys(ctx, [RSA_CRYPT], async ([k]) => {
        const ciphertext = await ctx.client.asymmetricEncrypt(ctx.provider, k!, { alg: 'RsaPkcs1v15Crypt' }, HASH32);
        return async () => {
          await ctx.client.asymmetricDecrypt(ctx.provider, k!, { alg: 'RsaPkcs1v15Crypt' }, ciphertext);
        };
      }),
    node: () => {
      // Node 20 refuses PKCS#1 v1.5 private decryption (CVE-2023-46809): a raw RSA private operation, then unpadding.
      const { privateKey, publicKey } = rsaPair();
      const ciphertext = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, HASH32);
      return async () =>
        void pkcs1v15Unpad(privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ciphertext));
    },
  },
  generate: {
    opcode: 'PsaGenerateKey',
    workload: 'an ECC P-256 key pair (destroyed after each call, untimed)',
    parsec: async (ctx) => ({
      call: async () => {
        const name = ctx.keyName();
        await ctx.client.generateKey(ctx.provider, name, SIGN_KEY);
        return () => ctx.client.destroyKey(ctx.provider, name);
      },
      cleanup: nothingToClean,
    }),
    node: () => async () => void ecPair(),
  },
  import: {
    opcode: 'PsaImportKey',
    workload: 'an ECC P-256 public key, 65-byte point (destroyed after each call, untimed)',
    parsec: async (ctx) => {
      const source = await withKeys(ctx, [SIGN_KEY], async ([k]) => {
        const point = await ctx.client.exportPublicKey(ctx.provider, k!);
        return async () => {
          const name = ctx.keyName();
          await ctx.client.importKey(ctx.provider, name, P256_PUBLIC, point);
          return () => ctx.client.destroyKey(ctx.provider, name);
        };
      });
      return source;
    },
    node: () => {
      const spki = ecPair().publicKey.export({ format: 'der', type: 'spki' });
      return async () => void createPublicKey({ key: spki, format: 'der', type: 'spki' });
    },
  },
  'export-public': {
    opcode: 'PsaExportPublicKey',
    workload: 'the public part of an ECC P-256 key pair',
    parsec: (ctx) =>
      withKeys(ctx, [SIGN_KEY], async ([k]) => async () => {
        await ctx.client.exportPublicKey(ctx.provider, k!);
      }),
    node: () => {
      const { publicKey } = ecPair();
      return async () => void publicKey.export({ format: 'der', type: 'spki' });
    },
  },
  export: {
    opcode: 'PsaExportKey',
    workload: 'an exportable ECC P-256 key pair',
    parsec: (ctx) =>
      withKeys(ctx, [EXPORTABLE_KEY], async ([k]) => async () => {
        await ctx.client.exportKey(ctx.provider, k!);
      }),
    node: () => {
      const { privateKey } = ecPair();
      return async () => void privateKey.export({ format: 'der', type: 'pkcs8' });
    },
  },
  random: {
    opcode: 'PsaGenerateRandom',
    workload: '32 random bytes',
    parsec: async (ctx) => ({
      call: async () => void (await ctx.client.generateRandom(ctx.provider, 32)),
      cleanup: nothingToClean,
    }),
    node: () => async () => void randomBytes(32),
  },
  hash: {
    opcode: 'PsaHashCompute',
    workload: 'SHA-256 of 1 KiB',
    parsec: async (ctx) => ({
      call: async () => void (await ctx.client.hashCompute(ctx.provider, 'Sha256', MESSAGE_1K)),
      cleanup: nothingToClean,
    }),
    node: () => async () => void createHash('sha256').update(MESSAGE_1K).digest(),
  },
  mac: {
    opcode: 'PsaMacCompute',
    workload: 'HMAC-SHA-256 of 1 KiB',
    parsec: () => Promise.reject(new Error('PsaMacCompute is not served by the service')),
  },
  'aead-encrypt': {
    opcode: 'PsaAeadEncrypt',
    workload: 'AES-128-GCM of 64 bytes with 16 bytes of additional data',
    parsec: (ctx) =>
      withKeys(ctx, [AES_GCM], async ([k]) => async () => {
        await ctx.client.aeadEncrypt(ctx.provider, k!, { alg: 'Gcm' }, NONCE_12, AD_16, PLAINTEXT_64);
      }),
    node: () => {
      const key = randomBytes(16);
      return async () => {
        const c = createCipheriv('aes-128-gcm', key, NONCE_12).setAAD(AD_16);
        Buffer.concat([c.update(PLAINTEXT_64), c.final(), c.getAuthTag()]);
      };
    },
  },
  'aead-decrypt': {
    opcode: 'PsaAeadDecrypt',
    workload: 'AES-128-GCM of 64 bytes with 16 bytes of additional data',
    parsec: (ctx) =>
      withKeys(ctx, [AES_GCM], async ([k]) => {
        const sealed = await ctx.client.aeadEncrypt(ctx.provider, k!, { alg: 'Gcm' }, NONCE_12, AD_16, PLAINTEXT_64);
        return async () => {
          await ctx.client.aeadDecrypt(ctx.provider, k!, { alg: 'Gcm' }, NONCE_12, AD_16, sealed);
        };
      }),
    node: () => {
      const key = randomBytes(16);
      const c = createCipheriv('aes-128-gcm', key, NONCE_12).setAAD(AD_16);
      const body = Buffer.concat([c.update(PLAINTEXT_64), c.final()]);
      const tag = c.getAuthTag();
      return async () => {
        const d = createDecipheriv('aes-128-gcm', key, NONCE_12).setAAD(AD_16).setAuthTag(tag);
        Buffer.concat([d.update(body), d.final()]);
      };
    },
  },
  'key-agreement': {
    opcode: 'PsaRawKeyAgreement',
    workload: 'raw ECDH on P-256 with a peer public key (65-byte point)',
    parsec: (ctx) =>
      withKeys(ctx, [ECDH], async ([k]) => {
        const peer = ecPair().publicKey.export({ format: 'jwk' });
        const point = Buffer.concat([
          Buffer.of(4),
          Buffer.from(peer.x as string, 'base64url'),
          Buffer.from(peer.y as string, 'base64url'),
        ]);
        return async () => {
          await ctx.client.rawKeyAgreement(ctx.provider, 'Ecdh', k!, point);
        };
      }),
    node: () => {
      const mine = ecPair().privateKey;
      const peer = ecPair().publicKey;
      return async () => void diffieHellman({ privateKey: mine, publicKey: peer });
    },
  },
};
