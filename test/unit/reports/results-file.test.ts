import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readResultsFile, ResultsFileError, resultsProblem } from '../../../harness/reports/results-file';

const valid = {
  target: { kind: 'native', parsecVersion: '1.4.1', parsecBinary: 'parsec', providers: [] },
  startedAt: '2025-01-01T00:00:00.000Z',
  durationMs: 1,
  cases: [{ id: 'core/ping/answers', status: 'passed', durationMs: 1 }],
};

describe('readResultsFile', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pc-results-file-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('reads a file, or the results.json in a report folder', () => {
    write('results.json', JSON.stringify(valid));
    expect(readResultsFile(dir).target.parsecVersion).toBe('1.4.1');
    expect(readResultsFile(join(dir, 'results.json')).cases).toHaveLength(1);
  });

  it('says which file, what is wrong and how to fix it', () => {
    const how = /pass the results\.json a run wrote \(`parsec-conformance run --out DIR` writes DIR\/results\.json\)/;
    expect(() => readResultsFile(join(dir, 'nope.json'))).toThrow(ResultsFileError);
    expect(() => readResultsFile(join(dir, 'nope.json'))).toThrow(
      new RegExp(`nope\\.json does not exist: ${how.source}`),
    );
    mkdirSync(join(dir, 'empty'));
    expect(() => readResultsFile(join(dir, 'empty'))).toThrow(/empty\/results\.json does not exist/);
    expect(() => readResultsFile(write('junit.xml', '<testsuites/>'))).toThrow(/junit\.xml is not JSON \(/);
    expect(() => readResultsFile(write('other.json', '{"a":1}'))).toThrow(
      /other\.json is not a results\.json of parsec-conformance: it has no 'target' object; pass/,
    );
    expect(() => readResultsFile(write('newer.json', JSON.stringify({ ...valid, formatVersion: 99 })))).toThrow(
      /has format version 99, this harness reads up to \d+: use the parsec-conformance that wrote it, or a newer one/,
    );
  });
});

describe('resultsProblem', () => {
  it.each([
    [[], 'expected a JSON object'],
    [{ ...valid, target: { kind: 'native' } }, 'target.parsecVersion is undefined, expected a string'],
    [{ ...valid, startedAt: undefined }, "'startedAt' is missing"],
    [{ ...valid, cases: {} }, "it has no 'cases' array"],
    [{ ...valid, cases: [{ status: 'passed' }] }, "cases[0] has no string 'id'"],
    [
      { ...valid, cases: [{ id: 'x', status: 'ok', durationMs: 1 }] },
      'case x has status "ok", expected one of passed, failed, skipped, expected-fail, unexpected-pass, flaky',
    ],
    [{ ...valid, cases: [{ id: 'x', status: 'passed' }] }, "case x has no numeric 'durationMs'"],
  ])('%#', (data, problem) => expect(resultsProblem(data)).toBe(problem));
  it('accepts a valid file', () => expect(resultsProblem(valid)).toBeUndefined());
});
