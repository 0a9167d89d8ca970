import { defineSuite, expectStatus } from '../../harness/kit';
import {
  HASH_LENGTH,
  LEGACY_HASH_KATS,
  expectDigest,
  expectKnownDigest,
  oracleHasHash,
} from '../../harness/oracle/digests-and-agreement';
import { OracleError } from '../../harness/oracle/oracle-error';
import {
  HASHES,
  ServiceStatusError,
  encodeOperation,
  opcodeCode,
  type Hash,
  type ParsecClient,
} from '../../harness/wire';

/** Reference A4: the default `body_len_limit`, which bounds the protobuf body of a request. */
const BODY_LEN_LIMIT = 1 << 20;

/** Parsec's own e2e hash tests use this 14-byte message ("I am a message"). */
const REFERENCE_MESSAGE = Buffer.from('I am a message');

const INPUTS: readonly { label: string; data: Buffer }[] = [
  { label: 'the empty input', data: Buffer.alloc(0) },
  { label: 'a 1-byte input', data: Buffer.from([0x61]) },
  { label: "the reference's 14-byte message", data: REFERENCE_MESSAGE },
  { label: 'a 4 KiB input', data: Buffer.from(Array.from({ length: 4096 }, (_v, i) => (i * 31 + 7) & 0xff)) },
];

/** Body size of a HashCompute request, from the harness's encoder (protobuf framing depends on the length). */
const bodySize = (alg: Hash, n: number): number =>
  encodeOperation('PsaHashCompute', { alg, input: Buffer.alloc(n) }).length;

/**
 * PSA makes every hash optional (an implementation answers PSA_ERROR_NOT_SUPPORTED for one it lacks). SHA-512/224 and
 * SHA-512/256 are not in Mbed TLS at all, so for these two the service may refuse with exactly that status; when it
 * computes them, the digest must be right.
 */
const OPTIONAL_HASHES: ReadonlySet<Hash> = new Set<Hash>(['Sha512_224', 'Sha512_256']);

/** The largest input whose HashCompute body still fits the limit. */
function largestFittingInput(alg: Hash): number {
  let n = BODY_LEN_LIMIT;
  while (bodySize(alg, n) > BODY_LEN_LIMIT) n -= 1;
  return n;
}

/**
 * MD2 and MD4 are deprecated and Node's OpenSSL 3 may not compute them: the service either refuses them with exactly
 * PsaErrorNotSupported or must produce the RFC 1319/1320 known answer.
 */
async function expectLegacyHash(client: ParsecClient, provider: number, hash: Hash, message: string, hex: string) {
  let got: Buffer;
  try {
    got = await client.hashCompute(provider, hash, Buffer.from(message, 'ascii'));
  } catch (e) {
    if (e instanceof ServiceStatusError && e.statusName === 'PsaErrorNotSupported') return;
    throw e;
  }
  expectKnownDigest(hash, message, hex, got);
}

defineSuite(
  { name: 'psa-hash-compute', opcode: 'PsaHashCompute', description: 'HashCompute digests input like the standard' },
  (s) => {
    s.eachProvider((c, provider) => {
      const listed = provider.lists('PsaHashCompute');

      for (const hash of HASHES) {
        const kats = LEGACY_HASH_KATS[hash];
        if (kats && !oracleHasHash(hash)) {
          for (const [message, hex] of kats) {
            c.case(
              `${hash} of the RFC test message ${message === '' ? '(empty)' : `'${message}'`}`,
              async ({ client }) => {
                if (!listed) {
                  await expectStatus(
                    client.hashCompute(provider.id, hash, Buffer.from(message)),
                    'PsaErrorNotSupported',
                  );
                  return;
                }
                await expectLegacyHash(client, provider.id, hash, message, hex);
              },
            );
          }
          continue;
        }
        for (const input of INPUTS) {
          c.case(`${hash} of ${input.label}`, async ({ client }) => {
            if (!listed) {
              await expectStatus(client.hashCompute(provider.id, hash, input.data), 'PsaErrorNotSupported');
              return;
            }
            let got: Buffer;
            try {
              got = await client.hashCompute(provider.id, hash, input.data);
            } catch (e) {
              if (
                OPTIONAL_HASHES.has(hash) &&
                e instanceof ServiceStatusError &&
                e.statusName === 'PsaErrorNotSupported'
              )
                return;
              throw e;
            }
            expect(got.length).toBe(HASH_LENGTH[hash]);
            expectDigest(hash, input.data, got);
          });
        }
      }

      c.case('SHA-256 of the largest input whose request body fits the 1 MiB body limit', async ({ client }) => {
        const n = largestFittingInput('Sha256');
        expect(bodySize('Sha256', n)).toBe(BODY_LEN_LIMIT);
        const input = Buffer.alloc(n, 0x5a);
        if (!listed) {
          await expectStatus(client.hashCompute(provider.id, 'Sha256', input), 'PsaErrorNotSupported');
          return;
        }
        expectDigest('Sha256', input, await client.hashCompute(provider.id, 'Sha256', input));
      });

      // The body limit is checked in the header phase, before the body is read or a provider is asked: every
      // provider gets 20. Only the header is sent (announcing the real body's length), because the service answers
      // and closes without reading the body and a client still writing it would see EPIPE instead of the answer.
      c.case('SHA-256 of an input one byte too large for the 1 MiB body limit', async ({ client }) => {
        const n = largestFittingInput('Sha256') + 1;
        expect(bodySize('Sha256', n)).toBe(BODY_LEN_LIMIT + 1);
        const res = await client.raw({
          header: { provider: provider.id, opcode: opcodeCode('PsaHashCompute'), bodyLen: BODY_LEN_LIMIT + 1 },
          body: Buffer.alloc(0),
        });
        expect(res.statusName).toBe('BodySizeExceedsLimit');
      });

      c.case('an algorithm value outside the Hash enum (99)', async ({ client }) => {
        // Hand-made body: field 1 (alg) = 99, field 2 (input) = "abc". Not a Hash: the conversion must refuse it.
        const body = Buffer.from([0x08, 99, 0x12, 0x03, 0x61, 0x62, 0x63]);
        const res = await client.raw({ header: { provider: provider.id, opcode: opcodeCode('PsaHashCompute') }, body });
        if (res.statusName === 'Success') throw new OracleError('an unknown hash algorithm was accepted');
        expect(res.statusName).toBe('InvalidEncoding');
      });
    });
  },
);
