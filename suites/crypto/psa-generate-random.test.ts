import { defineSuite, expectStatus } from '../../harness/kit';
import { expectDistinctDraws, expectRandomLooking } from '../../harness/oracle/digests-and-agreement';

/** Reference A4: the default `buffer_size_limit`, the largest buffer a response may carry. */
const BUFFER_SIZE_LIMIT = 1 << 20;

const SIZES = [0, 1, 16, 32, 35, 1024, 4096, 65536];

defineSuite(
  { name: 'psa-generate-random', opcode: 'PsaGenerateRandom', description: 'GenerateRandom fills the whole buffer' },
  (s) => {
    s.eachProvider((c, provider) => {
      const listed = provider.lists('PsaGenerateRandom');
      const notListed =
        (size: number | bigint) =>
        async ({ client }: { client: import('../../harness/wire').ParsecClient }) =>
          expectStatus(client.generateRandom(provider.id, size), 'PsaErrorNotSupported');

      for (const size of SIZES) {
        c.case(`${size} bytes`, async (t) => {
          if (!listed) return void (await notListed(size)(t));
          expectRandomLooking(await t.client.generateRandom(provider.id, size), size);
        });
      }

      for (const size of [32, 35]) {
        c.case(`two draws of ${size} bytes`, async (t) => {
          if (!listed) return void (await notListed(size)(t));
          const a = await t.client.generateRandom(provider.id, size);
          const b = await t.client.generateRandom(provider.id, size);
          expectRandomLooking(a, size);
          expectRandomLooking(b, size);
          expectDistinctDraws(a, b);
        });
      }

      c.case('size given as a u64 that fits in u32 (bigint 48)', async (t) => {
        if (!listed) return void (await notListed(48n)(t));
        expectRandomLooking(await t.client.generateRandom(provider.id, 48n), 48);
      });

      c.case(`${BUFFER_SIZE_LIMIT} bytes (the default buffer_size_limit)`, async (t) => {
        if (!listed) return void (await notListed(BUFFER_SIZE_LIMIT)(t));
        expectRandomLooking(await t.client.generateRandom(provider.id, BUFFER_SIZE_LIMIT), BUFFER_SIZE_LIMIT);
      });

      // Reference A4: asking for more than buffer_size_limit is ResponseTooLarge (10).
      const tooLarge: [string, number | bigint][] = [
        [`${BUFFER_SIZE_LIMIT + 1} bytes (one over the default buffer_size_limit)`, BUFFER_SIZE_LIMIT + 1],
        ['2^32 bytes (beyond u32)', 2n ** 32n],
        ['2^64 - 1 bytes (the largest u64)', 2n ** 64n - 1n],
      ];
      for (const [title, size] of tooLarge) {
        c.case(title, async (t) => {
          if (!listed) return void (await notListed(size)(t));
          // The length stands in for the bytes, should they come back: a failure message then says how many.
          await expectStatus(
            t.client.generateRandom(provider.id, size).then((b) => `${b.length} bytes`),
            'ResponseTooLarge',
          );
        });
      }
    });
  },
);
