import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appliesTo, entryMatches, loadExpectationFiles } from '../../../harness/kit/expectations';
import { PARSEC_SUITES, type ParsecSuite } from '../../../harness/setup';
import { CONTAINER_CONTROL_LIMITS } from '../../../harness/targets';
import { CONTAINER_BACKEND_LIMITS } from '../../../harness/targets/containers/container-backend-controls';
import { resultsOf, runCli, type ReportedCase } from '../run-cli';

/**
 * One Parsec on both targets gives the same cases with the same statuses: case ids never carry the target, and a
 * status may differ only where an expectation entry limited to one kind of target explains why, with evidence.
 */
async function fullRun(target: 'native' | 'containers', suite: ParsecSuite, out: string): Promise<ReportedCase[]> {
  const run = await runCli(['run', '--target', target, '--parsec', suite, '--out', out]);
  expect({ target, code: run.code, tail: run.stderr.slice(-3000) }).toMatchObject({ code: 0 });
  const results = resultsOf(out);
  expect(results?.target).toMatchObject({ kind: target, parsecVersion: PARSEC_SUITES[suite].parsecVersion });
  return results?.cases ?? [];
}

/**
 * What the container target cannot do to its own services (a fault needing privileges or a namespace it lacks), as
 * the cases that need it say when they skip there: such a case runs natively only, and that is the difference.
 */
const CONTAINER_LIMITS: readonly string[] = [
  ...Object.values(CONTAINER_BACKEND_LIMITS),
  ...Object.values(CONTAINER_CONTROL_LIMITS),
];

/** Why a case may differ between the two kinds: an entry that holds on one of them only. */
function explanation(suite: ParsecSuite, id: string): string | undefined {
  const parsecVersion = PARSEC_SUITES[suite].parsecVersion;
  for (const { file } of loadExpectationFiles()) {
    const entry = file.entries.find(
      (e) =>
        entryMatches(e, id) &&
        appliesTo(e, { parsecVersion, targetKind: 'native' }, file.product) !==
          appliesTo(e, { parsecVersion, targetKind: 'containers' }, file.product),
    );
    if (entry) return `${entry.reason} [${entry.evidence ?? entry.link}]`;
  }
  return undefined;
}

describe.each(['trixie', 'sid'] as const)('Parsec of Debian %s on the native and the container target', (suite) => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), `pc-compare-${suite}-`));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the same case ids, and the same statuses but where an expectation limited to one target explains it', async () => {
    const native = await fullRun('native', suite, join(dir, 'native'));
    const containers = await fullRun('containers', suite, join(dir, 'containers'));
    const byId = new Map(containers.map((c) => [c.id, c]));
    expect(native.map((c) => c.id).sort()).toEqual(containers.map((c) => c.id).sort());
    expect(native.length).toBeGreaterThan(2400);
    const unexplained: string[] = [];
    const explained: string[] = [];
    for (const c of native) {
      const otherCase = byId.get(c.id);
      const other = otherCase?.status;
      if (other === c.status) continue;
      const limit =
        other === 'skipped' ? CONTAINER_LIMITS.find((l) => otherCase?.message.includes(l) === true) : undefined;
      const why = explanation(suite, c.id) ?? (limit ? `the container target cannot: ${limit}` : undefined);
      (why ? explained : unexplained).push(`${c.id}: native ${c.status}, containers ${other}${why ? ` (${why})` : ''}`);
    }
    expect(unexplained).toEqual([]);
    process.stderr.write(
      `${suite}: ${native.length} cases, ${explained.length} explained differences\n${explained.join('\n')}\n`,
    );
  }, 600_000);
});
