import {
  constants,
  createDecipheriv,
  createHash,
  diffieHellman,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  verify,
} from 'node:crypto';
import { AGREEMENT_SUBJECTS, type AgreementSubject } from '../../harness/capabilities/catalogue/can-do';
import {
  defineSuite,
  expectStatus,
  slowGenerationOf,
  slugify,
  type ProviderCaseCtx,
  type ProviderCtx,
} from '../../harness/kit';
import { curveOf, type CurveSpec } from '../../harness/oracle/curves';
import { oracleEcKeyPair, oracleRsaKeyPair, parseEcPublicKey, parseRsaPublicKey } from '../../harness/oracle/keys';
import type { CheckType, EccFamily, Hash, KeyAttributes, ParsecClient } from '../../harness/wire';

// ------------------------------------------------------------------------------ reference templates (C2)

/** capability_discovery.rs: RSA 1024 key pair, PKCS#1 v1.5 SHA-256, no usage flag. */
const REF_RSA: KeyAttributes = {
  keyType: { type: 'RsaKeyPair' },
  keyBits: 1024,
  policy: { usage: {}, algorithm: { alg: 'RsaPkcs1v15Sign', hash: 'Sha256' } },
};
/** capability_discovery.rs: SECP R1 256 key pair, ECDSA SHA-256, no usage flag. */
const REF_ECC: KeyAttributes = {
  keyType: { type: 'EccKeyPair', curveFamily: 'SecpR1' },
  keyBits: 256,
  policy: { usage: {}, algorithm: { alg: 'Ecdsa', hash: 'Sha256' } },
};
const ECC_PUBLIC = { type: 'EccPublicKey', curveFamily: 'SecpR1' } as const;

const with_ = (
  base: KeyAttributes,
  change: Partial<KeyAttributes> & {
    usage?: KeyAttributes['policy']['usage'];
    algorithm?: KeyAttributes['policy']['algorithm'];
  },
): KeyAttributes => ({
  keyType: change.keyType ?? base.keyType,
  keyBits: change.keyBits ?? base.keyBits,
  policy: { usage: change.usage ?? base.policy.usage, algorithm: change.algorithm ?? base.policy.algorithm },
});

type ProviderSet = Readonly<Record<'mbed' | 'pkcs11' | 'tpm', boolean>>;
const ALL: ProviderSet = { mbed: true, pkcs11: true, tpm: true };
const MBED_ONLY: ProviderSet = { mbed: true, pkcs11: false, tpm: false };

/** ecc_curve_use_check: M supports these; P and T only SecpR1 256. */
const REF_CURVES: readonly [EccFamily, number, ProviderSet][] = [
  ['SecpR1', 256, ALL],
  ['SecpR1', 512, { mbed: false, pkcs11: false, tpm: false }],
  ['SecpK1', 256, MBED_ONLY],
  ['SecpK1', 512, { mbed: false, pkcs11: false, tpm: false }],
  ['SectK1', 409, MBED_ONLY],
  ['SectK1', 512, { mbed: false, pkcs11: false, tpm: false }],
  ['SectR1', 409, MBED_ONLY],
  ['SectR1', 512, { mbed: false, pkcs11: false, tpm: false }],
  ['BrainpoolPR1', 256, MBED_ONLY],
  ['BrainpoolPR1', 560, { mbed: false, pkcs11: false, tpm: false }],
  ['Frp', 256, { mbed: false, pkcs11: false, tpm: false }],
  ['Montgomery', 448, MBED_ONLY],
  ['Montgomery', 512, { mbed: false, pkcs11: false, tpm: false }],
];

/** hash_use_check: RSA PKCS#1 v1.5 signing policies a provider documents. */
const REF_HASHES: readonly [Hash, ProviderSet][] = [
  ['Ripemd160', MBED_ONLY],
  ['Sha224', { mbed: true, pkcs11: true, tpm: false }],
  ['Sha256', ALL],
  ['Sha384', ALL],
  ['Sha512', ALL],
  ['Sha512_224', MBED_ONLY],
  ['Sha512_256', MBED_ONLY],
  ['Sha3_224', MBED_ONLY],
  ['Sha3_256', { mbed: true, pkcs11: false, tpm: true }],
  ['Sha3_384', { mbed: true, pkcs11: false, tpm: true }],
  ['Sha3_512', { mbed: true, pkcs11: false, tpm: true }],
];

