import { createPrivateKey } from 'node:crypto';
import { ecdhAgreementKey, ecdhCurveProbe, eccSigningKey } from '../../harness/capabilities';
import { defineSuite, expectStatus, type KeyTracker, type ProviderCtx } from '../../harness/kit';
import { curveOf, type CurveSpec } from '../../harness/oracle/curves';
import { octets, oid, seq, integer } from '../../harness/oracle/der';
import {
  expectSharedSecret,
  oraclePublicPoint,
  oracleScalarSharedSecret,
  oracleSharedSecret,
} from '../../harness/oracle/digests-and-agreement';
import { oracleEcKeyPair } from '../../harness/oracle/keys';
import { ServiceStatusError, type ParsecClient } from '../../harness/wire';

/** The curves PSA names for ECDH that the oracle can check (reference part C covers SecpR1 256 and Brainpool 256). */
const ECDH_CURVES: readonly CurveSpec[] = [
  curveOf('SecpR1', 256),
  curveOf('SecpR1', 384),
  curveOf('SecpR1', 521),
  curveOf('SecpK1', 256),
  curveOf('BrainpoolPR1', 256),
  curveOf('BrainpoolPR1', 384),
  curveOf('BrainpoolPR1', 512),
  curveOf('Montgomery', 255),
  curveOf('Montgomery', 448),
];

const label = (c: CurveSpec): string => `${c.family} ${c.bits}`;

/**
 * Fixed private scalars for the known-answer cases (the same value for every Weierstrass curve, below each order).
 * X25519/X448 scalars are the private keys of RFC 7748 section 6; the expected secrets come from Node's crypto.
 */
const KAT_SCALAR = Buffer.from('c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433', 'hex');
const KAT_PEER_SCALAR = Buffer.from('c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53', 'hex');
const X25519_SCALARS = [
  '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a',
  '5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb',
];
const X448_SCALARS = [
  '9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28dd9c9baf574a9419744897391006382a6f127ab1d9ac2d8c0a598726b',
  '1c306a7ac2a0e2e0990b294470cba339e6453772b075811d8fad0d1d6927c120bb5ee8972b0d3e21374c9c921b09d1b0366f10b65173992d',
];

/** A valid private scalar of the curve, curve-size bytes, derived from a fixed value. */
function weierstrassScalar(curve: CurveSpec, s: Buffer): Buffer {
  // Reduced into [1, n-1]: the value is above the Brainpool 256 order as it stands.
  const v = (BigInt(`0x${s.toString('hex')}`) % (curve.order! - 1n)) + 1n;
  return Buffer.from(v.toString(16).padStart(curve.coordBytes * 2, '0'), 'hex');
}

function montgomeryPrivate(curve: CurveSpec, scalar: Buffer) {
  // PKCS#8 OneAsymmetricKey (RFC 8410): version 0, the algorithm OID, the scalar as an octet string in an octet string.
  return createPrivateKey({
    key: seq(integer(0), seq(oid(curve.oid)), octets(octets(scalar))),
    format: 'der',
    type: 'pkcs8',
  });
}

/** The (scalar, peer point, expected secret) of a known-answer case, all computed by the oracle. */
function knownAnswer(curve: CurveSpec): { scalar: Buffer; peer: Buffer; secret: Buffer } {
  if (curve.montgomery) {
    const [mine, theirs] = (curve.bits === 255 ? X25519_SCALARS : X448_SCALARS).map((h) => Buffer.from(h, 'hex'));
    const peer = Buffer.from(montgomeryPrivate(curve, theirs!).export({ format: 'jwk' }).x as string, 'base64url');
    const secret = oracleSharedSecret(curve, montgomeryPrivate(curve, mine!), peer);
    return { scalar: mine!, peer, secret };
  }
  const scalar = weierstrassScalar(curve, KAT_SCALAR);
  const peer = oraclePublicPoint(curve, weierstrassScalar(curve, KAT_PEER_SCALAR));
  return { scalar, peer, secret: oracleScalarSharedSecret(curve, scalar, peer) };
}

/** A peer point from the oracle for the given curve. */
const oraclePeer = (curve: CurveSpec) => oracleEcKeyPair(curve);

/** Where the provider does not list the operation, any request gets NotSupported (the key need not exist). */
async function expectNotListed(client: ParsecClient, provider: ProviderCtx, curve: CurveSpec): Promise<void> {
  await expectStatus(
    client.rawKeyAgreement(provider.id, 'Ecdh', 'pc-no-such-ecdh-key', oraclePeer(curve).point),
    'PsaErrorNotSupported',
  );
}

