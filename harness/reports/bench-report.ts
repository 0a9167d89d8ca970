import {
  BENCH_OPERATIONS,
  type BenchResult,
  type Measurement,
  type OperationResult,
  type ProviderBench,
} from '../model/bench-result';
import { REPORT_CSS } from './html-assets';
import { htmlEscape } from './html';

/**
 * The per-operation bench as people read it: a Markdown table per provider (bench.md, for a PR comment or a note)
 * and a self-contained bench.html with report.html's look. Both come from bench.json and nothing else.
 */

const LABEL: Record<string, string> = { mbed: 'Mbed Crypto', pkcs11: 'PKCS#11', tpm: 'TPM' };

const ms = (m: Measurement | undefined) => (m ? `${m.median.p50Ms} / ${m.median.p95Ms} / ${m.median.p99Ms}` : '—');
const rate = (m: Measurement | undefined) => (m ? String(m.median.perSecond) : '—');
const spread = (ms: Array<Measurement | undefined>) => {
  const values = ms
    .filter((m): m is Measurement => m !== undefined)
    .map((m) => Math.max(m.spreadPct.p50, m.spreadPct.perSecond));
  return values.length ? `${Math.max(...values)} %` : '—';
};

export const BENCH_COLUMNS = [
  'Operation',
  'Parsec p50 / p95 / p99 ms (×1)',
  'Parsec calls/s ×1',
  'Parsec calls/s ×N',
  'Backend p50 / p95 / p99 ms (×1)',
  'Backend calls/s ×1',
  'Backend calls/s ×N',
  'Overhead (p50 Parsec ÷ backend)',
  'Parsec adds (p50 ms)',
  'Widest spread',
] as const;

/** One table row per operation: the figures, or why there are none. */
export function benchRow(op: string, r: OperationResult, n: number): string[] {
  const blank = BENCH_COLUMNS.slice(2).map(() => '');
  if (r.status === 'not-supported') return [op, `not supported: ${r.reason ?? ''}`, ...blank];
  if (r.status === 'failed' && r.knownDeviation) {
    const k = r.knownDeviation;
    return [op, `known deviation (${k.outcome}, ${k.source}: ${k.case}): ${r.reason ?? ''}`, ...blank];
  }
  if (r.status === 'failed') return [op, `FAILED: ${r.reason ?? ''}`, ...blank];
  const b = r.backend?.byConnections ?? {};
  const nKey = String(n);
  return [
    op,
    ms(r.parsec['1']),
    rate(r.parsec['1']),
    rate(r.parsec[nKey]),
    ms(b['1']),
    rate(b['1']),
    rate(b[nKey]),
    r.overhead ? `×${r.overhead.p50Ratio}` : '—',
    r.overhead ? String(r.overhead.addedP50Ms) : '—',
    spread([r.parsec['1'], r.parsec[nKey], b['1'], b[nKey]]),
  ];
}

function connectionsN(result: BenchResult): number {
  return Math.max(...result.settings.connections);
}

