import { randomBytes, type KeyObject } from 'node:crypto';
import { ecdhAgreementKey, ecdhCurveProbe, rsaEncryptionKey, rsaEncryptionPublicKey } from '../capabilities';
import { aesExportableKey, eccKeyPair, rsaKeyPair, rsaPublicKey } from '../capabilities/catalogue/keys';
import { aesKey } from '../capabilities/catalogue/symmetric';
import { curveOf } from '../oracle/curves';
import {
  expectDigest,
  expectRandomLooking,
  expectSharedSecret,
  oracleSharedSecret,
} from '../oracle/digests-and-agreement';
import {
  aeadDecrypt,
  aeadEncrypt,
  aesCipherDecrypt,
  aesCipherEncrypt,
  expectRsaCiphertext,
  rsaEncrypt,
} from '../oracle/encryption';
import { oracleEcKeyPair, oracleRsaKeyPair, parseEcPublicKey, parseRsaPublicKey } from '../oracle/keys';
import { OracleError } from '../oracle/oracle-error';
import { checkEcdsaSignature, checkRsaSignature, digestOf } from '../oracle/signatures';
import {
  isServiceStatusError,
  type Aead,
  type AsymmetricEncryption,
  type AsymmetricSignature,
  type CheckType,
  type KeyAttributes,
  type OpcodeName,
  type ParsecClient,
} from '../wire';

/**
 * The operations a load run mixes, built per provider from what it offers (ListOpcodes and CanDoCrypto, discovered
 * once): signatures, verification, asymmetric and AEAD encryption, ciphers, hashes, random, key agreement, exports,
 * and, in the key-lifecycle category, generation, import and destruction. Every answer is checked independently
 * (harness/oracle, Node's crypto), or against a status that is fixed in advance. The MAC opcodes are never listed (the
 * service does not accept them, reference A5), so no MAC operation is built.
 */

/** A provider as the mix sees it: what the run's discovery said. */
export interface MixProvider {
  readonly id: number;
  /** 'mbed', 'pkcs11', 'tpm': prefixes the operation labels. */
  readonly key: string;
  lists(op: OpcodeName): boolean;
  can(checkType: CheckType, attributes: KeyAttributes): boolean;
}

/** Run-unique key names, and a record of every key that may exist so the caller destroys what is left. */
export interface MixKeys {
  name(tag: string): string;
  track(provider: number, name: string): string;
  /** The key is gone (destroyed by the mix itself): the caller need not try again. */
  forget?(provider: number, name: string): void;
}

/** 'use': requests on keys made once at setup; 'lifecycle': requests that create and destroy keys. */
export type OperationCategory = 'use' | 'lifecycle';
export const OPERATION_CATEGORIES: readonly OperationCategory[] = ['use', 'lifecycle'];

/** Times one request under a label (`PsaSignHash RSA 2048`): the driver keeps its latency. */
export type TimeRequest = <T>(label: string, call: () => Promise<T>) => Promise<T>;

export interface MixOperation {
  /** Stable, readable: '<provider> <what>'. */
  readonly name: string;
  readonly provider: string;
  readonly category: OperationCategory;
  /** Sends its request(s) and checks the answers; a wrong answer throws (OracleError or WrongAnswer). */
  run(time: TimeRequest): Promise<void>;
}

/** An answer that is not the one fixed in advance (a status where success was due, or the wrong status). */
export class WrongAnswer extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WrongAnswer';
  }
}

/** The request must be refused with exactly this status. */
async function expectRefused(call: Promise<unknown>, status: string, what: string): Promise<void> {
  try {
    await call;
  } catch (e) {
    if (isServiceStatusError(e) && e.statusName === status) return;
    if (isServiceStatusError(e)) throw new WrongAnswer(`${what}: expected ${status}, got ${e.statusName}`);
    throw e;
  }
  throw new WrongAnswer(`${what}: expected ${status}, got Success`);
}