/** Where CanDoCrypto says the provider cannot generate ECDH keys of the curve, generating one must say NotSupported. */
async function expectGenerateRefused(
  client: ParsecClient,
  provider: ProviderCtx,
  keys: KeyTracker,
  curve: CurveSpec,
): Promise<void> {
  const name = keys.track(provider.id, keys.name('ecdh'));
  await expectStatus(
    client.generateKey(provider.id, name, ecdhAgreementKey(curve.family, curve.bits)),
    'PsaErrorNotSupported',
  );
}

defineSuite(
  { name: 'psa-raw-key-agreement', opcode: 'PsaRawKeyAgreement', description: 'RawKeyAgreement computes ECDH secrets' },
  (s) => {
    s.eachProvider((c, provider) => {
      const listed = provider.lists('PsaRawKeyAgreement');

      for (const curve of ECDH_CURVES) {
        const offered = provider.can('Generate', ecdhCurveProbe(curve.family, curve.bits));
        const importable = provider.can('Import', ecdhCurveProbe(curve.family, curve.bits));

        c.case(`ECDH ${label(curve)}: generated key with an oracle peer`, async ({ client, keys }) => {
          if (!listed) return expectNotListed(client, provider, curve);
          if (!offered) return expectGenerateRefused(client, provider, keys, curve);
          const name = await keys.generate(provider.id, ecdhAgreementKey(curve.family, curve.bits), 'ecdh');
          const parsecPublic = await client.exportPublicKey(provider.id, name);
          const peer = oraclePeer(curve);
          const got = await client.rawKeyAgreement(provider.id, 'Ecdh', name, peer.point);
          expectSharedSecret(curve, oracleSharedSecret(curve, peer.privateKey, parsecPublic), got);
        });

        c.case(`ECDH ${label(curve)}: two generated keys`, async ({ client, keys }) => {
          if (!listed) return expectNotListed(client, provider, curve);
          if (!offered) return expectGenerateRefused(client, provider, keys, curve);
          const a = await keys.generate(provider.id, ecdhAgreementKey(curve.family, curve.bits), 'ecdh-a');
          const b = await keys.generate(provider.id, ecdhAgreementKey(curve.family, curve.bits), 'ecdh-b');
          const [pa, pb] = [await client.exportPublicKey(provider.id, a), await client.exportPublicKey(provider.id, b)];
          const ab = await client.rawKeyAgreement(provider.id, 'Ecdh', a, pb);
          const ba = await client.rawKeyAgreement(provider.id, 'Ecdh', b, pa);
          expectSharedSecret(curve, ab, ba);
          expect(pa.equals(pb)).toBe(false);
        });

        c.case(`ECDH ${label(curve)}: imported private scalar (known answer)`, async ({ client, keys }) => {
          if (!listed) return expectNotListed(client, provider, curve);
          const kat = knownAnswer(curve);
          if (!importable) {
            const name = keys.track(provider.id, keys.name('ecdh-kat'));
            await expectStatus(
              client.importKey(provider.id, name, ecdhAgreementKey(curve.family, curve.bits), kat.scalar),
              'PsaErrorNotSupported',
            );
            return;
          }
          const name = await keys.import(
            provider.id,
            ecdhAgreementKey(curve.family, curve.bits),
            kat.scalar,
            'ecdh-kat',
          );
          expectSharedSecret(curve, kat.secret, await client.rawKeyAgreement(provider.id, 'Ecdh', name, kat.peer));
        });
      }

      // ---------------------------------------------------------------------------------------- negatives (P-256)
      const p256 = curveOf('SecpR1', 256);
      const x25519 = curveOf('Montgomery', 255);
      const p256Offered = provider.can('Generate', ecdhCurveProbe('SecpR1', 256));
      const p256Skip =
        p256Offered || !listed ? {} : { skip: `SecpR1 256 ECDH keys are not offered by ${provider.label}` };
      const p256Key = c.sharedKey('ecdh-p256', (client, name) =>
        client.generateKey(provider.id, name, ecdhAgreementKey('SecpR1', 256)),
      );
      const negative = (
        title: string,
        status: 'PsaErrorInvalidArgument' | 'PsaErrorNotPermitted',
        peer: () => Buffer,
        alg: 'Ecdh' | 'Ffdh' = 'Ecdh',
      ) =>
        c.case(
          title,
          async ({ client }) => {
            if (!listed) return expectNotListed(client, provider, p256);
            await expectStatus(client.rawKeyAgreement(provider.id, alg, await p256Key(), peer()), status);
          },
          p256Skip,
        );

      negative('ECDH SecpR1 256: peer point not on the curve', 'PsaErrorInvalidArgument', () => {
        const point = Buffer.from(oraclePeer(p256).point);
        point[point.length - 1]! ^= 0x01;
        return point;
      });
      negative('ECDH SecpR1 256: peer point truncated to 64 bytes', 'PsaErrorInvalidArgument', () =>
        oraclePeer(p256).point.subarray(0, 64),
      );
      negative('ECDH SecpR1 256: peer point with an extra byte', 'PsaErrorInvalidArgument', () =>
        Buffer.concat([oraclePeer(p256).point, Buffer.from([0])]),
      );
      negative('ECDH SecpR1 256: compressed peer point', 'PsaErrorInvalidArgument', () => {
        const point = oraclePeer(p256).point;
        return Buffer.concat([Buffer.from([0x02 | (point[64]! & 1)]), point.subarray(1, 33)]);
      });
      negative('ECDH SecpR1 256: empty peer key', 'PsaErrorInvalidArgument', () => Buffer.alloc(0));
      negative('ECDH SecpR1 256: the point at infinity as peer', 'PsaErrorInvalidArgument', () => Buffer.from([0]));
      negative(
        'ECDH SecpR1 256: peer point of SecpR1 521',
        'PsaErrorInvalidArgument',
        () => oraclePeer(curveOf('SecpR1', 521)).point,
      );

      c.case(
        'ECDH Montgomery 255: peer key of 31 bytes',
        async ({ client, keys }) => {
          if (!listed) return expectNotListed(client, provider, x25519);
          const name = await keys.generate(provider.id, ecdhAgreementKey('Montgomery', 255), 'x25519');
          await expectStatus(
            client.rawKeyAgreement(provider.id, 'Ecdh', name, oraclePeer(x25519).point.subarray(0, 31)),
            'PsaErrorInvalidArgument',
          );
        },
        provider.can('Generate', ecdhCurveProbe('Montgomery', 255)) || !listed
          ? {}
          : { skip: `Montgomery 255 ECDH keys are not offered by ${provider.label}` },
      );

      c.case(
        'ECDH SecpR1 256: key without the derive usage flag',
        async ({ client, keys }) => {
          if (!listed) return expectNotListed(client, provider, p256);
          const name = await keys.generate(provider.id, ecdhAgreementKey('SecpR1', 256, { export: true }), 'noderive');
          await expectStatus(
            client.rawKeyAgreement(provider.id, 'Ecdh', name, oraclePeer(p256).point),
            'PsaErrorNotPermitted',
          );
        },
        p256Skip,
      );

      c.case(
        'ECDH SecpR1 256: key whose policy is ECDSA (with derive usage)',
        async ({ client, keys }) => {
          if (!listed) return expectNotListed(client, provider, p256);
          const attrs = eccSigningKey('SecpR1', 256, { alg: 'Ecdsa', hash: 'Sha256' });
          const name = await keys.generate(
            provider.id,
            { ...attrs, policy: { ...attrs.policy, usage: { ...attrs.policy.usage, derive: true } } },
            'ecdsa',
          );
          await expectStatus(
            client.rawKeyAgreement(provider.id, 'Ecdh', name, oraclePeer(p256).point),
            'PsaErrorNotPermitted',
          );
        },
        p256Skip,
      );

      c.case('ECDH with a key name that does not exist', async ({ client, keys }) => {
        if (!listed) return expectNotListed(client, provider, p256);
        await expectStatus(
          client.rawKeyAgreement(provider.id, 'Ecdh', keys.name('missing'), oraclePeer(p256).point),
          'PsaErrorDoesNotExist',
        );
      });

      // The key's policy permits ECDH only, so FFDH is refused by the policy check before anything else.
      negative(
        'FFDH requested with an ECDH SecpR1 256 key',
        'PsaErrorNotPermitted',
        () => oraclePeer(p256).point,
        'Ffdh',
      );

      // A derive-only ECDH key is the policy PSA prescribes; CanDoCrypto should say what generation then does.
      c.case(
        'CanDoCrypto Generate for a derive-only ECDH SecpR1 256 key',
        async ({ client, keys }) => {
          const attrs = ecdhAgreementKey('SecpR1', 256);
          const name = keys.track(provider.id, keys.name('cando'));
          let generated = 'Success';
          try {
            await client.generateKey(provider.id, name, attrs);
          } catch (e) {
            if (!(e instanceof ServiceStatusError)) throw e;
            generated = e.statusName;
          }
          if (generated === 'Success') {
            await client.canDoCrypto(provider.id, 'Generate', attrs);
          } else {
            await expectStatus(client.canDoCrypto(provider.id, 'Generate', attrs), 'PsaErrorNotSupported');
          }
        },
        { opcode: 'CanDoCrypto', requires: ['CanDoCrypto'] },
      );
    });
  },
);
