import { REPORT_CSS, REPORT_SCRIPT } from './html-assets';
import { CASE_STATUSES, countByStatus, runSucceeded, type CaseResult, type CaseStatus, type RunResults } from './model';
import {
  appliedEntries,
  environmentFacts,
  matrixOf,
  opcodeOrder,
  providerOrder,
  STATUS_SEVERITY,
  STATUS_SHORT,
  variantSuites,
  worstStatus,
  type AppliedEntry,
  type MatrixCell,
} from './report-views';

/** Cases listed in full in the page itself (failures, unexpected passes, flaky); the rest are in the case browser. */
const STATIC_CASE_CAP = 300;
/** Service log lines a case carries into the page; results.json has them all. */
const LOG_LINE_CAP = 200;

export function htmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** JSON inside a <script> block: no `<` survives, so neither `</script>` nor `<!--` can end or bend the block. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const e = htmlEscape;

function attrs(a: Readonly<Record<string, string | undefined>>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${e(v as string)}"`)
    .join('');
}

function cellHtml(cell: MatrixCell | undefined, scope: Readonly<Record<string, string>>): string {
  if (!cell) return '<td class="empty">·</td>';
  const worst = worstStatus(cell.counts) ?? 'passed';
  const parts = CASE_STATUSES.filter((s) => cell.counts[s] > 0)
    .map((s) => `<span class="n st-${s}">${cell.counts[s]} ${STATUS_SHORT[s]}</span>`)
    .join('');
  const bar = CASE_STATUSES.filter((s) => cell.counts[s] > 0)
    .map((s) => `<span class="st-${s}" style="flex:${cell.counts[s]}"></span>`)
    .join('');
  const title = CASE_STATUSES.filter((s) => cell.counts[s] > 0)
    .map((s) => `${cell.counts[s]} ${s}`)
    .join(', ');
  return `<td class="cell st-${worst}" tabindex="0"${attrs({ ...scope, title })}>${parts}<div class="bar">${bar}</div></td>`;
}

function sumCells(cells: Iterable<MatrixCell>): MatrixCell {
  const counts = countByStatus([]);
  let total = 0;
  for (const c of cells) {
    for (const s of CASE_STATUSES) counts[s] += c.counts[s];
    total += c.total;
  }
  return { counts, total };
}

/** Operations down, providers across; a row and a column of totals. Every cell opens its cases in the browser below. */
function opcodeMatrix(cases: readonly CaseResult[], caption: string): string {
  const providers = providerOrder(cases);
  const opcodes = opcodeOrder(cases);
  const m = matrixOf(
    cases,
    (c) => c.opcode,
    (c) => c.provider,
  );
  const head = `<tr><th>operation</th>${providers.map((p) => `<th>${e(p)}</th>`).join('')}<th>all</th></tr>`;
  const rows = opcodes.map((o) => {
    const row = m.get(o) ?? new Map<string, MatrixCell>();
    const cells = providers.map((p) =>
      cellHtml(row.get(p), { 'data-o': o, 'data-p': p, 'data-label': `${o} on ${p}` }),
    );
    const total = cellHtml(sumCells(row.values()), { 'data-o': o, 'data-label': o });
    return `<tr><th class="row">${e(o)}</th>${cells.join('')}${total.replace('class="cell', 'class="cell total')}</tr>`;
  });
  const byProvider = providers.map((p) =>
    cellHtml(sumCells([...m.values()].flatMap((r) => (r.get(p) ? [r.get(p) as MatrixCell] : []))), {
      'data-p': p,
      'data-label': `provider ${p}`,
    }),
  );
  const foot = `<tr><th class="row">all operations</th>${byProvider.join('')}${cellHtml(
    { counts: countByStatus(cases), total: cases.length },
    { 'data-label': 'all cases' },
  )}</tr>`;
  return `<table class="matrix" id="matrix"><caption class="muted">${e(caption)}</caption><thead>${head}</thead><tbody>${rows.join('')}${foot}</tbody></table>`;
}