/** One documented CanDoCrypto answer: 'Success' or the status name. */
interface Documented {
  readonly title: string;
  readonly checkType: CheckType;
  readonly attributes: KeyAttributes;
  readonly answer: (provider: ProviderCtx) => 'Success' | 'PsaErrorNotSupported';
}
const yes = (): 'Success' => 'Success';
const no = (): 'PsaErrorNotSupported' => 'PsaErrorNotSupported';
const per = (set: ProviderSet) => (p: ProviderCtx) => (set[p.key] ? 'Success' : 'PsaErrorNotSupported');

const SIGN = { signHash: true };
const DOCUMENTED: readonly Documented[] = [
  // rsa_encrypt_use_check
  ...(
    [
      ['PKCS#1 v1.5', { alg: 'RsaPkcs1v15Crypt' }],
      ['OAEP SHA-256', { alg: 'RsaOaep', hash: 'Sha256' }],
    ] as const
  ).map(([name, algorithm]) => ({
    title: `Generate RSA 1024 key pair with ${name} encryption policy`,
    checkType: 'Generate' as const,
    attributes: with_(REF_RSA, { usage: { encrypt: true }, algorithm }),
    answer: yes,
  })),
  // ecc_curve_use_check
  ...REF_CURVES.map(([family, bits, set]) => ({
    title: `Generate ECC ${family} ${bits} key pair with ECDSA SHA-256 signing policy`,
    checkType: 'Generate' as const,
    attributes: with_(REF_ECC, { keyType: { type: 'EccKeyPair', curveFamily: family }, keyBits: bits, usage: SIGN }),
    answer: per(set),
  })),
  // hash_use_check
  ...REF_HASHES.map(([hash, set]) => ({
    title: `Generate RSA 1024 key pair with PKCS#1 v1.5 ${hash} signing policy`,
    checkType: 'Generate' as const,
    attributes: with_(REF_RSA, { usage: SIGN, algorithm: { alg: 'RsaPkcs1v15Sign', hash } }),
    answer: per(set),
  })),
  // derive_check
  {
    title: 'Derive check on an RSA 1024 key pair with the derive flag',
    checkType: 'Derive',
    attributes: with_(REF_RSA, { usage: { derive: true } }),
    answer: no,
  },
  {
    title: 'Derive check on an ECC SecpR1 256 key pair with the derive flag and ECDH',
    checkType: 'Derive',
    attributes: with_(REF_ECC, { usage: { derive: true }, algorithm: { alg: 'Ecdh' } }),
    answer: no,
  },
  // key_size_check
  {
    title: 'Use RSA 256 key pair for signing',
    checkType: 'Use',
    attributes: with_(REF_RSA, { keyBits: 256, usage: SIGN }),
    answer: no,
  },
  {
    title: 'Use RSA 2048 key pair for signing',
    checkType: 'Use',
    attributes: with_(REF_RSA, { keyBits: 2048, usage: SIGN }),
    answer: yes,
  },
  {
    title: 'Use ECC SecpR1 256 key pair for signing',
    checkType: 'Use',
    attributes: with_(REF_ECC, { usage: SIGN }),
    answer: yes,
  },
  {
    title: 'Use ECC SecpR1 1024 key pair for signing',
    checkType: 'Use',
    attributes: with_(REF_ECC, { keyBits: 1024, usage: SIGN }),
    answer: no,
  },
  // use_check
  {
    title: 'Use ECC SecpR1 256 key pair with all usage flags false',
    checkType: 'Use',
    attributes: REF_ECC,
    answer: no,
  },
  ...(['signHash', 'signMessage', 'verifyHash', 'verifyMessage', 'decrypt', 'encrypt'] as const).map((flag) => ({
    title: `Use ECC SecpR1 256 key pair with only the ${flag} flag`,
    checkType: 'Use' as const,
    attributes: with_(REF_ECC, { usage: { [flag]: true } }),
    answer: yes,
  })),
  {
    title: 'Use RSA 1024 key pair with the encrypt flag and algorithm None',
    checkType: 'Use',
    attributes: with_(REF_RSA, { usage: { encrypt: true }, algorithm: { alg: 'None' } }),
    answer: no,
  },
  {
    title: 'Use RSA 1024 key pair with an ECDSA SHA-256 policy',
    checkType: 'Use',
    attributes: with_(REF_RSA, { usage: { encrypt: true }, algorithm: { alg: 'Ecdsa', hash: 'Sha256' } }),
    answer: no,
  },
  // generate_check
  {
    title: 'Generate ECC SecpR1 256 public key',
    checkType: 'Generate',
    attributes: with_(REF_ECC, { keyType: ECC_PUBLIC, usage: { encrypt: true } }),
    answer: no,
  },
  {
    title: 'Generate ECC SecpR1 256 key pair with the encrypt flag',
    checkType: 'Generate',
    attributes: with_(REF_ECC, { usage: { encrypt: true } }),
    answer: yes,
  },
  {
    title: 'Generate ECC SecpR1 256 key pair with algorithm None',
    checkType: 'Generate',
    attributes: with_(REF_ECC, { usage: { encrypt: true }, algorithm: { alg: 'None' } }),
    answer: yes,
  },
  {
    title: 'Generate ECC SecpR1 1024 key pair with algorithm None',
    checkType: 'Generate',
    attributes: with_(REF_ECC, { keyBits: 1024, usage: { encrypt: true }, algorithm: { alg: 'None' } }),
    answer: no,
  },
  // import_check
  {
    title: 'Import ECC SecpR1 256 key pair',
    checkType: 'Import',
    attributes: with_(REF_ECC, { usage: { encrypt: true } }),
    answer: per(MBED_ONLY),
  },
  {
    title: 'Import ECC SecpR1 256 public key',
    checkType: 'Import',
    attributes: with_(REF_ECC, { keyType: ECC_PUBLIC, usage: { encrypt: true } }),
    answer: yes,
  },
  {
    title: 'Import ECC SecpR1 256 public key with algorithm None',
    checkType: 'Import',
    attributes: with_(REF_ECC, { keyType: ECC_PUBLIC, usage: { encrypt: true }, algorithm: { alg: 'None' } }),
    answer: yes,
  },
];

