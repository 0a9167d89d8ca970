import { createHash } from 'node:crypto';
import { parseTpmtPublic, TPM_ECC_CURVES, TpmAlg } from '../../harness/attestation';
import { eccSigningKey, rsaSigningKey } from '../../harness/capabilities';
import { defineSuite, expectStatus } from '../../harness/kit';
import { parseRsaPublicKey } from '../../harness/oracle/keys';
import type { PrepareKeyAttestationParams } from '../../harness/wire';

const RSA_KEY = rsaSigningKey(2048, { alg: 'RsaPkcs1v15Sign', hash: 'Sha256' });
const ECC_KEY = eccSigningKey('SecpR1', 256, { alg: 'Ecdsa', hash: 'Sha256' });
const activate = (attestedKeyName: string, attestingKeyName?: string): PrepareKeyAttestationParams => ({
  mechanism: 'ActivateCredential',
  attestedKeyName,
  ...(attestingKeyName === undefined ? {} : { attestingKeyName }),
});

defineSuite(
  {
    name: 'prepare-key-attestation',
    opcode: 'PrepareKeyAttestation',
    description: 'PrepareKeyAttestation gives the Name, public area and attesting key for TPM2_MakeCredential',
  },
  (s) => {
    s.eachProvider((c, provider) => {
      if (!provider.lists('PrepareKeyAttestation')) {
        const key = c.sharedKey('ecc', (client, name) => client.generateKey(provider.id, name, ECC_KEY));
        c.case('ActivateCredential parameters for an existing ECC P-256 key', async ({ client }) => {
          await expectStatus(client.prepareKeyAttestation(provider.id, activate(await key())), 'PsaErrorNotSupported');
        });
        return;
      }
      const rsa = c.sharedKey('rsa2048', (client, name) => client.generateKey(provider.id, name, RSA_KEY));
      const ecc = c.sharedKey('ecc-p256', (client, name) => client.generateKey(provider.id, name, ECC_KEY));
      const prepare = async (client: Parameters<Parameters<typeof c.case>[1]>[0]['client'], name: string) =>
        client.prepareKeyAttestation(provider.id, activate(name));

      for (const [label, key] of [
        ['RSA 2048', rsa],
        ['ECC P-256', ecc],
      ] as const) {
        c.case(`${label} key: name is nameAlg SHA-256 followed by SHA-256 of the public area`, async ({ client }) => {
          const out = await prepare(client, await key());
          const expected = Buffer.concat([Buffer.from([0x00, 0x0b]), createHash('sha256').update(out.public).digest()]);
          expect(out.name.toString('hex')).toBe(expected.toString('hex'));
        });
      }

      c.case('RSA 2048 key: public area is a TPMT_PUBLIC holding the exported modulus', async ({ client }) => {
        const name = await rsa();
        const out = await prepare(client, name);
        const area = parseTpmtPublic(out.public);
        const exported = parseRsaPublicKey(await client.exportPublicKey(provider.id, name));
        const n = Buffer.from(exported.key.export({ format: 'jwk' }).n as string, 'base64url');
        expect(area).toMatchObject({ type: 'rsa', nameAlg: TpmAlg.Sha256, keyBits: 2048 });
        if (area.type !== 'rsa') return;
        expect(area.modulus.toString('hex')).toBe(n.toString('hex'));
        // TPM exponent 0 means the default 65537.
        expect(area.exponent === 0 ? 65537n : BigInt(area.exponent)).toBe(exported.exponent);
        expect(area.scheme).toEqual({ scheme: TpmAlg.RsaSsa, hashAlg: TpmAlg.Sha256 });
      });

      c.case('ECC P-256 key: public area is a TPMT_PUBLIC holding the exported point', async ({ client }) => {
        const name = await ecc();
        const out = await prepare(client, name);
        const area = parseTpmtPublic(out.public);
        const point = await client.exportPublicKey(provider.id, name);
        expect(area).toMatchObject({ type: 'ecc', nameAlg: TpmAlg.Sha256, curveId: 0x0003 });
        if (area.type !== 'ecc') return;
        expect(TPM_ECC_CURVES[area.curveId]?.name).toBe('NIST P-256');
        expect(Buffer.concat([Buffer.from([4]), area.x, area.y]).toString('hex')).toBe(point.toString('hex'));
        expect(area.scheme).toEqual({ scheme: TpmAlg.Ecdsa, hashAlg: TpmAlg.Sha256 });
      });

      c.case(
        'default attesting key: a DER PKCS#1 RSA 2048 public key, the same for every attested key',
        async ({ client }) => {
          const fromRsa = await prepare(client, await rsa());
          const fromEcc = await prepare(client, await ecc());
          const ek = parseRsaPublicKey(fromRsa.attestingKeyPub);
          expect(ek.modulusBits).toBe(2048);
          expect(ek.exponent).toBe(65537n);
          expect(fromEcc.attestingKeyPub.toString('hex')).toBe(fromRsa.attestingKeyPub.toString('hex'));
        },
      );

      c.case('two requests for one key give the same name and public area', async ({ client }) => {
        const name = await ecc();
        const [a, b] = [await prepare(client, name), await prepare(client, name)];
        expect(b.name.toString('hex')).toBe(a.name.toString('hex'));
        expect(b.public.toString('hex')).toBe(a.public.toString('hex'));
      });

      c.case('an explicit attesting key name', async ({ client, keys }) => {
        // Reference activate_with_key: only the default (endorsement) attesting key is supported.
        await expectStatus(
          client.prepareKeyAttestation(provider.id, activate(await ecc(), keys.name('attesting'))),
          'PsaErrorNotSupported',
        );
      });

      c.case('a key name that does not exist', async ({ client, keys }) => {
        await expectStatus(prepare(client, keys.name('missing')), 'PsaErrorDoesNotExist');
      });

      c.case('a destroyed key', async ({ client, keys }) => {
        const name = await keys.generate(provider.id, ECC_KEY, 'destroyed');
        await client.destroyKey(provider.id, name);
        await expectStatus(prepare(client, name), 'PsaErrorDoesNotExist');
      });
    });
  },
);