/** A suite run once per configuration: its variants down, its operation × provider pairs across. */
function variantMatrix(suite: string, variants: readonly string[], cases: readonly CaseResult[]): string {
  const colOf = (c: CaseResult) => `${c.opcode} on ${c.provider}`;
  const cols = [...new Set(cases.map(colOf))];
  const m = matrixOf(cases, (c) => c.variant as string, colOf);
  const head = `<tr><th>variant</th>${cols.map((c) => `<th>${e(c)}</th>`).join('')}</tr>`;
  const rows = variants.map((v) => {
    const row = m.get(v) ?? new Map<string, MatrixCell>();
    const cells = cols.map((col) => {
      const [o, p] = col.split(' on ') as [string, string];
      return cellHtml(row.get(col), {
        'data-u': suite,
        'data-v': v,
        'data-o': o,
        'data-p': p,
        'data-label': `${suite} / ${v}, ${col}`,
      });
    });
    return `<tr><th class="row">${e(v)}</th>${cells.join('')}</tr>`;
  });
  return `<h3>${e(suite)}: ${variants.length} variant${variants.length === 1 ? '' : 's'}</h3><table class="matrix"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

function caseDetailsHtml(c: CaseResult): string {
  const rows: [string, string][] = [
    ['title', e(c.title)],
    [
      'operation / provider / suite',
      e(`${c.opcode} · ${c.provider} · ${c.suite}${c.variant ? ` · variant ${c.variant}` : ''}`),
    ],
  ];
  if (c.file) rows.push(['file', `<code>${e(c.file)}</code>`]);
  if (c.observed) rows.push(['observed this time', e(c.observed)]);
  if (c.message) rows.push(['message', `<pre>${e(c.message)}</pre>`]);
  if (c.failedRequest) {
    const r = c.failedRequest;
    rows.push([
      'failed request',
      `<pre>${e(`${r.opcode} to ${r.provider} → ${r.status ?? 'no answer'}${r.summary ? `\n${r.summary}` : ''}`)}</pre>`,
    ]);
  }
  if (c.expectation) {
    const x = c.expectation;
    rows.push(['expectation entry', `<pre>${e(`${x.outcome}  ${x.case}\n${x.reason}\nfrom ${x.source}`)}</pre>`]);
  }
  if (c.logLines && c.logLines.length > 0) rows.push(['service log', `<pre>${e(capLog(c.logLines).join('\n'))}</pre>`]);
  const body = rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('');
  return `<details class="case"><summary><span class="badge st-${c.status}">${c.status}</span><span class="id">${e(c.id)}</span></summary><div class="body"><dl>${body}</dl></div></details>`;
}

function capLog(lines: readonly string[]): string[] {
  if (lines.length <= LOG_LINE_CAP) return [...lines];
  return [...lines.slice(0, LOG_LINE_CAP), `… ${lines.length - LOG_LINE_CAP} more lines in results.json`];
}

function problemsSection(cases: readonly CaseResult[]): string {
  const order: CaseStatus[] = ['failed', 'unexpected-pass', 'flaky'];
  const problems = order.flatMap((s) => cases.filter((c) => c.status === s));
  if (problems.length === 0)
    return '<h2 id="problems">Failures</h2><p>No case failed, passed unexpectedly or was flaky.</p>';
  const shown = problems.slice(0, STATIC_CASE_CAP).map(caseDetailsHtml).join('');
  const left = problems.length - STATIC_CASE_CAP;
  return `<h2 id="problems">Failures, unexpected passes, flaky cases (${problems.length})</h2>${shown}${
    left > 0 ? `<p class="more">${left} more in the case browser below and in results.json.</p>` : ''
  }`;
}

function entryHtml(a: AppliedEntry, index: number): string {
  const x = a.entry;
  const counts = countByStatus(a.cases);
  const worst = worstStatus(counts) ?? 'expected-fail';
  const statusText = CASE_STATUSES.filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}`)
    .join(', ');
  const ids = a.cases.map(
    (c) => `<li><span class="badge st-${c.status}">${c.status}</span> <code>${e(c.id)}</code></li>`,
  );
  return `<div class="entry st-${worst}"><div><span class="pattern mono">${e(x.case)}</span> · <b>${e(x.outcome)}</b> · ${a.cases.length} case${a.cases.length === 1 ? '' : 's'} (${statusText})</div><div class="why">${e(x.reason)}</div>${
    x.evidence ? `<div class="meta">evidence: ${e(x.evidence)}</div>` : ''
  }${x.link ? `<div class="meta">link: <span class="mono">${e(x.link)}</span></div>` : ''}<div class="meta">from ${e(x.source)} · <a href="#cases" data-e="${index}" data-label="${e(`cases of entry ${x.case}`)}">show in the case browser</a></div><details><summary>case ids</summary><ul>${ids.join('')}</ul></details></div>`;
}

function expectationsSection(entries: readonly AppliedEntry[], files: readonly string[] | undefined): string {
  const from =
    files && files.length > 0
      ? `<p class="muted">Files, in the order they apply: ${files.map((f) => `<code>${e(f)}</code>`).join(', ')}</p>`
      : '';
  if (entries.length === 0) return `<h2 id="expectations">Expectation entries that applied</h2>${from}<p>None.</p>`;
  return `<h2 id="expectations">Expectation entries that applied (${entries.length})</h2>${from}${entries.map(entryHtml).join('')}`;
}

