import { createHash } from 'node:crypto';
import { defineSuite, echoOf, expectRawStatus, phaseOneShape, sendMalformed } from '../../harness/kit';
import { providerIdOf, type ProviderKey } from '../../harness/model/providers';
import { encodeOperation, opcodeCode, ParsecClient } from '../../harness/wire';

// Each case starts a service of its own, the run's with one setting changed, and checks what the setting does
// (reference A4 and A6): the providers' order, and the request body limit.
const BODY_LIMIT = 1024;

/** The body HashCompute(SHA-256, input) takes on the wire: its size is what body_len_limit judges. */
function hashComputeBody(inputLength: number): Buffer {
  return encodeOperation('PsaHashCompute', { alg: 'Sha256', input: Buffer.alloc(inputLength, 0x61) });
}

/** The largest input whose HashCompute body fits in `limit` bytes, found by encoding, not assumed. */
function largestInputWithin(limit: number): number {
  let n = limit;
  while (hashComputeBody(n).length > limit) n -= 1;
  return n;
}

defineSuite(
  {
    name: 'service-config',
    opcode: 'ListProviders',
    description: 'settings of the service configuration do what the reference says: provider order, body limit',
  },
  (s) => {
    const keys = s.context.requestedProviders;
    const orders: [string, ProviderKey[]][] = [['reversed', [...keys].reverse()]];
    if (keys.length >= 3) orders.push(['rotated', [...keys.slice(1), keys[0] as ProviderKey]]);
    const mbed = keys.includes('mbed');

    s.core((c) => {
      for (const [how, order] of orders) {
        c.case(
          `with the providers configured in ${how} order (${order.join(', ')}), ListProviders follows that order, Core last`,
          async ({ targets }) => {
            const target = await targets.start({ providerOrder: order });
            const client = new ParsecClient({ socketPath: target.socketPath, auth: 'none' });
            expect((await client.listProviders()).map((p) => p.id)).toEqual([...order.map(providerIdOf), 0]);
          },
          { ownTargets: true, ...(keys.length < 2 ? { skip: 'the run configures fewer than two providers' } : {}) },
        );
      }

      c.case(
        'a listener type Parsec does not know keeps it from starting, and its log says which types it knows',
        async ({ targets }) => {
          const attempt = await targets.tryStart({ extraConfig: { listener: { listener_type: 'TcpSocket' } } });
          if (attempt.ok) throw new Error('Parsec started with listener_type = "TcpSocket"');
          expect(attempt.error.message).toMatch(/unknown variant `TcpSocket`, expected `DomainSocket`/);
        },
        { ownTargets: true },
      );

      const fits = largestInputWithin(BODY_LIMIT);
      c.case(
        `with body_len_limit = ${BODY_LIMIT}, a ${hashComputeBody(fits).length}-byte HashCompute body is computed and a ${hashComputeBody(fits + 1).length}-byte one is answered BodySizeExceedsLimit`,
        async ({ targets }) => {
          const target = await targets.start({ extraConfig: { core_settings: { body_len_limit: BODY_LIMIT } } });
          const client = new ParsecClient({ socketPath: target.socketPath, auth: 'none' });
          const input = Buffer.alloc(fits, 0x61);
          expect(await client.hashCompute(providerIdOf('mbed'), 'Sha256', input)).toEqual(
            createHash('sha256').update(input).digest(),
          );
          const over = hashComputeBody(fits + 1);
          const res = await sendMalformed(
            client,
            { header: { provider: providerIdOf('mbed'), opcode: opcodeCode('PsaHashCompute') }, body: over },
            `a ${over.length}-byte body over a ${BODY_LIMIT}-byte limit`,
            target.logTail.bind(target),
          );
          expectRawStatus(res, 'BodySizeExceedsLimit', 'body over body_len_limit');
          expect(echoOf(res)).toEqual(phaseOneShape());
        },
        {
          opcode: 'PsaHashCompute',
          ownTargets: true,
          ...(mbed ? {} : { skip: 'HashCompute is served by Mbed Crypto only, and the run does not configure it' }),
        },
      );
    });
  },
);
