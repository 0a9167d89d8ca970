import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaseResult, RunResults } from '../../../harness/reports/model';
import { markdownEscape, renderPinMatrixMarkdown } from '../../../harness/reports/pin-matrix';
import { writeReports } from '../../../harness/reports/write-reports';

const SETTINGS: Readonly<Record<string, string>> = {
  absent: 'no user_pin line',
  correct: "the token's PIN as a plain string",
  wrong: "a PIN that is not the token's",
  hex: "hex: of the token's PIN bytes",
};

function cell(
  quirk: string,
  setting: string,
  status: CaseResult['status'],
  message: string,
  seen?: Record<string, unknown>,
): CaseResult {
  return {
    id: `pkcs11/pkcs11-pin/${quirk}/${setting}`,
    suite: 'pkcs11-pin',
    variant: quirk,
    provider: 'pkcs11',
    opcode: 'PsaGenerateKey',
    title: setting,
    status,
    durationMs: 900,
    message,
    ...(seen ? { observations: { quirk, setting, userPin: SETTINGS[setting], ...seen } } : {}),
  };
}

const ok = {
  PsaGenerateKey: 'Success',
  PsaExportPublicKey: 'Success',
  PsaSignHash: 'Success',
  PsaDestroyKey: 'Success',
};
const login = (pin: string, answer: string) => ({ user: 'user', pin, answer });
const VENDOR =
  "the run tests a PKCS#11 module of yours (/opt/hsm.so); the PIN matrix runs on the harness's own quirk tokens";

const CELLS: CaseResult[] = [
  cell('baseline', 'absent', 'expected-fail', 'Without user_pin Parsec never logs in; observed: n/a', {
    starts: true,
    operations: { PsaGenerateKey: 'PsaErrorCommunicationFailure' },
    outcome: 'PsaErrorCommunicationFailure',
    loginAttempts: [],
    expected: { starts: true, operations: 'PsaErrorNotPermitted' },
  }),
  cell('baseline', 'correct', 'passed', '', {
    starts: true,
    operations: ok,
    outcome: 'Success',
    loginAttempts: [login("the token's PIN", 'CKR_OK')],
    expected: { starts: true, operations: 'Success' },
  }),
  cell('baseline', 'wrong', 'passed', '', {
    starts: false,
    startFailure: { reason: 'the service exited', errorLines: ['[ERROR] The specified PIN is incorrect'] },
    operations: {},
    outcome: 'does not start',
    loginAttempts: [login('another PIN of 17 bytes', 'CKR_PIN_INCORRECT')],
    expected: { starts: false },
  }),
  cell('binary-pin', 'hex', 'expected-fail', 'Parsec decodes hex: with from_utf8_lossy; observed: n/a\nsecond line', {
    starts: false,
    startFailure: {
      reason: 'the service exited with code 1 | before answering Ping',
      errorLines: [
        '[ERROR parsec_service::providers::pkcs11::utils] Error converted to `PsaErrorCommunicationFailure`',
      ],
    },
    operations: {},
    outcome: 'does not start',
    loginAttempts: [login("the token's PIN with its non-UTF-8 bytes replaced by U+FFFD", 'CKR_PIN_INCORRECT')],
    expected: { starts: true, operations: 'Success' },
  }),
  cell('pin|lockout', 'wrong', 'failed', 'Error: it tried a refused PIN 3 times (at most 1): *lockout*\n    at stack', {
    starts: false,
    startFailure: { reason: 'the service exited', errorLines: [] },
    operations: {},
    outcome: 'does not start',
    loginAttempts: [
      login('another PIN of 17 bytes', 'CKR_PIN_INCORRECT'),
      login('another PIN of 17 bytes', 'CKR_PIN_INCORRECT'),
      login('another PIN of 17 bytes', 'CKR_PIN_INCORRECT'),
      login('another PIN of 17 bytes', 'CKR_PIN_LOCKED'),
    ],
    expected: { starts: false },
  }),
  cell('pin|lockout', 'correct', 'passed', '', {
    starts: true,
    operations: { ...ok, PsaSignHash: 'Success, but the signature does not verify' },
    outcome: 'Success, but the signature does not verify',
    loginAttempts: [login("the token's PIN", 'CKR_OK')],
    expected: { starts: true, operations: 'Success' },
  }),
  cell('any-pin', 'absent', 'skipped', VENDOR),
  cell('any-pin', 'hex', 'skipped', VENDOR),
];

function run(cases: CaseResult[]): RunResults {
  return {
    target: {
      kind: 'containers',
      parsecVersion: '1.4.1',
      parsecBinary: '/usr/bin/parsec',
      parsecSource: 'debian:trixie',
      providers: [{ id: 2, name: 'PKCS #11 provider', version: '0.1.0' }],
    },
    startedAt: '2026-11-29T00:00:00.000Z',
    durationMs: 60_000,
    cases,
  };
}

const PING: CaseResult = {
  id: 'core/ping/answers',
  suite: 'ping',
  provider: 'core',
  opcode: 'Ping',
  title: 'answers',
  status: 'passed',
  durationMs: 3,
  message: '',
};

/** A table row's cells: split on the pipes that are not escaped. */
const cellsOf = (row: string): string[] =>
  row
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((c) => c.trim());