function flipBit(b: Uint8Array): Buffer {
  const out = Buffer.from(b);
  out[out.length >> 1] = (out[out.length >> 1] as number) ^ 0x01;
  return out;
}

const P256 = curveOf('SecpR1', 256);
const RSA_SIGN_ALG: AsymmetricSignature = { alg: 'RsaPkcs1v15Sign', hash: 'Sha256' };
const ECDSA_ALG: AsymmetricSignature = { alg: 'Ecdsa', hash: 'Sha256' };
const ENCRYPTION_ALGS: readonly [string, AsymmetricEncryption][] = [
  ['PKCS#1 v1.5', { alg: 'RsaPkcs1v15Crypt' }],
  ['OAEP SHA-256', { alg: 'RsaOaep', hash: 'Sha256' }],
];
const GCM: Aead = { alg: 'Gcm' };

interface Builder {
  readonly client: ParsecClient;
  readonly p: MixProvider;
  readonly keys: MixKeys;
  readonly ops: MixOperation[];
}

function add(b: Builder, what: string, category: OperationCategory, run: MixOperation['run']): void {
  b.ops.push({ name: `${b.p.key} ${what}`, provider: b.p.key, category, run });
}

async function setupKey(b: Builder, tag: string, create: (name: string) => Promise<void>): Promise<string> {
  const name = b.keys.track(b.p.id, b.keys.name(tag));
  await create(name);
  return name;
}

async function signatures(b: Builder): Promise<void> {
  const { client, p } = b;
  if (!p.lists('PsaGenerateKey') || !p.lists('PsaExportPublicKey') || !p.lists('PsaSignHash')) return;
  const kinds: { what: string; attributes: KeyAttributes; alg: AsymmetricSignature; check: CheckSig }[] = [
    {
      what: 'RSA 2048 PKCS#1 v1.5 SHA-256',
      attributes: rsaKeyPair(2048),
      alg: RSA_SIGN_ALG,
      check: (der) => {
        const key = parseRsaPublicKey(der).key;
        return (m, s) => checkRsaSignature(key, 'pkcs1v15', 'Sha256', m, s);
      },
    },
    {
      what: 'ECDSA P-256 SHA-256',
      attributes: eccKeyPair(P256),
      alg: ECDSA_ALG,
      check: (point) => {
        const key = parseEcPublicKey(P256, point);
        return (m, s) => checkEcdsaSignature(P256, key, 'Sha256', m, s);
      },
    },
  ];
  for (const k of kinds) {
    if (!p.can('Generate', k.attributes)) continue;
    const name = await setupKey(b, 'load-sign', (n) => client.generateKey(p.id, n, k.attributes));
    const exported = await client.exportPublicKey(p.id, name);
    const verify = k.check(exported);
    // One signature the oracle has accepted: what VerifyHash must accept, and (one bit flipped) refuse.
    const message = randomBytes(32);
    const good = await client.signHash(p.id, name, k.alg, digestOf('Sha256', message));
    verify(message, good);
    add(b, `sign ${k.what}`, 'use', async (time) => {
      const m = randomBytes(32);
      verify(m, await time(`PsaSignHash ${k.what}`, () => client.signHash(p.id, name, k.alg, digestOf('Sha256', m))));
    });
    add(b, `export public key ${k.what}`, 'use', async (time) => {
      const got = await time(`PsaExportPublicKey ${k.what}`, () => client.exportPublicKey(p.id, name));
      if (!got.equals(exported))
        throw new WrongAnswer(`the ${k.what} public key exported differs from the first export`);
    });
    if (!p.lists('PsaVerifyHash')) continue;
    add(b, `verify ${k.what}`, 'use', async (time) => {
      await time(`PsaVerifyHash ${k.what}`, () =>
        client.verifyHash(p.id, name, k.alg, digestOf('Sha256', message), good),
      );
    });
    add(b, `verify a wrong ${k.what} signature`, 'use', async (time) => {
      await expectRefused(
        time(`PsaVerifyHash ${k.what} (wrong signature)`, () =>
          client.verifyHash(p.id, name, k.alg, digestOf('Sha256', message), flipBit(good)),
        ),
        'PsaErrorInvalidSignature',
        `VerifyHash of a ${k.what} signature with one bit flipped`,
      );
    });
  }
}

