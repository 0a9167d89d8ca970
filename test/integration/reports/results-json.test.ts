import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaseResult, RunResults } from '../../../harness/reports/model';
import { resultsSchemaErrors } from '../../fixtures/results/results-schema';
import { ROOT, runCli } from '../run-cli';

const STAMP = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (INFO|WARN|ERROR|DEBUG|TRACE) /;
const packageVersion = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function resultsIn(out: string): RunResults {
  return JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResults;
}

/** Every line stamped by Parsec within the case's span: from its start to the start of the case after it. */
function outsideSpan(c: CaseResult, next: CaseResult | undefined): string[] {
  const from = Date.parse(c.startedAt as string);
  const to = next?.startedAt ? Date.parse(next.startedAt) + 1 : from + c.durationMs + 1000;
  return (c.logLines ?? []).filter((l) => {
    const t = Date.parse(STAMP.exec(l)?.[1] ?? '');
    return !(t >= from && t <= to);
  });
}

describe.each(['trixie', 'sid'])('results.json of a real run (Parsec %s, Mbed Crypto)', (parsec) => {
  let out: string;
  let results: RunResults;
  let code: number | null;
  let tail: string;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'pc-results-json-'));
    const args = ['run', '--parsec', parsec, '--providers', 'mbed', '--suite', 'core/ping', 'crypto/psa-hash-compare'];
    const run = await runCli([...args, '--out', out]);
    code = run.code;
    tail = run.stderr.slice(-3000);
    results = resultsIn(out);
  }, 180_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('is valid against the committed schema, format 2, and says which harness and options produced it', () => {
    expect({ code, tail }).toMatchObject({ code: 0 });
    expect(resultsSchemaErrors(results)).toEqual([]);
    expect(results.formatVersion).toBe(2);
    expect(results.target.parsecVersion).toBe(parsec === 'sid' ? '1.5.0' : '1.4.1');
    expect(results.harness).toMatchObject({
      version: packageVersion,
      contract: expect.stringMatching(/parsec-interface/),
    });
    expect(results.harness?.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(results.options).toMatchObject({
      argv: expect.arrayContaining(['run', '--suite', 'core/ping', 'crypto/psa-hash-compare']),
      suites: ['core/ping', 'crypto/psa-hash-compare'],
      workers: 1,
      strict: false,
      profiles: [],
    });
    // Mbed Crypto's version, and parsec-tool's (the interop suites' client, from the service's own Debian suite).
    expect(results.target.backends).toEqual({
      mbedtls: expect.stringMatching(/^\d/),
      'parsec-tool': expect.stringMatching(/^\d[\w.+~-]*$/),
    });
  });

  it("gives each case that ran its start and the service's own lines of its span, stamped in it", () => {
    const ran = results.cases
      .filter((c) => c.provider !== 'harness' && c.status !== 'skipped')
      .sort((a, b) => Date.parse(a.startedAt as string) - Date.parse(b.startedAt as string));
    expect(ran.length).toBeGreaterThan(10);
    for (const c of ran) expect(c.startedAt).toEqual(expect.stringMatching(/Z$/));
    const withLines = ran.filter((c) => (c.logLines ?? []).length > 0);
    expect(withLines.length).toBeGreaterThanOrEqual(ran.length - 2);
    for (const c of withLines) {
      expect(c.logLines?.every((l) => STAMP.test(l))).toBe(true);
      expect({ id: c.id, outside: outsideSpan(c, ran[ran.indexOf(c) + 1]) }).toEqual({ id: c.id, outside: [] });
    }
    // A known deviation's lines show the service's side of it.
    const deviation = results.cases.find((c) => c.id === 'mbed/psa-hash-compare/empty-digest-for-sha-256');
    expect(deviation?.logLines?.join('\n')).toMatch(/ERROR parsec_service::providers::mbed_crypto/);
  });

  it('names the request a deviating case sent last, without its bytes', () => {
    const deviation = results.cases.find((c) => c.id === 'mbed/psa-hash-compare/empty-digest-for-sha-256');
    expect(deviation).toMatchObject({
      status: 'expected-fail',
      failedRequest: {
        opcode: 'PsaHashCompare',
        provider: 'mbed',
        status: 'PsaErrorInvalidSignature',
        summary: 'alg: "Sha256", input: <14 bytes>, hash: <0 bytes>',
      },
    });
    expect(results.cases.filter((c) => c.status === 'passed' && c.failedRequest)).toEqual([]);
  });
});

describe('results.json of a run that could not start', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'pc-results-json-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('is valid against the schema too, with the harness, the options and the backends it read', async () => {
    const run = await runCli([
      'run',
      '--parsec-bin',
      '/bin/false',
      '--providers',
      'mbed',
      '--suite',
      'core/ping',
      '--out',
      out,
    ]);
    expect(run.code).toBe(2);
    const results = resultsIn(out);
    expect(resultsSchemaErrors(results)).toEqual([]);
    expect(results).toMatchObject({
      formatVersion: 2,
      harness: { version: packageVersion },
      options: { argv: expect.arrayContaining(['--parsec-bin', '/bin/false']), suites: ['core/ping'] },
      target: { parsecVersion: 'unknown', backends: expect.any(Object) },
      cases: [{ id: 'harness/target/starts', status: 'failed' }],
    });
  }, 120_000);
});