function providersOf(result: BenchResult): ProviderBench[] {
  return Object.values(result.providers).filter((p): p is ProviderBench => p !== undefined);
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|');

export function benchMarkdown(result: BenchResult): string {
  const n = connectionsN(result);
  const s = result.settings;
  const lines: string[] = [];
  lines.push(
    `## Parsec ${result.parsecVersion}: per-operation bench`,
    '',
    `${result.target}; ${s.rounds} rounds of ${s.cellMs} ms per cell after ${s.warmupMs} ms of warm-up; N = ${n} ` +
      'connections. Figures are the medians of the rounds; the spread is (max − min) / median across rounds.',
    '',
  );
  for (const p of providersOf(result)) {
    lines.push(`### ${LABEL[p.provider] ?? p.provider}`, '', `Backend: ${p.backend}.`, '');
    const note = Object.values(p.operations).find((o) => o.backend?.note)?.backend?.note;
    if (note) lines.push(`Note: ${note}.`, '');
    lines.push(`| ${BENCH_COLUMNS.map((c) => c.replace('×N', `×${n}`)).join(' | ')} |`);
    lines.push(`|${BENCH_COLUMNS.map(() => ' --- ').join('|')}|`);
    for (const op of BENCH_OPERATIONS) {
      const r = p.operations[op];
      if (r) lines.push(`| ${benchRow(op, r, n).map(mdCell).join(' | ')} |`);
    }
    lines.push('');
    for (const op of BENCH_OPERATIONS) {
      const log = p.operations[op]?.serviceLog;
      if (log) lines.push(`${op} failed; Parsec's log then:`, '', '```', log, '```', '');
    }
  }
  lines.push('### The harness client against a raw-socket client', '');
  lines.push(
    '| Request | Harness p50 / p95 / p99 ms | Raw p50 / p95 / p99 ms | Harness ÷ raw (p50) |',
    '| --- | --- | --- | --- |',
  );
  for (const c of Object.values(result.client)) {
    lines.push(`| ${mdCell(c.request)} | ${ms(c.harness)} | ${ms(c.raw)} | ×${c.p50Ratio} |`);
  }
  lines.push('', '### Goals (printed, not asserted)', '');
  for (const g of result.goals) lines.push(`- ${g.met ? 'met' : '**not met**'}: ${g.goal}: ${mdCell(g.detail)}`);
  lines.push('');
  return lines.join('\n');
}

function table(head: readonly string[], rows: string[][]): string {
  const th = head.map((h) => `<th>${htmlEscape(h)}</th>`).join('');
  const body = rows
    .map((r) => {
      const [first, ...rest] = r;
      const wide = ['not supported', 'FAILED', 'known deviation'].some((w) => rest[0]?.startsWith(w));
      const cls = rest[0]?.startsWith('FAILED')
        ? 'st-failed'
        : rest[0]?.startsWith('known')
          ? 'st-expected-fail'
          : 'st-skipped';
      if (wide)
        return `<tr><th class="row">${htmlEscape(first ?? '')}</th><td class="${cls}" colspan="${rest.length}">${htmlEscape(rest[0] ?? '')}</td></tr>`;
      return `<tr><th class="row">${htmlEscape(first ?? '')}</th>${rest.map((c) => `<td>${htmlEscape(c)}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<table class="matrix"><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** bench.html: one self-contained page, report.html's stylesheet inline, no script, nothing fetched. */
export function benchHtml(result: BenchResult): string {
  const n = connectionsN(result);
  const s = result.settings;
  const parts: string[] = [];
  parts.push(
    `<h1>Parsec ${htmlEscape(result.parsecVersion)}: per-operation bench</h1>`,
    `<p>${htmlEscape(result.target)}; ${s.rounds} rounds of ${s.cellMs} ms per cell after ${s.warmupMs} ms of warm-up; ` +
      `N = ${n} connections; started ${htmlEscape(result.startedAt)}, ${Math.round(result.durationMs / 1000)} s. ` +
      'Figures are the medians of the rounds; the spread is (max − min) / median across rounds.</p>',
  );
  for (const p of providersOf(result)) {
    parts.push(`<h2>${htmlEscape(LABEL[p.provider] ?? p.provider)}</h2>`, `<p>Backend: ${htmlEscape(p.backend)}.</p>`);
    const note = Object.values(p.operations).find((o) => o.backend?.note)?.backend?.note;
    if (note) parts.push(`<p class="muted">Note: ${htmlEscape(note)}.</p>`);
    const rows = BENCH_OPERATIONS.filter((op) => p.operations[op]).map((op) => benchRow(op, p.operations[op], n));
    parts.push(
      table(
        BENCH_COLUMNS.map((c) => c.replace('×N', `×${n}`)),
        rows,
      ),
    );
    for (const op of BENCH_OPERATIONS) {
      const log = p.operations[op]?.serviceLog;
      if (log) parts.push(`<p>${htmlEscape(op)} failed; Parsec's log then:</p><pre>${htmlEscape(log)}</pre>`);
    }
  }
  parts.push('<h2>The harness client against a raw-socket client</h2>');
  parts.push(
    table(
      ['Request', 'Harness p50 / p95 / p99 ms', 'Raw p50 / p95 / p99 ms', 'Harness ÷ raw (p50)'],
      Object.values(result.client).map((c) => [c.request, ms(c.harness), ms(c.raw), `×${c.p50Ratio}`]),
    ),
  );
  parts.push('<h2>Goals (printed, not asserted)</h2><ul>');
  for (const g of result.goals) {
    parts.push(
      `<li><span class="badge ${g.met ? 'st-passed' : 'st-expected-fail'}">${g.met ? 'met' : 'not met'}</span> ${htmlEscape(g.goal)}: ${htmlEscape(g.detail)}</li>`,
    );
  }
  parts.push('</ul>');
  parts.push('<h2>Environment</h2><table class="env">');
  for (const [k, v] of Object.entries(result.backends))
    parts.push(`<tr><th>${htmlEscape(k)}</th><td>${htmlEscape(v)}</td></tr>`);
  parts.push('</table>');
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>Parsec ${htmlEscape(result.parsecVersion)} bench</title>`,
    `<style>${REPORT_CSS}</style></head><body>`,
    ...parts,
    '</body></html>',
    '',
  ].join('\n');
}
