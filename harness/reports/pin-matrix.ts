import { countByStatus, type CaseResult, type CaseStatus, type RunResults } from './model';

/** The suite whose cases are the matrix: its variant is the quirk token, its title the user_pin setting. */
export const PIN_MATRIX_SUITE = 'pkcs11-pin';

/** Each status's marker and words, in the legend's order; a Record so a new status breaks the build here. */
const STATUS_MARKS: Readonly<Record<CaseStatus, { mark: string; meaning: string }>> = {
  passed: { mark: '✓', meaning: 'passed: what a correct service does' },
  'expected-fail': { mark: '⚠', meaning: 'expected failure: a known deviation of the service (fixtures/expectations)' },
  failed: { mark: '✗', meaning: 'failed' },
  'unexpected-pass': { mark: '‼', meaning: 'unexpected pass: a recorded deviation did not show, its entry is stale' },
  skipped: { mark: '–', meaning: 'skipped' },
  flaky: { mark: '~', meaning: 'flaky: a recorded entry accepts either outcome (fixtures/expectations)' },
};

interface LoginAttemptView {
  readonly user: string;
  readonly pin: string;
  readonly answer: string;
}

/**
 * A cell's observations as suites/pkcs11-pin records them. Reports sit below suites and targets, so the shape is
 * restated here and read field by field: a case without observations (skipped, or failed before it saw anything)
 * or from an older harness still renders.
 */