type CheckSig = (exported: Buffer) => (message: Uint8Array, signature: Uint8Array) => void;

async function asymmetricEncryption(b: Builder): Promise<void> {
  const { client, p } = b;
  if (!p.lists('PsaAsymmetricEncrypt') || !p.lists('PsaAsymmetricDecrypt')) return;
  const found = ENCRYPTION_ALGS.find(([, alg]) => p.can('Use', rsaEncryptionKey(2048, alg)));
  if (!found) return;
  const [what, alg] = found;
  const oracle = oracleRsaKeyPair(2048);
  // Decryption: the oracle encrypts to the service's key pair (the oracle's own, imported, where the provider imports
  // key pairs; else one the service generated, whose public half the oracle reads).
  let pairName: string | undefined;
  let pairPublic: KeyObject | undefined;
  if (p.lists('PsaImportKey') && p.can('Import', rsaEncryptionKey(2048, alg))) {
    pairName = await setupKey(b, 'load-dec', (n) =>
      client.importKey(p.id, n, rsaEncryptionKey(2048, alg), oracle.pkcs1Private),
    );
    pairPublic = oracle.publicKey;
  } else if (p.lists('PsaGenerateKey') && p.can('Generate', rsaEncryptionKey(2048, alg))) {
    pairName = await setupKey(b, 'load-dec', (n) => client.generateKey(p.id, n, rsaEncryptionKey(2048, alg)));
    pairPublic = parseRsaPublicKey(await client.exportPublicKey(p.id, pairName)).key;
  }
  if (pairName !== undefined && pairPublic !== undefined) {
    const [name, pub] = [pairName, pairPublic];
    add(b, `decrypt RSA 2048 ${what}`, 'use', async (time) => {
      const plain = randomBytes(32);
      const got = await time(`PsaAsymmetricDecrypt RSA 2048 ${what}`, () =>
        client.asymmetricDecrypt(p.id, name, alg, rsaEncrypt(pub, alg, plain)),
      );
      if (!got.equals(plain))
        throw new OracleError(
          `RSA 2048 ${what}: decrypted ${got.length} bytes that differ from the 32 the oracle encrypted`,
        );
    });
  }
  // Encryption: to the oracle's public key, imported; the oracle's private key opens the answer.
  if (p.lists('PsaImportKey') && p.can('Import', rsaEncryptionPublicKey(2048, alg))) {
    const name = await setupKey(b, 'load-enc', (n) =>
      client.importKey(p.id, n, rsaEncryptionPublicKey(2048, alg), oracle.pkcs1Public),
    );
    add(b, `encrypt RSA 2048 ${what}`, 'use', async (time) => {
      const plain = randomBytes(32);
      const got = await time(`PsaAsymmetricEncrypt RSA 2048 ${what}`, () =>
        client.asymmetricEncrypt(p.id, name, alg, plain),
      );
      expectRsaCiphertext(oracle.privateKey, alg, got, plain);
    });
  }
}

