import { defineSuite, expectStatus } from '../../harness/kit';
import { LEGACY_HASH_KATS, oracleDigest, oracleHasHash } from '../../harness/oracle/digests-and-agreement';
import { HASHES, ServiceStatusError, type Hash, type ParsecClient } from '../../harness/wire';

/** Parsec's own e2e hash tests use this 14-byte message ("I am a message"). */
const MESSAGE = Buffer.from('I am a message');

/** The digest the case compares against: Node's, or the RFC 1319/1320 known answer for MD2/MD4. */
function referenceDigest(hash: Hash): { input: Buffer; digest: Buffer } {
  if (oracleHasHash(hash)) return { input: MESSAGE, digest: oracleDigest(hash, MESSAGE) };
  const [message, hex] = LEGACY_HASH_KATS[hash]!.at(-1)!;
  return { input: Buffer.from(message), digest: Buffer.from(hex, 'hex') };
}

/**
 * Whether the service computes this hash at all, asked through HashCompute: a hash it refuses there with
 * PsaErrorNotSupported must be refused the same way by HashCompare (psa-hash-compute checks which are refused).
 */
async function computes(client: ParsecClient, provider: number, hash: Hash): Promise<boolean> {
  try {
    await client.hashCompute(provider, hash, MESSAGE);
    return true;
  } catch (e) {
    if (e instanceof ServiceStatusError && e.statusName === 'PsaErrorNotSupported') return false;
    throw e;
  }
}

const flipBit = (b: Buffer, byte: number, bit = 0): Buffer => {
  const out = Buffer.from(b);
  out[byte]! ^= 1 << bit;
  return out;
};

defineSuite(
  { name: 'psa-hash-compare', opcode: 'PsaHashCompare', description: 'HashCompare accepts the right digest only' },
  (s) => {
    s.eachProvider((c, provider) => {
      const listed = provider.lists('PsaHashCompare');
      const sha256 = oracleDigest('Sha256', MESSAGE);

      for (const hash of HASHES) {
        c.case(`${hash} digest of the reference message`, async ({ client }) => {
          const { input, digest } = referenceDigest(hash);
          if (!listed) {
            await expectStatus(client.hashCompare(provider.id, hash, input, digest), 'PsaErrorNotSupported');
            return;
          }
          if (!(await computes(client, provider.id, hash))) {
            await expectStatus(client.hashCompare(provider.id, hash, input, digest), 'PsaErrorNotSupported');
            return;
          }
          await client.hashCompare(provider.id, hash, input, digest);
        });
      }

      const mismatch = (
        title: string,
        status: 'PsaErrorInvalidSignature' | 'PsaErrorInvalidArgument',
        call: () => [Hash, Buffer, Buffer],
      ) =>
        c.case(title, async ({ client }) => {
          const [alg, input, digest] = call();
          if (!listed) {
            await expectStatus(client.hashCompare(provider.id, alg, input, digest), 'PsaErrorNotSupported');
            return;
          }
          await expectStatus(client.hashCompare(provider.id, alg, input, digest), status);
        });

      mismatch('SHA-256 digest with its last bit flipped', 'PsaErrorInvalidSignature', () => [
        'Sha256',
        MESSAGE,
        flipBit(sha256, 31),
      ]);
      mismatch('SHA-256 digest with its first bit flipped', 'PsaErrorInvalidSignature', () => [
        'Sha256',
        MESSAGE,
        flipBit(sha256, 0, 7),
      ]);
      mismatch('SHA-256 digest of another message', 'PsaErrorInvalidSignature', () => [
        'Sha256',
        Buffer.from('I am a messagf'),
        sha256,
      ]);
      mismatch('SHA-512 digest with one bit flipped', 'PsaErrorInvalidSignature', () => [
        'Sha512',
        MESSAGE,
        flipBit(oracleDigest('Sha512', MESSAGE), 40, 3),
      ]);
      mismatch('RIPEMD-160 digest with one bit flipped', 'PsaErrorInvalidSignature', () => [
        'Ripemd160',
        MESSAGE,
        flipBit(oracleDigest('Ripemd160', MESSAGE), 10, 5),
      ]);
      mismatch('SHA-256 digest compared as SHA3-256 (same length)', 'PsaErrorInvalidSignature', () => [
        'Sha3_256',
        MESSAGE,
        sha256,
      ]);
      mismatch('all-zero 32-byte digest for SHA-256', 'PsaErrorInvalidSignature', () => [
        'Sha256',
        MESSAGE,
        Buffer.alloc(32),
      ]);
      // PSA (and the Parsec book's PsaHashCompare page): a hash whose length does not match the algorithm's is
      // PSA_ERROR_INVALID_ARGUMENT, not a mismatch.
      mismatch('SHA-256 digest truncated to 31 bytes', 'PsaErrorInvalidArgument', () => [
        'Sha256',
        MESSAGE,
        sha256.subarray(0, 31),
      ]);
      mismatch('SHA-256 digest with an extra byte', 'PsaErrorInvalidArgument', () => [
        'Sha256',
        MESSAGE,
        Buffer.concat([sha256, Buffer.from([0])]),
      ]);
      mismatch('empty digest for SHA-256', 'PsaErrorInvalidArgument', () => ['Sha256', MESSAGE, Buffer.alloc(0)]);
      // Parsec's e2e hash_compare_false: a SHA-256 value compared as SHA-512 (32 bytes where 64 are due).
      mismatch('SHA-256 digest compared as SHA-512', 'PsaErrorInvalidArgument', () => ['Sha512', MESSAGE, sha256]);
    });
  },
);