interface CellView {
  readonly userPin?: string;
  readonly starts?: boolean;
  readonly startFailure?: { readonly reason: string; readonly errorLines: readonly string[] };
  readonly operations: readonly (readonly [string, string])[];
  readonly outcome?: string;
  readonly loginAttempts?: readonly LoginAttemptView[];
  readonly expected?: { readonly starts: boolean; readonly operations?: string };
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function record(v: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function viewOf(o: Readonly<Record<string, unknown>> | undefined): CellView {
  const failure = record(o?.startFailure);
  const expected = record(o?.expected);
  const attempts = Array.isArray(o?.loginAttempts) ? (o.loginAttempts as unknown[]) : undefined;
  return {
    userPin: text(o?.userPin),
    starts: typeof o?.starts === 'boolean' ? o.starts : undefined,
    startFailure: failure
      ? {
          reason: text(failure.reason) ?? 'no reason recorded',
          errorLines: Array.isArray(failure.errorLines) ? failure.errorLines.map(String) : [],
        }
      : undefined,
    operations: Object.entries(record(o?.operations) ?? {}).map(([op, s]) => [op, String(s)] as const),
    outcome: text(o?.outcome),
    loginAttempts: attempts?.map((a) => {
      const r = record(a);
      return { user: text(r?.user) ?? '?', pin: text(r?.pin) ?? '?', answer: text(r?.answer) ?? '?' };
    }),
    expected:
      expected && typeof expected.starts === 'boolean'
        ? { starts: expected.starts, operations: text(expected.operations) }
        : undefined,
  };
}

/** Markdown inline text: escapes what could open emphasis, code, a link, HTML or a table cell; one line. */
export function markdownEscape(s: string): string {
  return s.replace(/\s*\r?\n\s*/g, ' ').replace(/[\\`*_[\]<>|~&]/g, '\\$&');
}

/** A code span that holds any text: its fence is longer than any run of backticks inside. */
function code(s: string): string {
  const flat = s.replace(/\s*\r?\n\s*/g, ' ');
  const fence = '`'.repeat(Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

const shortOp = (op: string): string => op.replace(/^Psa/, '');

/** 'ok', 'no start', or the first operation that did not succeed with its answer ('GenerateKey: PsaError…'). */
function outcomeWords(v: CellView): string | undefined {
  if (v.starts === undefined) return undefined;
  if (!v.starts) return 'no start';
  const failed = v.operations.find(([, s]) => s !== 'Success');
  if (failed) return `${shortOp(failed[0])}: ${failed[1]}`;
  return v.outcome === undefined || v.outcome === 'Success' ? 'ok' : v.outcome;
}

function logins(n: number): string {
  return `${n} login${n === 1 ? '' : 's'}`;
}

function cellText(c: CaseResult): string {
  const v = viewOf(c.observations);
  const mark = STATUS_MARKS[c.status].mark;
  const outcome = outcomeWords(v);
  if (outcome === undefined) return c.status === 'skipped' ? mark : `${mark} no observation`;
  return `${mark} ${outcome}${v.loginAttempts ? ` (${logins(v.loginAttempts.length)})` : ''}`;
}

/** Login attempts in order, repeats of one attempt counted once ('3 × user with … → `CKR_PIN_INCORRECT`'). */
function describeLogins(attempts: readonly LoginAttemptView[]): string {
  if (attempts.length === 0) return 'none';
  const runs: { attempt: LoginAttemptView; times: number }[] = [];
  for (const a of attempts) {
    const last = runs.at(-1);
    if (last && last.attempt.user === a.user && last.attempt.pin === a.pin && last.attempt.answer === a.answer) {
      last.times += 1;
    } else runs.push({ attempt: a, times: 1 });
  }
  return runs
    .map(({ attempt, times }) => {
      const one = `${markdownEscape(attempt.user)} with ${markdownEscape(attempt.pin)} → ${code(attempt.answer)}`;
      return times > 1 ? `${times} × ${one}` : one;
    })
    .join('; ');
}

function seenWords(v: CellView): string {
  if (v.starts === undefined) return 'nothing recorded';
  if (!v.starts) return 'does not start';
  const ops = v.operations.map(([op, s]) => `${shortOp(op)} ${s}`).join(', ');
  return `starts${ops ? `; ${ops}` : ''}`;
}

function expectedWords(e: NonNullable<CellView['expected']>): string {
  return e.starts ? `starts; operations end in ${e.operations ?? 'Success'}` : 'does not start';
}

/** A fenced block nested under a sub-item of a list item (4 spaces), fenced longer than any backtick run inside. */
function nestedBlock(lines: readonly string[]): string[] {
  const longest = Math.max(0, ...lines.flatMap((l) => (l.match(/`+/g) ?? []).map((run) => run.length)));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`    ${fence}`, ...lines.map((l) => `    ${l}`), `    ${fence}`];
}

function detail(c: CaseResult, quirk: string): string[] {
  const v = viewOf(c.observations);
  const { mark, meaning } = STATUS_MARKS[c.status];
  const first = c.message.split('\n')[0]?.trim() || meaning.split(':')[0];
  const out = [`- ${mark} **${markdownEscape(`${quirk} / ${c.title}`)}**: ${markdownEscape(first ?? '')}`];
  const expected = v.expected ? `expected: ${expectedWords(v.expected)}; ` : '';
  if (v.expected || v.starts !== undefined) out.push(`  - ${markdownEscape(`${expected}seen: ${seenWords(v)}`)}`);
  if (v.startFailure) {
    out.push(`  - start failure: ${markdownEscape(v.startFailure.reason)}`);
    if (v.startFailure.errorLines.length > 0) out.push(...nestedBlock(v.startFailure.errorLines));
  }
  if (v.loginAttempts) out.push(`  - logins: ${describeLogins(v.loginAttempts)}`);
  return out;
}

function quirkOf(c: CaseResult): string {
  return c.variant ?? text(c.observations?.quirk) ?? '(no quirk)';
}

function tableRow(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/**
 * pkcs11-pin-matrix.md: the PIN matrix as a quirk × user_pin table, each cell its outcome, status and login count, then
 * the failures and known deviations with what the service said. Undefined when the run has no matrix cases. Built
 * from the cases' observations, which hold no PIN (attempts are described by what the PIN was, never by its bytes).
 */
export function renderPinMatrixMarkdown(results: RunResults): string | undefined {
  const cases = results.cases.filter((c) => c.suite === PIN_MATRIX_SUITE);
  if (cases.length === 0) return undefined;

  const quirks: string[] = [];
  const settings: string[] = [];
  const grid = new Map<string, CaseResult[]>();
  const userPins = new Map<string, string>();
  for (const c of cases) {
    const quirk = quirkOf(c);
    if (!quirks.includes(quirk)) quirks.push(quirk);
    if (!settings.includes(c.title)) settings.push(c.title);
    const key = JSON.stringify([quirk, c.title]);
    grid.set(key, [...(grid.get(key) ?? []), c]);
    const userPin = viewOf(c.observations).userPin;
    if (userPin !== undefined && !userPins.has(c.title)) userPins.set(c.title, userPin);
  }

  const t = results.target;
  const built = [
    ...(t.parsecSource ? [t.parsecSource] : []),
    ...(t.packageVersion ? [`package ${t.packageVersion}`] : []),
    ...(t.features?.length ? [`features ${t.features.join(', ')}`] : []),
  ].join(', ');
  const parsec = `Parsec ${t.parsecVersion} on the ${t.kind} target${built ? ` (${built})` : ''}`;
  const counts = countByStatus(cases);
  const summary = Object.entries(STATUS_MARKS)
    .filter(([s]) => counts[s as CaseStatus] > 0)
    .map(([s, { mark }]) => `${counts[s as CaseStatus]} ${mark} ${s}`)
    .join(', ');

  const lines = [
    '# PKCS#11 PIN matrix',
    '',
    `${markdownEscape(`${parsec}, run started ${results.startedAt}`)}.`,
    `${cases.length} cells: ${summary}.`,
    '',
    tableRow(['quirk token', ...settings.map(markdownEscape)]),
    tableRow(['---', ...settings.map(() => '---')]),
    ...quirks.map((q) =>
      tableRow([
        markdownEscape(q),
        ...settings.map((s) =>
          (grid.get(JSON.stringify([q, s])) ?? []).map((c) => markdownEscape(cellText(c))).join(' / '),
        ),
      ]),
    ),
    '',
    '## Legend',
    '',
    ...Object.values(STATUS_MARKS).map(({ mark, meaning }) => `- ${mark} ${markdownEscape(meaning)}`),
    '- `ok`: the service started and GenerateKey, ExportPublicKey, SignHash (its signature verified) and DestroyKey succeeded',
    '- `no start`: the service did not start',
    '- `Operation: Status`: the first operation that did not succeed, and its answer',
    '- `(n logins)`: the `C_Login` calls the quirk token saw, whatever their answer',
    ...(userPins.size > 0
      ? [
          '',
          'The `user_pin` settings:',
          '',
          ...settings
            .filter((s) => userPins.has(s))
            .map((s) => `- ${code(s)}: ${markdownEscape(userPins.get(s) ?? '')}`),
        ]
      : []),
  ];

  const section = (title: string, statuses: readonly CaseStatus[]): string[] => {
    const listed = cases.filter((c) => statuses.includes(c.status));
    return listed.length === 0 ? [] : ['', `## ${title}`, '', ...listed.flatMap((c) => detail(c, quirkOf(c)))];
  };
  lines.push(...section('Failures', ['failed', 'unexpected-pass']), ...section('Known deviations', ['expected-fail']));

  const skipped = cases.filter((c) => c.status === 'skipped');
  if (skipped.length > 0) {
    const reasons = new Map<string, number>();
    for (const c of skipped) reasons.set(c.message, (reasons.get(c.message) ?? 0) + 1);
    lines.push(
      '',
      '## Skipped',
      '',
      ...[...reasons].map(
        ([reason, n]) => `- ${n} cell${n === 1 ? '' : 's'}: ${markdownEscape(reason || 'no reason recorded')}`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}