describe('renderPinMatrixMarkdown', () => {
  const md = renderPinMatrixMarkdown(run([PING, ...CELLS])) as string;
  const lines = md.split('\n');
  const table = lines.filter((l) => l.startsWith('|'));

  it('is undefined for a run without matrix cells', () => {
    expect(renderPinMatrixMarkdown(run([PING]))).toBeUndefined();
  });

  it('heads the report with the Parsec version and target, and counts the cells by status', () => {
    expect(lines[0]).toBe('# PKCS#11 PIN matrix');
    expect(md).toContain(
      'Parsec 1.4.1 on the containers target (debian:trixie), run started 2026-11-29T00:00:00.000Z.',
    );
    expect(md).toContain('8 cells: 3 ✓ passed, 2 ⚠ expected-fail, 1 ✗ failed, 2 – skipped.');
  });

  it('lays quirks out as rows and settings as columns, in the order they ran', () => {
    expect(table).toHaveLength(2 + 4);
    expect(cellsOf(table[0] as string)).toEqual(['quirk token', 'absent', 'correct', 'wrong', 'hex']);
    expect(cellsOf(table[1] as string)).toEqual(['---', '---', '---', '---', '---']);
    expect(table.slice(2).map((r) => cellsOf(r)[0])).toEqual(['baseline', 'binary-pin', 'pin\\|lockout', 'any-pin']);
    for (const row of table) expect(cellsOf(row)).toHaveLength(5);
  });

  it('gives each cell its marker, short outcome and login count', () => {
    expect(cellsOf(table[2] as string)).toEqual([
      'baseline',
      '⚠ GenerateKey: PsaErrorCommunicationFailure (0 logins)',
      '✓ ok (1 login)',
      '✓ no start (1 login)',
      '',
    ]);
    expect(cellsOf(table[3] as string)).toEqual(['binary-pin', '', '', '', '⚠ no start (1 login)']);
    expect(cellsOf(table[4] as string)).toEqual([
      'pin\\|lockout',
      '',
      '✓ SignHash: Success, but the signature does not verify (1 login)',
      '✗ no start (4 logins)',
      '',
    ]);
    expect(cellsOf(table[5] as string)).toEqual(['any-pin', '–', '', '', '–']);
  });

  it('has a legend for every marker and describes the settings', () => {
    for (const mark of ['✓', '⚠', '✗', '‼', '–']) expect(lines).toContainEqual(expect.stringMatching(`^- ${mark} `));
    expect(md).toContain("- `hex`: hex: of the token's PIN bytes");
  });

  it('lists failures and known deviations with the first line of their message, start failure and logins', () => {
    const failures = md.slice(md.indexOf('## Failures'), md.indexOf('## Known deviations'));
    expect(failures).toContain(
      '- ✗ **pin\\|lockout / wrong**: Error: it tried a refused PIN 3 times (at most 1): \\*lockout\\*\n',
    );
    expect(failures).not.toContain('at stack');
    expect(failures).toContain('  - start failure: the service exited\n');
    expect(failures).toContain(
      '  - logins: 3 × user with another PIN of 17 bytes → `CKR_PIN_INCORRECT`; user with another PIN of 17 bytes → `CKR_PIN_LOCKED`',
    );
    const deviations = md.slice(md.indexOf('## Known deviations'), md.indexOf('## Skipped'));
    expect(deviations).toContain('- ⚠ **baseline / absent**: Without user\\_pin Parsec never logs in; observed: n/a\n');
    expect(deviations).toContain(
      '  - expected: starts; operations end in PsaErrorNotPermitted; seen: starts; GenerateKey PsaErrorCommunicationFailure',
    );
    expect(deviations).toContain('  - logins: none');
    expect(deviations).not.toContain('second line');
    expect(deviations).toContain('  - start failure: the service exited with code 1 \\| before answering Ping\n');
    expect(deviations).toContain(
      [
        '    ```',
        '    [ERROR parsec_service::providers::pkcs11::utils] Error converted to `PsaErrorCommunicationFailure`',
        '    ```',
      ].join('\n'),
    );
    expect(md).not.toContain('baseline / correct');
  });

  it('still shows a cell that failed before it observed anything', () => {
    const bare = renderPinMatrixMarkdown(
      run([cell('baseline', 'hex', 'failed', 'Error: the quirk token did not build')]),
    );
    expect(bare).toContain('| baseline | ✗ no observation |');
    expect(bare).toContain('- ✗ **baseline / hex**: Error: the quirk token did not build\n');
  });

  it('gathers the skip reasons', () => {
    expect(md).toContain(`## Skipped\n\n- 2 cells: ${markdownEscape(VENDOR)}\n`);
  });
});

describe('markdownEscape', () => {
  it('escapes pipes, emphasis, code and HTML, and keeps one line', () => {
    expect(markdownEscape('a|b *c* _d_ `e` <f> [g](h)\nnext')).toBe(
      'a\\|b \\*c\\* \\_d\\_ \\`e\\` \\<f\\> \\[g\\](h) next',
    );
  });
});

describe('writeReports and the PIN matrix', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pin-matrix-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes pkcs11-pin-matrix.md when the run has matrix cells', () => {
    const { written, errors } = writeReports(run([PING, ...CELLS]), dir);
    expect(errors).toEqual([]);
    expect(written).toContain(join(dir, 'pkcs11-pin-matrix.md'));
    expect(readFileSync(join(dir, 'pkcs11-pin-matrix.md'), 'utf8')).toContain('# PKCS#11 PIN matrix');
  });

  it('writes none without them, and removes the one an earlier run left', () => {
    writeFileSync(join(dir, 'pkcs11-pin-matrix.md'), 'stale');
    const { written, errors } = writeReports(run([PING]), dir);
    expect(errors).toEqual([]);
    expect(written.map((w) => w.slice(dir.length + 1))).toEqual([
      'junit.xml',
      'results.json',
      'report.html',
      'summary.md',
    ]);
    expect(existsSync(join(dir, 'pkcs11-pin-matrix.md'))).toBe(false);
  });
});
