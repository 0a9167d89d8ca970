import { defineSuite, type ProviderCaseCtx } from '../../harness/kit';
import {
  buildMix,
  defaultClients,
  driveLoad,
  LOAD_CASE_TITLES,
  LOAD_SUITE,
  STRESS_TEST_PLAN,
  type LoadResult,
  type OperationCategory,
} from '../../harness/load';

/**
 * Parsec's stress test as a conformance case (reference C4): one client per core plus one, each sending about 250
 * requests 10 ± 4 ms apart, picked at random from every operation the provider offers, with a checker every 500 ms.
 * Every answer is checked by the oracle or against a status fixed in advance; latency percentiles per request go into
 * the case's observations. Key use and key creation are separate cases, so a deviation of one (PKCS#11 generation
 * under concurrency, fixtures/expectations/softhsm2.json) does not hide the other.
 */
const CLIENTS = defaultClients();
const MAX_LOAD_MS = 90_000;

function summary(r: LoadResult): string {
  const first = r.failures
    .slice(0, 5)
    .map((f) => `  ${f.kind} ${f.operation} at ${f.atMs} ms: ${f.message}`)
    .join('\n');
  return `${r.lost} lost and ${r.wrong} wrong of ${r.requests} requests (${r.operations} operations, ${r.clients} clients, ${r.elapsedMs} ms)${r.stoppedEarly ? `; stopped early: ${r.stoppedEarly}` : ''}; first failures:\n${first}`;
}

async function loadCase(
  { client, keys, provider, observe }: ProviderCaseCtx,
  categories: readonly OperationCategory[],
): Promise<void> {
  const operations = await buildMix(client, provider, keys, categories);
  // The checker: the first signature round trip, else the first key-use operation.
  const check = operations.find((o) => o.name.includes(' sign ')) ?? operations.find((o) => o.category === 'use');
  const result = await driveLoad(
    operations,
    { ...STRESS_TEST_PLAN, clients: CLIENTS, maxDurationMs: MAX_LOAD_MS },
    check ? [check] : [],
  );
  observe({
    clients: result.clients,
    requestsPerClient: STRESS_TEST_PLAN.requestsPerClient,
    elapsedMs: result.elapsedMs,
    requests: result.requests,
    operations: result.operations,
    lost: result.lost,
    wrong: result.wrong,
    checks: result.checks,
    operationsMixed: operations.map((o) => o.name),
    perOperation: result.perOperation,
    latency: result.latency,
    ...(result.failures.length > 0 ? { failures: result.failures.slice(0, 20) } : {}),
  });
  if (result.lost > 0 || result.wrong > 0 || result.stoppedEarly) throw new Error(summary(result));
  // Each client sends its ~250 requests unless the time bound cut the run short, which would be a finding too.
  expect(result.requests).toBeGreaterThanOrEqual(CLIENTS * STRESS_TEST_PLAN.requestsPerClient);
}

defineSuite(
  {
    name: LOAD_SUITE,
    opcode: 'PsaSignHash',
    description: "every operation a provider offers, mixed from concurrent clients at Parsec's stress-test pace",
  },
  (s) => {
    s.eachProvider((c, provider) => {
      c.case('key-use operations from concurrent clients all answer correctly', (t) => loadCase(t, ['use']), {
        requires: ['PsaGenerateKey', 'PsaDestroyKey'],
        timeoutMs: MAX_LOAD_MS + 60_000,
      });
      c.case(LOAD_CASE_TITLES.lifecycle, (t) => loadCase(t, ['use', 'lifecycle']), {
        opcode: 'PsaGenerateKey',
        requires: ['PsaGenerateKey', 'PsaDestroyKey'],
        timeoutMs: MAX_LOAD_MS + 60_000,
        ...(provider.key === 'pkcs11' && s.context.vendorToken
          ? {
              skip: 'not run on a token the harness did not create: on SoftHSM2, a generation that fails under concurrent requests leaves an orphan private key on the token, which Parsec no longer knows (see fixtures/expectations/softhsm2.json)',
            }
          : {}),
      });
    });
  },
);