async function symmetric(b: Builder): Promise<void> {
  const { client, p } = b;
  if (!p.lists('PsaImportKey')) return;
  if (p.lists('PsaAeadEncrypt') && p.lists('PsaAeadDecrypt') && p.can('Import', aesKey(128, GCM))) {
    const key = randomBytes(16);
    const name = await setupKey(b, 'load-aead', (n) => client.importKey(p.id, n, aesKey(128, GCM), key));
    add(b, 'AEAD encrypt AES-128 GCM', 'use', async (time) => {
      const input = { alg: GCM, key, nonce: randomBytes(12), aad: randomBytes(8) };
      const plain = randomBytes(48);
      const got = await time('PsaAeadEncrypt AES-128 GCM', () =>
        client.aeadEncrypt(p.id, name, GCM, input.nonce, input.aad, plain),
      );
      const opened = aeadDecrypt(input, got);
      if (!opened.equals(plain)) throw new OracleError('AES-128 GCM: the ciphertext opens outside to other bytes');
    });
    add(b, 'AEAD decrypt AES-128 GCM', 'use', async (time) => {
      const input = { alg: GCM, key, nonce: randomBytes(12), aad: randomBytes(8) };
      const plain = randomBytes(48);
      const got = await time('PsaAeadDecrypt AES-128 GCM', () =>
        client.aeadDecrypt(p.id, name, GCM, input.nonce, input.aad, aeadEncrypt(input, plain)),
      );
      if (!got.equals(plain))
        throw new OracleError('AES-128 GCM: decrypted bytes differ from what the oracle encrypted');
    });
  }
  const cbc = aesKey(128, { alg: 'Cipher', cipher: 'CbcPkcs7' });
  if (p.lists('PsaCipherEncrypt') && p.lists('PsaCipherDecrypt') && p.can('Import', cbc)) {
    const key = randomBytes(16);
    const name = await setupKey(b, 'load-cbc', (n) => client.importKey(p.id, n, cbc, key));
    add(b, 'cipher encrypt AES-128 CBC PKCS#7', 'use', async (time) => {
      const plain = randomBytes(40);
      const got = await time('PsaCipherEncrypt AES-128 CBC PKCS#7', () =>
        client.cipherEncrypt(p.id, name, 'CbcPkcs7', plain),
      );
      if (!aesCipherDecrypt('CbcPkcs7', key, got).equals(plain))
        throw new OracleError('AES-128 CBC: the output decrypts outside to other bytes');
    });
    add(b, 'cipher decrypt AES-128 CBC PKCS#7', 'use', async (time) => {
      const plain = randomBytes(40);
      const got = await time('PsaCipherDecrypt AES-128 CBC PKCS#7', () =>
        client.cipherDecrypt(p.id, name, 'CbcPkcs7', aesCipherEncrypt('CbcPkcs7', key, randomBytes(16), plain)),
      );
      if (!got.equals(plain))
        throw new OracleError('AES-128 CBC: decrypted bytes differ from what the oracle encrypted');
    });
  }
  if (p.lists('PsaExportKey') && p.can('Import', aesExportableKey(128))) {
    const key = randomBytes(16);
    const name = await setupKey(b, 'load-export', (n) => client.importKey(p.id, n, aesExportableKey(128), key));
    add(b, 'export AES-128 key', 'use', async (time) => {
      const got = await time('PsaExportKey AES-128', () => client.exportKey(p.id, name));
      if (!got.equals(key))
        throw new WrongAnswer('ExportKey of an imported AES-128 key gave other bytes than were imported');
    });
  }
}

async function keyAgreement(b: Builder): Promise<void> {
  const { client, p } = b;
  if (!p.lists('PsaRawKeyAgreement') || !p.lists('PsaGenerateKey') || !p.lists('PsaExportPublicKey')) return;
  if (!p.can('Generate', ecdhCurveProbe('SecpR1', 256))) return;
  const name = await setupKey(b, 'load-ecdh', (n) => client.generateKey(p.id, n, ecdhAgreementKey('SecpR1', 256)));
  const parsecPublic = await client.exportPublicKey(p.id, name);
  const peers = Array.from({ length: 8 }, () => oracleEcKeyPair(P256));
  let next = 0;
  add(b, 'ECDH P-256', 'use', async (time) => {
    const peer = peers[(next += 1) % peers.length] as (typeof peers)[number];
    const got = await time('PsaRawKeyAgreement ECDH P-256', () =>
      client.rawKeyAgreement(p.id, 'Ecdh', name, peer.point),
    );
    expectSharedSecret(P256, oracleSharedSecret(P256, peer.privateKey, parsecPublic), got);
  });
}

