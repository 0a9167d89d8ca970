import type { CaseResult, RunResults } from './model';

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for XML 1.0 and drops the control characters XML cannot carry at all. */
export function xmlEscape(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/[&<>"']/g, (c) => XML_ESCAPES[c])
  );
}

/**
 * The `type` of the <skipped> element of an expected failure: pytest's. Every consumer shows it as a skip with its
 * message (never as a pass), and those that know pytest's convention as an expected failure.
 */
export const XFAIL_TYPE = 'pytest.xfail';
/** The `type` of the <skipped> element of a flaky case that failed this time. */
export const FLAKY_TYPE = 'flaky';

function seconds(ms: number): string {
  return (Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0).toFixed(3);
}

/** Escapes text for an attribute value; line breaks and tabs as references, which attribute normalisation keeps. */
function attrEscape(text: string): string {
  return xmlEscape(text).replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** ` name="value"` for each defined value, escaped. */
function attrs(pairs: readonly (readonly [string, string | number | undefined])[]): string {
  return pairs
    .filter((p): p is readonly [string, string | number] => p[1] !== undefined)
    .map(([k, v]) => ` ${k}="${attrEscape(String(v))}"`)
    .join('');
}

function propertiesXml(pairs: readonly (readonly [string, string])[], indent: string): string[] {
  return [
    `${indent}<properties>`,
    ...pairs.map(
      ([k, v]) =>
        `${indent}  <property${attrs([
          ['name', k],
          ['value', v],
        ])}/>`,
    ),
    `${indent}</properties>`,
  ];
}

/**
 * `<provider>.<suite>`, or `<provider>.<suite>.<variant>` for a variant's cases. A suite whose name already begins with
 * its provider's key and a '-' is about that provider alone, so the provider is not repeated: the PIN matrix's cases
 * (provider `pkcs11`, suite `pkcs11-pin`) are `pkcs11-pin.<quirk>`, not `pkcs11.pkcs11-pin.<quirk>`.
 */
function classnameOf(c: CaseResult): string {
  const provider = c.suite.startsWith(`${c.provider}-`) ? [] : [c.provider];
  return [...provider, c.suite, ...(c.variant !== undefined ? [c.variant] : [])].join('.');
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').slice(0, 500);
}

/** The case's message, with what this run observed appended when the message does not already say it. */
function withObserved(c: CaseResult, fallback: string): string {
  const message = c.message || c.expectation?.reason || fallback;
  return c.observed !== undefined && !message.includes('observed:') ? `${message}; observed: ${c.observed}` : message;
}

/**
 * The expectation entry behind an xfail or flaky case, as the body of its <skipped>: where it is and its evidence (its
 * reason is already the message).
 */
function expectationText(c: CaseResult): string {
  const e = c.expectation;
  if (!e) return '';
  return [
    `expectation: ${e.outcome} ${e.case} (${e.source})`,
    ...(e.evidence ? [`evidence: ${e.evidence}`] : []),
    ...(e.link ? [`link: ${e.link}`] : []),
  ].join('\n');
}

function failureBody(c: CaseResult): string {
  const r = c.failedRequest;
  const request = r
    ? [
        `request: ${r.opcode} to ${r.provider}${r.status ? `, answered ${r.status}` : ', no answer'}${r.summary ? ` (${r.summary})` : ''}`,
      ]
    : [];
  return [c.message, ...request].filter((t) => t).join('\n');
}

/**
 * How a case shows in JUnit, which knows pass, failure, error and skip only:
 * - expected-fail: a <skipped type="pytest.xfail">, pytest's convention, whose message is the reason and what this
 *   run observed. A pass would hide the known deviations from every CI view (GitLab drops a passed case's output); a
 *   failure would fail the gate.
 * - flaky: the expectation accepts both outcomes. Observed passing, it is a passing case (its status property says
 *   flaky); observed failing, a <skipped type="flaky"> with the reason: visible in every consumer, yet not a failure,
 *   which is what the entry promises. Surefire's <flakyFailure> would fit better, but it marks a case that failed and
 *   then passed on a rerun, and most consumers outside Jenkins drop it.
 * - unexpected-pass: a recorded deviation did not show. Under --strict (the release gate) a <failure>; without it
 *   the gate passes, so a <skipped type="unexpected-pass"> that says so: CI shows what the exit status says.
 */
function outcomeXml(c: CaseResult, strict: boolean): string[] {
  const i = '      ';
  switch (c.status) {
    case 'passed':
      return [];
    case 'skipped':
      return [`${i}<skipped${attrs([['message', c.message]])}/>`];
    case 'expected-fail':
      return [
        `${i}<skipped${attrs([
          ['type', XFAIL_TYPE],
          ['message', withObserved(c, 'expected failure')],
        ])}>${xmlEscape(expectationText(c))}</skipped>`,
      ];
    case 'flaky':
      if (c.observed !== 'failed') return [];
      return [
        `${i}<skipped${attrs([
          ['type', FLAKY_TYPE],
          ['message', withObserved(c, 'flaky')],
        ])}>${xmlEscape(expectationText(c))}</skipped>`,
      ];
    case 'unexpected-pass':
    case 'failed': {
      if (c.status === 'unexpected-pass' && !strict) {
        return [
          `${i}<skipped${attrs([
            ['type', 'unexpected-pass'],
            ['message', `${firstLine(c.message) || 'unexpected pass'} (fails the gate with --strict)`],
          ])}>${xmlEscape(expectationText(c))}</skipped>`,
        ];
      }
      const fallback = c.status === 'failed' ? 'failed' : 'unexpected pass';
      return [
        `${i}<failure${attrs([
          ['message', firstLine(c.message) || fallback],
          ['type', c.status],
        ])}>${xmlEscape(failureBody(c))}</failure>`,
        // The service's own lines from the case's time span: GitLab and Jenkins show <system-out> of a failed case.
        ...(c.logLines && c.logLines.length > 0
          ? [`${i}<system-out>${xmlEscape(c.logLines.join('\n'))}</system-out>`]
          : []),
      ];
    }
  }
}

function caseXml(c: CaseResult, strict: boolean): string {
  const open = `    <testcase${attrs([
    ['classname', classnameOf(c)],
    ['name', c.title],
    ['time', seconds(c.durationMs)],
    ['file', c.file || undefined],
  ])}>`;
  const props = propertiesXml(
    [
      ['id', c.id],
      ['opcode', c.opcode],
      ['status', c.status],
      ...(c.observed !== undefined ? [['observed', c.observed] as const] : []),
    ],
    '      ',
  );
  return [open, ...props, ...outcomeXml(c, strict), '    </testcase>'].join('\n');
}

function isFailure(c: CaseResult, strict: boolean): boolean {
  return c.status === 'failed' || (strict && c.status === 'unexpected-pass');
}

/** Counted as skipped exactly when outcomeXml writes a <skipped>, so the counts match the elements. */
function isSkipped(c: CaseResult, strict: boolean): boolean {
  return (
    c.status === 'skipped' ||
    c.status === 'expected-fail' ||
    (!strict && c.status === 'unexpected-pass') ||
    (c.status === 'flaky' && c.observed === 'failed')
  );
}

function counts(cs: readonly CaseResult[], strict: boolean): [string, number][] {
  return [
    ['tests', cs.length],
    ['failures', cs.filter((c) => isFailure(c, strict)).length],
    ['errors', 0],
    ['skipped', cs.filter((c) => isSkipped(c, strict)).length],
  ];
}

/** What every suite repeats, since CI tools show a suite's properties and ignore the root's. */
function environment(results: RunResults): [string, string][] {
  const t = results.target;
  return [
    ['target.kind', t.kind],
    ['parsec.version', t.parsecVersion],
    ...(t.parsecSource ? [['parsec.source', t.parsecSource] as [string, string]] : []),
    ...Object.entries(t.backends ?? {}).map(([k, v]): [string, string] => [`backend.${k}`, v]),
  ];
}

function runProperties(results: RunResults): [string, string][] {
  const t = results.target;
  return [
    ['target.kind', t.kind],
    ['parsec.version', t.parsecVersion],
    ['parsec.binary', t.parsecBinary],
    ...(t.parsecSource ? [['parsec.source', t.parsecSource] as [string, string]] : []),
    ...(t.packageVersion ? [['parsec.package', t.packageVersion] as [string, string]] : []),
    ...(t.features ? [['parsec.features', t.features.join(',')] as [string, string]] : []),
    ...Object.entries(t.backends ?? {}).map(([k, v]): [string, string] => [`backend.${k}`, v]),
    ['providers', t.providers.map((p) => `${p.id}:${p.name}@${p.version}`).join(',')],
  ];
}

/**
 * One <testsuite> per classname (see classnameOf), so CI tools group cases the way the suites are laid out. Valid
 * against test/fixtures/junit/junit-jenkins.xsd (Jenkins' junit-10.xsd with the extensions its header lists).
 */
export function renderJunit(results: RunResults): string {
  const groups = new Map<string, CaseResult[]>();
  for (const c of results.cases) {
    const key = classnameOf(c);
    const list = groups.get(key) ?? [];
    list.push(c);
    groups.set(key, list);
  }
  const env = environment(results);
  const strict = results.options?.strict === true;
  const suites = [...groups.entries()].map(([name, cs]) => {
    const files = new Set(cs.map((c) => c.file));
    const file = files.size === 1 ? [...files][0] : undefined;
    const open = `  <testsuite${attrs([
      ['name', name],
      ...counts(cs, strict),
      ['time', seconds(cs.reduce((t, c) => t + c.durationMs, 0))],
      ['timestamp', results.startedAt],
      ['file', file || undefined],
    ])}>`;
    const provider = (cs[0] as CaseResult).provider;
    return [
      open,
      ...propertiesXml([['provider', provider], ...env], '    '),
      ...cs.map((c) => caseXml(c, strict)),
      '  </testsuite>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs([['name', 'parsec-conformance'], ...counts(results.cases, strict), ['time', seconds(results.durationMs)]])}>`,
    ...propertiesXml(runProperties(results), '  '),
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