// ------------------------------------------------------------------------------------- agreement helpers

const MESSAGE = Buffer.from('CanDoCrypto said yes, so this must work');

/** Key material the oracle makes for an import of these attributes, with what it needs to check the key's use. */
function importMaterial(a: KeyAttributes): { data: Buffer; oracle: OracleSide } {
  const t = a.keyType;
  if (t.type === 'RsaKeyPair' || t.type === 'RsaPublicKey') {
    const pair = oracleRsaKeyPair(a.keyBits);
    return { data: t.type === 'RsaKeyPair' ? pair.pkcs1Private : pair.pkcs1Public, oracle: { rsa: pair } };
  }
  if (t.type === 'EccKeyPair' || t.type === 'EccPublicKey') {
    const pair = oracleEcKeyPair(curveOf(t.curveFamily, a.keyBits));
    return { data: t.type === 'EccKeyPair' ? pair.scalar : pair.point, oracle: { ec: pair } };
  }
  if (t.type === 'Aes') {
    const key = randomBytes(a.keyBits / 8);
    return { data: key, oracle: { aes: key } };
  }
  throw new Error(`no oracle key material for ${t.type}`);
}
type OracleSide = {
  rsa?: ReturnType<typeof oracleRsaKeyPair>;
  ec?: ReturnType<typeof oracleEcKeyPair>;
  aes?: Buffer;
};

/** A key for the Use check: the shared generated one when discovery said Generate works, else imported, else none. */
async function keyForUse(
  t: ProviderCaseCtx,
  s: AgreementSubject,
  generated: () => Promise<string>,
): Promise<{ name: string; oracle: OracleSide } | undefined> {
  if (t.provider.answered('Generate', s.attributes) === 'Success') return { name: await generated(), oracle: {} };
  if (t.provider.answered('Import', s.attributes) === 'Success') {
    const m = importMaterial(s.attributes);
    return { name: await t.keys.import(t.provider.id, s.attributes, m.data, 'use'), oracle: m.oracle };
  }
  return undefined;
}