function keyless(b: Builder): void {
  const { client, p } = b;
  if (p.lists('PsaGenerateRandom')) {
    add(b, 'random 32 bytes', 'use', async (time) => {
      expectRandomLooking(await time('PsaGenerateRandom 32 bytes', () => client.generateRandom(p.id, 32)), 32);
    });
  }
  if (p.lists('PsaHashCompute')) {
    add(b, 'hash SHA-256', 'use', async (time) => {
      const m = randomBytes(64);
      expectDigest('Sha256', m, await time('PsaHashCompute SHA-256', () => client.hashCompute(p.id, 'Sha256', m)));
    });
  }
  if (p.lists('PsaHashCompare')) {
    add(b, 'hash compare SHA-256', 'use', async (time) => {
      const m = randomBytes(64);
      await time('PsaHashCompare SHA-256', () => client.hashCompare(p.id, 'Sha256', m, digestOf('Sha256', m)));
    });
  }
  if (p.lists('PsaDestroyKey')) {
    add(b, 'destroy a key that does not exist', 'use', async (time) => {
      const name = b.keys.name('load-missing');
      await expectRefused(
        time('PsaDestroyKey (no such key)', () => client.destroyKey(p.id, name)),
        'PsaErrorDoesNotExist',
        'DestroyKey of a name never created',
      );
    });
  }
}

function lifecycle(b: Builder): void {
  const { client, p, keys } = b;
  if (!p.lists('PsaDestroyKey') || !p.lists('PsaExportPublicKey')) return;
  const destroy = async (time: TimeRequest, label: string, name: string): Promise<void> => {
    await time(`PsaDestroyKey ${label}`, () => client.destroyKey(p.id, name));
    keys.forget?.(p.id, name);
  };
  if (p.lists('PsaGenerateKey')) {
    const generated = [
      { what: 'P-256', attributes: eccKeyPair(P256), check: (e: Buffer) => parseEcPublicKey(P256, e) },
      { what: 'RSA 1024', attributes: rsaKeyPair(1024), check: (e: Buffer) => parseRsaPublicKey(e) },
    ].find((g) => p.can('Generate', g.attributes));
    if (generated) {
      add(b, `generate, export and destroy a ${generated.what} key`, 'lifecycle', async (time) => {
        const name = keys.track(p.id, keys.name('load-gen'));
        await time(`PsaGenerateKey ${generated.what}`, () => client.generateKey(p.id, name, generated.attributes));
        generated.check(await time(`PsaExportPublicKey ${generated.what}`, () => client.exportPublicKey(p.id, name)));
        await destroy(time, generated.what, name);
      });
    }
  }
  if (p.lists('PsaImportKey') && p.can('Import', rsaPublicKey(2048))) {
    const oracle = oracleRsaKeyPair(2048);
    add(b, 'import, export and destroy an RSA 2048 public key', 'lifecycle', async (time) => {
      const name = keys.track(p.id, keys.name('load-imp'));
      await time('PsaImportKey RSA 2048 public', () =>
        client.importKey(p.id, name, rsaPublicKey(2048), oracle.pkcs1Public),
      );
      const got = await time('PsaExportPublicKey RSA 2048 public', () => client.exportPublicKey(p.id, name));
      if (!got.equals(oracle.pkcs1Public))
        throw new WrongAnswer('the imported RSA 2048 public key exports as other bytes');
      await destroy(time, 'RSA 2048 public', name);
    });
  }
}

/**
 * Makes the provider's keys for the mix (tracked in `keys` before each request that may create one) and returns its
 * operations of the given categories. A request that fails here throws: a load run cannot start without its keys.
 */
export async function buildMix(
  client: ParsecClient,
  provider: MixProvider,
  keys: MixKeys,
  categories: readonly OperationCategory[] = OPERATION_CATEGORIES,
): Promise<MixOperation[]> {
  const b: Builder = { client, p: provider, keys, ops: [] };
  if (categories.includes('use')) {
    await signatures(b);
    await asymmetricEncryption(b);
    await symmetric(b);
    await keyAgreement(b);
    keyless(b);
  }
  if (categories.includes('lifecycle')) lifecycle(b);
  return b.ops;
}
