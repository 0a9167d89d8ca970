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

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
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

function caseXml(c: CaseResult): string {
  const open = `    <testcase classname="${xmlEscape(classnameOf(c))}" name="${xmlEscape(c.title)}" time="${seconds(c.durationMs)}">`;
  const idProp = `      <properties><property name="id" value="${xmlEscape(c.id)}"/><property name="opcode" value="${xmlEscape(c.opcode)}"/><property name="status" value="${c.status}"/></properties>`;
  const close = '    </testcase>';
  switch (c.status) {
    case 'passed':
      return [open, idProp, close].join('\n');
    case 'flaky':
    case 'expected-fail':
      // A known deviation is not a regression; JUnit has no such state, so it passes with its reason on record.
      return [
        open,
        idProp,
        `      <system-out>${xmlEscape(`expected failure: ${c.message}`)}</system-out>`,
        close,
      ].join('\n');
    case 'skipped':
      return [open, idProp, `      <skipped message="${xmlEscape(c.message)}"/>`, close].join('\n');
    case 'failed':
    case 'unexpected-pass': {
      const summary = c.status === 'unexpected-pass' ? 'unexpected pass' : (c.message.split('\n')[0] ?? 'failed');
      return [
        open,
        idProp,
        `      <failure message="${xmlEscape(summary.slice(0, 500))}" type="${c.status}">${xmlEscape(c.message)}</failure>`,
        close,
      ].join('\n');
    }
  }
}

/** One <testsuite> per classname (see classnameOf), so CI tools group cases the way the suites are laid out. */
export function renderJunit(results: RunResults): string {
  const groups = new Map<string, CaseResult[]>();
  for (const c of results.cases) {
    const key = classnameOf(c);
    const list = groups.get(key) ?? [];
    list.push(c);
    groups.set(key, list);
  }
  const count = (cs: readonly CaseResult[], ...statuses: CaseResult['status'][]): number =>
    cs.filter((c) => statuses.includes(c.status)).length;
  const suites = [...groups.entries()].map(([name, cs]) => {
    const time = cs.reduce((t, c) => t + c.durationMs, 0);
    return [
      `  <testsuite name="${xmlEscape(name)}" tests="${cs.length}" failures="${count(cs, 'failed', 'unexpected-pass')}" errors="0" skipped="${count(cs, 'skipped')}" time="${seconds(time)}" timestamp="${xmlEscape(results.startedAt)}">`,
      ...cs.map(caseXml),
      '  </testsuite>',
    ].join('\n');
  });
  const all = results.cases;
  const t = results.target;
  const props = [
    ['target.kind', t.kind],
    ['parsec.version', t.parsecVersion],
    ['parsec.binary', t.parsecBinary],
    ...(t.parsecSource ? [['parsec.source', t.parsecSource]] : []),
    ...(t.packageVersion ? [['parsec.package', t.packageVersion]] : []),
    ...(t.features ? [['parsec.features', t.features.join(',')]] : []),
    ...Object.entries(t.backends ?? {}).map(([k, v]) => [`backend.${k}`, v]),
    ['providers', t.providers.map((p) => `${p.id}:${p.name}@${p.version}`).join(',')],
  ]
    .map(([k, v]) => `    <property name="${xmlEscape(k)}" value="${xmlEscape(v)}"/>`)
    .join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="parsec-conformance" tests="${all.length}" failures="${count(all, 'failed', 'unexpected-pass')}" errors="0" skipped="${count(all, 'skipped')}" time="${seconds(results.durationMs)}">`,
    '  <properties>',
    props,
    '  </properties>',
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