/** Does the one thing the policy allows and checks the result with Node's crypto. */
async function useKey(
  client: ParsecClient,
  provider: number,
  a: KeyAttributes,
  name: string,
  oracle: OracleSide,
): Promise<void> {
  const alg = a.policy.algorithm;
  const digest = createHash('sha256').update(MESSAGE).digest();
  if (alg.alg === 'RsaPkcs1v15Sign' || alg.alg === 'Ecdsa') {
    const signature = await client.signHash(provider, name, alg, digest);
    const exported = await client.exportPublicKey(provider, name);
    const key =
      alg.alg === 'Ecdsa' && a.keyType.type === 'EccKeyPair'
        ? parseEcPublicKey(curveOf(a.keyType.curveFamily, a.keyBits), exported)
        : parseRsaPublicKey(exported).key;
    const ok = verify('sha256', MESSAGE, alg.alg === 'Ecdsa' ? { key, dsaEncoding: 'ieee-p1363' } : key, signature);
    expect({ signatureVerifiesWithOracle: ok }).toEqual({ signatureVerifiesWithOracle: true });
    return;
  }
  if (alg.alg === 'RsaPkcs1v15Crypt' || alg.alg === 'RsaOaep') {
    const pub = parseRsaPublicKey(await client.exportPublicKey(provider, name)).key;
    const padding =
      alg.alg === 'RsaOaep'
        ? { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }
        : { padding: constants.RSA_PKCS1_PADDING };
    const ciphertext = publicEncrypt({ key: pub, ...padding }, MESSAGE);
    const plaintext = await client.asymmetricDecrypt(provider, name, alg, ciphertext);
    expect(plaintext.toString('hex')).toBe(MESSAGE.toString('hex'));
    const fromService = await client.asymmetricEncrypt(provider, name, alg, MESSAGE);
    if (oracle.rsa) {
      expect(privateDecrypt({ key: oracle.rsa.privateKey, ...padding }, fromService).toString('hex')).toBe(
        MESSAGE.toString('hex'),
      );
    } else {
      expect((await client.asymmetricDecrypt(provider, name, alg, fromService)).toString('hex')).toBe(
        MESSAGE.toString('hex'),
      );
    }
    return;
  }
  if (alg.alg === 'Ecdh' && a.keyType.type === 'EccKeyPair') {
    const curve: CurveSpec = curveOf(a.keyType.curveFamily, a.keyBits);
    const peer = oracleEcKeyPair(curve);
    const secret = await client.rawKeyAgreement(provider, 'Ecdh', name, peer.point);
    const mine = parseEcPublicKey(curve, await client.exportPublicKey(provider, name));
    expect(secret.toString('hex')).toBe(
      diffieHellman({ privateKey: peer.privateKey, publicKey: mine }).toString('hex'),
    );
    return;
  }
  if ((alg.alg === 'Gcm' || alg.alg === 'Ccm') && a.keyType.type === 'Aes') {
    const nonce = randomBytes(alg.alg === 'Gcm' ? 12 : 13);
    const aad = Buffer.from('aad');
    const ciphertext = await client.aeadEncrypt(provider, name, alg, nonce, aad, MESSAGE);
    if (oracle.aes) {
      const mode = `aes-${a.keyBits}-${alg.alg.toLowerCase()}` as 'aes-128-gcm';
      const decipher = createDecipheriv(mode, oracle.aes, nonce, { authTagLength: 16 });
      decipher.setAAD(aad, { plaintextLength: MESSAGE.length });
      decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
      const plain = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
      expect(plain.toString('hex')).toBe(MESSAGE.toString('hex'));
    }
    const back = await client.aeadDecrypt(provider, name, alg, nonce, aad, ciphertext);
    expect(back.toString('hex')).toBe(MESSAGE.toString('hex'));
    return;
  }
  throw new Error(`no use check for ${alg.alg} on ${a.keyType.type}`);
}

