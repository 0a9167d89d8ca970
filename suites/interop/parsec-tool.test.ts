import { constants, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { defineSuite, type CaseCtx, type ProviderCtx } from '../../harness/kit';
import { runOk, type ParsecTool } from '../../harness/interop';
import { rsaEncryptionKey, rsaSigningKey } from '../../harness/capabilities';
import { parseAndVerifyCsr, spkiOf } from '../../harness/oracle/csr';
import { curveOf } from '../../harness/oracle/curves';
import { parseEcPublicKey, parseRsaPublicKey } from '../../harness/oracle/keys';
import { checkRsaSignature } from '../../harness/oracle/signatures';
import type { AsymmetricEncryption, AsymmetricSignature, KeyAttributes } from '../../harness/wire';
import {
  base64Output,
  ecdsaDerToRaw,
  expectDerEcdsaSha256,
  listedEntries,
  listedNames,
  listedOpcodes,
  parsecToolFor,
  pemPublicKey,
  sha256,
} from '../../fixtures/interop/parsec-tool';

const P256 = curveOf('SecpR1', 256);
const ECDSA_SHA256: AsymmetricSignature = { alg: 'Ecdsa', hash: 'Sha256' };
const RSA_PKCS1_SHA256: AsymmetricSignature = { alg: 'RsaPkcs1v15Sign', hash: 'Sha256' };
const PKCS1: AsymmetricEncryption = { alg: 'RsaPkcs1v15Crypt' };
const OAEP_SHA256: AsymmetricEncryption = { alg: 'RsaOaep', hash: 'Sha256' };
const ECC_P256_SIGN: KeyAttributes = {
  keyType: { type: 'EccKeyPair', curveFamily: 'SecpR1' },
  keyBits: 256,
  policy: { usage: { signHash: true, verifyHash: true }, algorithm: ECDSA_SHA256 },
};
const RSA_2048_SIGN = rsaSigningKey(2048, RSA_PKCS1_SHA256);

/** The key kinds parsec-tool makes and signs with: its command and flags, and how the harness checks them. */
const SIGNING_KINDS = [
  { label: 'ECC P-256 ECDSA SHA-256', create: ['create-ecc-key'], attributes: ECC_P256_SIGN, alg: ECDSA_SHA256 },
  {
    label: 'RSA 2048 PKCS#1 v1.5 SHA-256',
    create: ['create-rsa-key', '-s'],
    attributes: RSA_2048_SIGN,
    alg: RSA_PKCS1_SHA256,
  },
] as const;
type SigningKind = (typeof SIGNING_KINDS)[number];

const ENCRYPTION_KINDS = [
  { label: 'RSA 2048 PKCS#1 v1.5', create: ['create-rsa-key'], alg: PKCS1, padding: constants.RSA_PKCS1_PADDING },
  {
    label: 'RSA 2048 OAEP SHA-256',
    create: ['create-rsa-key', '-o'],
    alg: OAEP_SHA256,
    padding: constants.RSA_PKCS1_OAEP_PADDING,
  },
] as const;

/** The harness's export of a key, as a Node public key (the oracle parses Parsec's formats). */
async function harnessPublicKey(ctx: CaseCtx, provider: number, name: string, ecc: boolean): Promise<KeyObject> {
  const data = await ctx.client.exportPublicKey(provider, name);
  return ecc ? parseEcPublicKey(P256, data) : parseRsaPublicKey(data).key;
}

/** Checks a signature parsec-tool made over `message` with the oracle and with the service's VerifyHash. */
async function checkToolSignature(
  ctx: CaseCtx,
  provider: ProviderCtx,
  name: string,
  kind: SigningKind,
  message: Buffer,
  signature: Buffer,
): Promise<void> {
  const ecc = kind.alg.alg === 'Ecdsa';
  const publicKey = await harnessPublicKey(ctx, provider.id, name, ecc);
  if (ecc) {
    expectDerEcdsaSha256(publicKey, message, signature);
    await ctx.client.verifyHash(
      provider.id,
      name,
      kind.alg,
      sha256(message),
      ecdsaDerToRaw(signature, P256.coordBytes),
    );
  } else {
    checkRsaSignature(publicKey, 'pkcs1v15', 'Sha256', message, signature);
    await ctx.client.verifyHash(provider.id, name, kind.alg, sha256(message), signature);
  }
}

/** parsec-tool's arguments for one provider: `-p <id>` first. */
const on = (provider: ProviderCtx, ...args: string[]): string[] => ['-p', String(provider.id), ...args];

defineSuite(
  {
    name: 'parsec-tool',
    opcode: 'PsaSignHash',
    description:
      "Parsec's own client (Debian's parsec-tool) and the harness's client share keys, signatures and ciphertexts",
  },
  (s) => {
    const { tool, unavailable } = parsecToolFor(s.context);
    const skip = unavailable ? { skip: unavailable } : {};
    const withTool = async (fn: (t: ParsecTool) => Promise<void>): Promise<void> => fn(await tool());

    s.core((c) => {
      c.case(
        'parsec-tool ping reports wire protocol 1.0',
        () => withTool(async (t) => expect((await runOk(t, ['ping'])).trim()).toBe('1.0')),
        { ...skip, opcode: 'Ping' },
      );
      c.case(
        'parsec-tool list-providers names the providers the harness discovered, in order, with versions and UUIDs',
        ({ context }) =>
          withTool(async (t) => {
            expect(listedEntries(await runOk(t, ['list-providers']))).toEqual(
              context.providers.map((p) => ({ id: p.id, version: p.version, uuid: p.uuid })),
            );
          }),
        { ...skip, opcode: 'ListProviders' },
      );
      c.case(
        'parsec-tool list-authenticators names the authenticators the harness discovered',
        ({ context }) =>
          withTool(async (t) => {
            const listed = listedEntries(await runOk(t, ['list-authenticators']));
            expect(listed.map((a) => a.id)).toEqual(context.authenticators.map((a) => a.id));
          }),
        { ...skip, opcode: 'ListAuthenticators' },
      );
    });

    s.eachProvider((c, provider) => {
      const signing = [
        'PsaGenerateKey',
        'PsaSignHash',
        'PsaVerifyHash',
        'PsaExportPublicKey',
        'PsaDestroyKey',
      ] as const;
      const crypting = [
        'PsaGenerateKey',
        'PsaAsymmetricEncrypt',
        'PsaAsymmetricDecrypt',
        'PsaExportPublicKey',
        'PsaDestroyKey',
      ] as const;

      c.case(
        'parsec-tool list-opcodes lists what ListOpcodes told the harness',
        ({ context }) =>
          withTool(async (t) => {
            const listed = listedOpcodes(await runOk(t, on(provider, 'list-opcodes')));
            expect(listed).toEqual([...(context.opcodes[provider.id] ?? [])].sort((a, b) => a - b));
          }),
        { ...skip, opcode: 'ListOpcodes' },
      );

      for (const kind of SIGNING_KINDS) {
        c.case(
          `${kind.label}: a key parsec-tool makes is listed by the harness with its attributes, and the harness destroys it`,
          (ctx) =>
            withTool(async (t) => {
              const name = ctx.keys.track(provider.id, ctx.keys.name('tool'));
              await runOk(t, on(provider, ...kind.create, '-k', name));
              const listed = (await ctx.client.listKeys()).filter((k) => k.name === name);
              expect(listed.map((k) => k.providerId)).toEqual([provider.id]);
              const attrs = listed[0]?.attributes;
              expect(attrs?.keyType).toEqual(kind.attributes.keyType);
              expect(attrs?.keyBits).toBe(kind.attributes.keyBits);
              expect(attrs?.policy.algorithm).toEqual(kind.alg);
              ctx.observe({ toolKeyUsage: attrs?.policy.usage });
              await ctx.client.destroyKey(provider.id, name);
              expect(listedNames(await runOk(t, on(provider, 'list-keys')))).not.toContain(name);
            }),
          { ...skip, requires: signing, opcode: 'PsaGenerateKey' },
        );

        c.case(
          `${kind.label}: a signature parsec-tool makes verifies with the harness and with the oracle`,
          (ctx) =>
            withTool(async (t) => {
              const name = ctx.keys.track(provider.id, ctx.keys.name('tool'));
              await runOk(t, on(provider, ...kind.create, '-k', name));
              const message = Buffer.from(`interop ${randomBytes(8).toString('hex')}`);
              const signature = base64Output(
                await runOk(t, on(provider, 'sign', '-k', name, message.toString())),
                'sign',
              );
              await checkToolSignature(ctx, provider, name, kind, message, signature);
              await runOk(t, on(provider, 'delete-key', '-k', name));
            }),
          { ...skip, requires: signing, opcode: 'PsaSignHash' },
        );

        c.case(
          `${kind.label}: a key the harness makes is listed, signs and is destroyed through parsec-tool`,
          (ctx) =>
            withTool(async (t) => {
              const name = await ctx.keys.generate(provider.id, kind.attributes, 'harness');
              expect(listedNames(await runOk(t, on(provider, 'list-keys')))).toContain(name);
              const message = Buffer.from(`interop ${randomBytes(8).toString('hex')}`);
              const signature = base64Output(
                await runOk(t, on(provider, 'sign', '-k', name, message.toString())),
                'sign',
              );
              await checkToolSignature(ctx, provider, name, kind, message, signature);
              await runOk(t, on(provider, 'delete-key', '-k', name));
              expect((await ctx.client.listKeys()).filter((k) => k.name === name)).toEqual([]);
            }),
          { ...skip, requires: signing, opcode: 'PsaDestroyKey' },
        );

        c.case(
          `${kind.label}: the public key parsec-tool exports is the one the harness exports`,
          (ctx) =>
            withTool(async (t) => {
              const name = await ctx.keys.generate(provider.id, kind.attributes, 'harness');
              const fromTool = pemPublicKey(await runOk(t, on(provider, 'export-public-key', '-k', name)));
              const fromHarness = await harnessPublicKey(ctx, provider.id, name, kind.alg.alg === 'Ecdsa');
              expect(spkiOf(fromTool).toString('hex')).toBe(spkiOf(fromHarness).toString('hex'));
              if (kind.alg.alg !== 'Ecdsa') {
                const pkcs1 = await runOk(t, on(provider, 'export-public-key', '--pkcs1', '-k', name));
                expect(pkcs1).toMatch(/-----BEGIN RSA PUBLIC KEY-----/);
                expect(spkiOf(pemPublicKey(pkcs1)).toString('hex')).toBe(spkiOf(fromHarness).toString('hex'));
              }
            }),
          { ...skip, requires: signing, opcode: 'PsaExportPublicKey' },
        );

        c.case(
          `${kind.label}: the CSR parsec-tool makes carries the key's public key and subject and its self-signature verifies`,
          (ctx) =>
            withTool(async (t) => {
              const name = await ctx.keys.generate(provider.id, kind.attributes, 'harness');
              const csr = parseAndVerifyCsr(
                await runOk(
                  t,
                  on(provider, 'create-csr', '-k', name, '--cn', 'interop.example', '--o', 'Parsec Conformance'),
                ),
              );
              expect(csr.subject).toEqual({ CN: 'interop.example', O: 'Parsec Conformance' });
              const fromHarness = await harnessPublicKey(ctx, provider.id, name, kind.alg.alg === 'Ecdsa');
              expect(csr.spki.toString('hex')).toBe(spkiOf(fromHarness).toString('hex'));
              ctx.observe({ csrSignatureAlgorithm: csr.signatureAlgorithm });
            }),
          { ...skip, requires: signing, opcode: 'PsaSignHash' },
        );
      }

      for (const kind of ENCRYPTION_KINDS) {
        const keyAttributes = rsaEncryptionKey(2048, kind.alg);
        c.case(
          `${kind.label}: a ciphertext parsec-tool makes decrypts with the harness`,
          (ctx) =>
            withTool(async (t) => {
              const name = ctx.keys.track(provider.id, ctx.keys.name('tool'));
              await runOk(t, on(provider, ...kind.create, '-k', name));
              const listed = (await ctx.client.listKeys()).find((k) => k.name === name);
              expect(listed?.attributes.policy.algorithm).toEqual(kind.alg);
              const plaintext = `interop ${randomBytes(8).toString('hex')}`;
              const ciphertext = base64Output(
                await runOk(t, on(provider, 'encrypt', '-k', name, plaintext)),
                'encrypt',
              );
              expect(ciphertext.length).toBe(256);
              const opened = await ctx.client.asymmetricDecrypt(provider.id, name, kind.alg, ciphertext);
              expect(opened.toString()).toBe(plaintext);
            }),
          { ...skip, requires: crypting, opcode: 'PsaAsymmetricEncrypt' },
        );

        c.case(
          `${kind.label}: a ciphertext the harness makes decrypts with parsec-tool`,
          (ctx) =>
            withTool(async (t) => {
              const name = await ctx.keys.generate(provider.id, keyAttributes, 'harness');
              const plaintext = `harness ${randomBytes(8).toString('hex')}`;
              const ct = await ctx.client.asymmetricEncrypt(provider.id, name, kind.alg, Buffer.from(plaintext));
              const opened = await runOk(t, on(provider, 'decrypt', '-k', name, ct.toString('base64')));
              expect(opened.trim()).toBe(plaintext);
            }),
          { ...skip, requires: crypting, opcode: 'PsaAsymmetricDecrypt' },
        );

        c.case(
          `${kind.label}: a ciphertext the oracle makes with the exported public key decrypts with parsec-tool`,
          (ctx) =>
            withTool(async (t) => {
              const name = await ctx.keys.generate(provider.id, keyAttributes, 'harness');
              const publicKey = parseRsaPublicKey(await ctx.client.exportPublicKey(provider.id, name)).key;
              const plaintext = `oracle ${randomBytes(8).toString('hex')}`;
              const ct = publicEncrypt(
                { key: publicKey, padding: kind.padding, oaepHash: 'sha256' },
                Buffer.from(plaintext),
              );
              const opened = await runOk(t, on(provider, 'decrypt', '-k', name, ct.toString('base64')));
              expect(opened.trim()).toBe(plaintext);
            }),
          { ...skip, requires: crypting, opcode: 'PsaAsymmetricDecrypt' },
        );
      }
    });
  },
);