function repeatsSection(r: RunResults): string {
  if (!r.repeats) return '';
  const rows = r.repeats.changed.map(
    (c) =>
      `<tr><td><code>${e(c.id)}</code></td><td>${e(
        Object.entries(c.outcomes)
          .map(([o, n]) => `${n}× ${o}`)
          .join(', '),
      )}</td></tr>`,
  );
  return `<h2 id="repeats">Repeats: ${r.repeats.rounds} rounds, ${r.repeats.changed.length} case${r.repeats.changed.length === 1 ? '' : 's'} changed outcome</h2>${
    rows.length > 0
      ? `<table class="env"><tbody>${rows.join('')}</tbody></table>`
      : '<p>Every case had the same outcome in every round.</p>'
  }`;
}

/** What the page's script reads: one compact record per case, expectation entries by index. */
function clientData(cases: readonly CaseResult[], entries: readonly AppliedEntry[]): unknown {
  const entryIndex = new Map<CaseResult, number>();
  entries.forEach((a, i) => a.cases.forEach((c) => entryIndex.set(c, i)));
  return {
    statuses: CASE_STATUSES,
    expectations: entries.map((a) => a.entry),
    // Worst first, so the browser opens on what needs reading; within a status, in the order the run reported them.
    cases: [...cases]
      .sort((a, b) => STATUS_SEVERITY.indexOf(a.status) - STATUS_SEVERITY.indexOf(b.status))
      .map((c) => ({
        i: c.id,
        s: c.status,
        p: c.provider,
        o: c.opcode,
        u: c.suite,
        t: c.title,
        d: c.durationMs,
        ...(c.variant !== undefined ? { v: c.variant } : {}),
        ...(c.message ? { m: c.message } : {}),
        ...(c.file ? { f: c.file } : {}),
        ...(c.startedAt ? { a: c.startedAt } : {}),
        ...(c.observed ? { b: c.observed } : {}),
        ...(entryIndex.has(c) ? { e: entryIndex.get(c) } : {}),
        ...(c.failedRequest ? { r: c.failedRequest } : {}),
        ...(c.observations ? { x: c.observations } : {}),
        ...(c.logLines ? { l: capLog(c.logLines) } : {}),
      })),
  };
}

/** report.html: one self-contained page (inline style and script, no request to anywhere) for a person to read a run. */
export function renderHtml(r: RunResults): string {
  const ok = runSucceeded(r.cases);
  const counts = countByStatus(r.cases);
  const t = r.target;
  const title = `Parsec ${t.parsecVersion} on the ${t.kind} target: ${ok ? 'PASS' : 'FAIL'}`;
  const chips = CASE_STATUSES.map((s) => `<span class="chip st-${s}"><b>${counts[s]}</b>${s}</span>`).join('');
  const entries = appliedEntries(r.cases);
  const variants = variantSuites(r.cases);
  const caption = `Parsec ${t.parsecVersion} · ${t.kind} target · ${t.parsecSource ?? t.parsecBinary} — click a cell for its cases`;
  const legend = CASE_STATUSES.map((s) => `<span class="n st-${s}">■ ${STATUS_SHORT[s]} = ${s}</span>`).join('');
  const statusBoxes = CASE_STATUSES.map(
    (s) => `<label class="st-${s}"><input type="checkbox" value="${s}" checked> ${s} (${counts[s]})</label>`,
  ).join('');
  const env = environmentFacts(r)
    .map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${e(`Parsec conformance: ${title}`)}</title>
<style>${REPORT_CSS}</style></head>
<body>
<h1><span class="verdict ${ok ? 'pass' : 'fail'}">${ok ? 'PASS' : 'FAIL'}</span> ${e(title.replace(/: (PASS|FAIL)$/, ''))}</h1>
<div class="muted">${r.cases.length} cases in ${(r.durationMs / 1000).toFixed(1)} s, started ${e(r.startedAt)}</div>
<div class="chips">${chips}</div>
<noscript><p>The case browser needs JavaScript; the matrix, the failures and the expectation entries below do not.</p></noscript>
<h2 id="matrix-title">Operations × providers</h2>
<div class="legend">${legend}</div>
${opcodeMatrix(r.cases, caption)}
${variants.length > 0 ? `<h2 id="variants">Suites with variants</h2>${variants.map((v) => variantMatrix(v.suite, v.variants, v.cases)).join('')}` : ''}
${problemsSection(r.cases)}
<h2 id="cases">Cases</h2>
<div class="controls"><span id="case-status">${statusBoxes}</span>
<input type="search" id="case-text" placeholder="filter by id, title or message" aria-label="filter cases">
<span id="case-scope" class="scope" hidden><span></span><button type="button" id="case-unscope">× all cells</button></span>
<span id="case-info" class="muted"></span></div>
<div id="case-list"></div>
<button type="button" id="case-more" class="more" hidden>show more</button>
${expectationsSection(entries, r.expectationFiles)}
${repeatsSection(r)}
<h2 id="environment">Environment</h2>
<table class="env"><tbody>${env}</tbody></table>
<script type="application/json" id="report-data">${scriptJson(clientData(r.cases, entries))}</script>
<script>${REPORT_SCRIPT}</script>
</body></html>
`;
}
