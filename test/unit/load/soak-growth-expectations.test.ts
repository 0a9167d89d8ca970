import { judgeGrowth, type ResourceSample } from '../../../harness/load/resource-growth';
import { explainGrowth, SOAK_EXPECTATIONS_DIR } from '../../../harness/run/soak';
import { loadExpectationFiles, parseExpectationFile } from '../../../harness/kit/expectations';

const MINUTE = 60_000;
/** Ten minutes sampled every 5 s, memory rising `miBPerHour`, descriptors flat. */
const rising = (miBPerHour: number): ResourceSample[] =>
  Array.from({ length: 121 }, (_, i) => ({
    atMs: i * 5000,
    rssKiB: Math.round(17_000 + ((i * 5000) / (60 * MINUTE)) * miBPerHour * 1024),
    fds: 6,
  }));

const native = { parsecVersion: '1.4.1', targetKind: 'native', backends: { softhsm2: '2.6.1-2.1', mbedtls: '3.6.6' } };

describe("the soak's known growth (fixtures/expectations/soak/)", () => {
  const files = loadExpectationFiles([], SOAK_EXPECTATIONS_DIR);

  it('explains the SoftHSM2 growth measured natively (39 MiB/hour) with the entry and the slope', () => {
    const { findings } = judgeGrowth(rising(39), 10 * MINUTE);
    expect(findings).toEqual([expect.objectContaining({ measure: 'resident-memory' })]);
    const r = explainGrowth(findings, native, files);
    expect(r.unexplained).toEqual([]);
    expect(r.explained).toEqual([
      expect.objectContaining({
        case: 'core/soak/resident-memory-growth',
        expectation: expect.objectContaining({ source: 'fixtures/expectations/soak/softhsm2.json', atMost: 160 }),
      }),
    ]);
    expect(r.explained[0]?.perHour).toBeCloseTo(39, 0);
  });

  it('does not explain a steeper growth than the entry states: a worse leak still fails, and says why', () => {
    const r = explainGrowth(judgeGrowth(rising(400), 10 * MINUTE).findings, native, files);
    expect(r.explained).toEqual([]);
    expect(r.unexplained).toEqual([
      expect.stringMatching(
        /^resident memory grows 40\d(\.\d+)? MiB\/hour .*; fixtures\/expectations\/soak\/softhsm2\.json \(core\/soak\/resident-memory-growth\) explains at most 160 per hour: this is more$/,
      ),
    ]);
  });

  it('does not explain growth without SoftHSM2 in the process (containers, or no PKCS#11 provider)', () => {
    const findings = judgeGrowth(rising(39), 10 * MINUTE).findings;
    expect(explainGrowth(findings, { ...native, targetKind: 'containers' }, files).unexplained).toHaveLength(1);
    expect(explainGrowth(findings, { ...native, backends: { mbedtls: '3.6.6' } }, files).unexplained).toHaveLength(1);
  });

  it('refuses an atMost that is not a positive number, naming the entry', () => {
    const entry = { case: 'core/soak/x', outcome: 'fail', reason: 'r', evidence: 'e', atMost: '160' };
    expect(() => parseExpectationFile(JSON.stringify({ product: 'p', entries: [entry] }), 'f.json')).toThrow(
      'f.json: entry 0 (core/soak/x) has atMost "160"; expected a positive number (per hour)',
    );
  });
});