defineSuite(
  {
    name: 'can-do-crypto',
    opcode: 'CanDoCrypto',
    description: 'CanDoCrypto answers as documented and agrees with what the operations then do',
  },
  (s) => {
    s.eachProvider((c, provider) => {
      if (!provider.lists('CanDoCrypto')) {
        c.case('Use ECC SecpR1 256 key pair for signing', async ({ client }) => {
          await expectStatus(
            client.canDoCrypto(provider.id, 'Use', with_(REF_ECC, { usage: SIGN })),
            'PsaErrorNotSupported',
          );
        });
        return;
      }

      for (const d of DOCUMENTED) {
        c.case(d.title, async ({ client }) => {
          const documented = d.answer(provider);
          // A token of the user's that lacks a mechanism the question needs makes it not supported.
          const expected =
            documented === 'Success' && provider.tokenLacks(d.checkType, d.attributes) !== undefined
              ? 'PsaErrorNotSupported'
              : documented;
          if (expected === 'Success') await client.canDoCrypto(provider.id, d.checkType, d.attributes);
          else await expectStatus(client.canDoCrypto(provider.id, d.checkType, d.attributes), expected);
        });
      }

      c.case('without authentication', async ({ client }) => {
        await expectStatus(
          client.withAuth('none').canDoCrypto(provider.id, 'Use', with_(REF_ECC, { usage: SIGN })),
          'NotAuthenticated',
        );
      });

      c.case('Generate ECC SecpR1 key pair with keyBits 0', async ({ client }) => {
        // A key to generate needs a size: PSA psa_generate_key refuses an unspecified size.
        await expectStatus(
          client.canDoCrypto(provider.id, 'Generate', with_(REF_ECC, { keyBits: 0, usage: SIGN })),
          'PsaErrorNotSupported',
        );
      });

      c.case(
        'Generate ECC SecpR1 key pair with keyBits 0: answer agrees with PsaGenerateKey',
        async ({ client, keys }) => {
          const a = with_(REF_ECC, { keyBits: 0, usage: SIGN });
          let answer = 'Success';
          try {
            await client.canDoCrypto(provider.id, 'Generate', a);
          } catch (e) {
            answer = (e as { statusName?: string }).statusName ?? String(e);
          }
          const name = keys.track(provider.id, keys.name('bits0'));
          if (answer === 'Success') await client.generateKey(provider.id, name, a);
          else await expectStatus(client.generateKey(provider.id, name, a), 'PsaErrorNotSupported');
        },
        { opcode: 'PsaGenerateKey' },
      );

      for (const subject of AGREEMENT_SUBJECTS) {
        const a = subject.attributes;
        // Generated once per provider (RSA 2048 is slow): the Generate case creates it, the Use case uses it.
        const generated = c.sharedKey(slugify(subject.label), (client, name) =>
          client.generateKey(provider.id, name, a),
        );
        if (subject.checks.includes('Generate')) {
          c.case(
            `${subject.label}: Generate answer agrees with PsaGenerateKey`,
            async ({ client, keys }) => {
              const answer = provider.answered('Generate', a);
              const name = keys.track(provider.id, keys.name('gen'));
              if (answer === 'Success') {
                await generated();
              } else {
                await expectStatus(client.generateKey(provider.id, name, a), 'PsaErrorNotSupported');
              }
            },
            { opcode: 'PsaGenerateKey', timeoutMs: 30_000, ...slowGenerationOf(a) },
          );
        }
        if (subject.checks.includes('Import')) {
          c.case(
            `${subject.label}: Import answer agrees with PsaImportKey of oracle-made material`,
            async ({ client, keys }) => {
              const answer = provider.answered('Import', a);
              const { data } = importMaterial(a);
              const name = keys.track(provider.id, keys.name('imp'));
              if (answer === 'Success') {
                await client.importKey(provider.id, name, a, data);
                await client.destroyKey(provider.id, name);
              } else {
                await expectStatus(client.importKey(provider.id, name, a, data), 'PsaErrorNotSupported');
              }
            },
            { opcode: 'PsaImportKey' },
          );
        }
        if (subject.checks.includes('Use')) {
          c.case(
            `${subject.label}: Use answer agrees with the operation`,
            async (t) => {
              const answer = provider.answered('Use', a);
              const key = await keyForUse(t, subject, generated);
              if (answer === 'Success') {
                if (!key)
                  throw new Error(
                    `CanDoCrypto(Use) says Success but the provider can neither generate nor import the key (Generate: ${provider.answered('Generate', a)}, Import: ${provider.answered('Import', a)})`,
                  );
                await useKey(t.client, provider.id, a, key.name, key.oracle);
              } else if (key) {
                // The provider holds such a key although it says it cannot use it: the use must be refused.
                await expectStatus(useKey(t.client, provider.id, a, key.name, key.oracle), 'PsaErrorNotSupported');
              } else {
                expect({ generate: provider.answered('Generate', a), import: provider.answered('Import', a) }).toEqual({
                  generate: 'PsaErrorNotSupported',
                  import: 'PsaErrorNotSupported',
                });
              }
            },
            { timeoutMs: 30_000, ...slowGenerationOf(a) },
          );
        }
      }
    });
  },
);
