import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  capLines,
  caseLogLines,
  caseLogSources,
  entriesWithin,
  MAX_CASE_LOG_LINES,
  parseTimestampedLog,
  withCaseRecords,
  withholdPinLines,
} from '../../../harness/reports/case-logs';
import type { CaseResult } from '../../../harness/reports/model';

const at = (ms: string, text: string) => `[2026-11-29T10:00:${ms}Z INFO  parsec_service::front::front_end] ${text}`;
const span = (from: string, to: string) => ({
  id: 'x',
  startedAt: `2026-11-29T10:00:${from}Z`,
  endedAt: `2026-11-29T10:00:${to}Z`,
});

describe('the lines of a case span', () => {
  const log = [
    '[INFO  parsec] a line of a log written without timestamps',
    at('01.000', 'before'),
    at('01.100', 'first of the case'),
    'a continuation line of that message',
    at('01.200', 'last of the case'),
    at('01.201', 'Response sent back a millisecond late'),
    at('01.203', 'the next case'),
  ].join('\n');

  it('reads Parsec 1.4.1/1.5.0 stamps, keeps continuation lines with their message, skips unstamped heads', () => {
    const entries = parseTimestampedLog(log);
    expect(entries.map((e) => e.line)).toEqual(log.split('\n').slice(1));
    expect(entries[2]?.at).toBe(Date.parse('2026-11-29T10:00:01.100Z'));
  });

  it('cuts [start, end + 1 ms]: nothing of the case before or after', () => {
    expect(caseLogLines(span('01.100', '01.200'), 'ping', [{ entries: parseTimestampedLog(log) }])).toEqual([
      at('01.100', 'first of the case'),
      'a continuation line of that message',
      at('01.200', 'last of the case'),
      at('01.201', 'Response sent back a millisecond late'),
    ]);
    expect(entriesWithin(parseTimestampedLog(log), 0, 1)).toEqual([]);
  });

  it("takes another suite's own-target log only for that suite's cases, labelled, merged in time order", () => {
    const own = {
      label: 'targets/admins/root.parsec.log',
      suite: 'admins',
      entries: parseTimestampedLog(at('01.150', 'own')),
    };
    const sources = [{ entries: parseTimestampedLog(log) }, own];
    expect(caseLogLines(span('01.100', '01.200'), 'admins', sources)).toContain(
      `targets/admins/root.parsec.log: ${at('01.150', 'own')}`,
    );
    expect(caseLogLines(span('01.100', '01.200'), 'admins', sources)[2]).toMatch(/own$/);
    expect(caseLogLines(span('01.100', '01.200'), 'ping', sources).join('\n')).not.toContain('own');
  });

  it('caps a long span at 50 lines, keeping head and tail and saying how many it left out', () => {
    const lines = Array.from({ length: 120 }, (_, i) => `line ${i}`);
    const capped = capLines(lines);
    expect(capped).toHaveLength(MAX_CASE_LOG_LINES);
    expect(capped[0]).toBe('line 0');
    expect(capped.at(-1)).toBe('line 119');
    expect(capped).toContain("… 71 lines of this case's span left out (the whole log is next to the reports) …");
    expect(capLines(lines.slice(0, 50))).toEqual(lines.slice(0, 50));
  });

  it('withholds lines that mention a PIN where no redactor is at hand', () => {
    expect(withholdPinLines('ok\nLogin failed: CKR_PIN_INCORRECT\nowner_hierarchy_auth x')).toBe(
      'ok\n<line withheld: it mentions a PIN>\n<line withheld: it mentions a PIN>',
    );
  });
});

describe('caseLogSources and withCaseRecords', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'pc-case-logs-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  it("redacts the run target's log, reads the kept logs of own targets by suite, and fills each case", () => {
    writeFileSync(join(out, 'run.log'), `${at('01.100', 'user_pin 0123456789abcdef rejected')}\n`);
    mkdirSync(join(out, 'targets', 'service-config'), { recursive: true });
    writeFileSync(join(out, 'targets', 'service-config', 'v1.parsec.log'), `${at('01.150', 'variant')}\n`);
    writeFileSync(join(out, 'targets', 'service-config', 'v1.swtpm.log'), `${at('01.150', 'not parsec')}\n`);
    const sources = caseLogSources(join(out, 'run.log'), (t) => t.split('0123456789abcdef').join('***'), out);
    expect(sources.map((s) => [s.label, s.suite])).toEqual([
      [undefined, undefined],
      ['targets/service-config/v1.parsec.log', 'service-config'],
    ]);
    const base = { provider: 'mbed', opcode: 'Ping', title: 't', durationMs: 1, message: '' };
    const cases: CaseResult[] = [
      { ...base, id: 'mbed/service-config/a', suite: 'service-config', status: 'failed' },
      { ...base, id: 'mbed/service-config/b', suite: 'service-config', status: 'passed' },
      { ...base, id: 'mbed/ping/c', suite: 'ping', status: 'skipped' },
    ];
    const request = { opcode: 'Ping', provider: 'core', status: 'ConnectionError' };
    const filled = withCaseRecords(
      cases,
      new Map([
        ['mbed/service-config/a', { ...span('01.000', '01.200'), id: 'mbed/service-config/a' }],
        ['mbed/service-config/b', { ...span('02.000', '02.200'), id: 'mbed/service-config/b' }],
      ]),
      new Map([
        ['mbed/service-config/a', request],
        ['mbed/service-config/b', request],
      ]),
      sources,
    );
    expect(filled[0]).toMatchObject({
      startedAt: '2026-11-29T10:00:01.000Z',
      failedRequest: request,
      logLines: [
        at('01.100', 'user_pin *** rejected'),
        `targets/service-config/v1.parsec.log: ${at('01.150', 'variant')}`,
      ],
    });
    // A passed case has no failed request, and a span without lines no logLines.
    expect(filled[1]).toEqual({ ...cases[1], startedAt: '2026-11-29T10:00:02.000Z' });
    expect(filled[2]).toEqual(cases[2]);
  });

  it('has no source where the service left no log (an external target)', () => {
    expect(caseLogSources(undefined, (t) => t, out)).toEqual([]);
  });
});
