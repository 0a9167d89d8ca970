import type { CaseChange, RunDiff, TimingOutlier } from './diff';
import { CASE_STATUSES } from './model';

/** A table cell: one line, no pipe that would end the cell, bounded so that a stack trace does not flood a comment. */
function cell(text: string, max = 160): string {
  const line = (text.split('\n').find((l) => l.trim() !== '') ?? '').trim();
  const short = line.length > max ? `${line.slice(0, max - 1)}…` : line;
  return short.replace(/\|/g, '\\|');
}

function changeTable(changes: readonly CaseChange[], columns: 'both' | 'head' | 'base'): string[] {
  const head = {
    both: ['| case | base | head | message |', '| --- | --- | --- | --- |'],
    head: ['| case | status | message |', '| --- | --- | --- |'],
    base: ['| case | status (base) | message (base) |', '| --- | --- | --- |'],
  }[columns];
  const rows = changes.map((c) => {
    const status = { both: `${c.base} | ${c.head}`, head: `${c.head}`, base: `${c.base}` }[columns];
    return `| \`${c.id}\` | ${status} | ${cell(c.message)} |`;
  });
  return [...head, ...rows];
}

function timingTable(outliers: readonly TimingOutlier[]): string[] {
  return [
    '| case | base | head | factor |',
    '| --- | ---: | ---: | ---: |',
    ...outliers.map((t) => `| \`${t.id}\` | ${t.baseMs} ms | ${t.headMs} ms | ${t.ratio}× |`),
  ];
}

function section(title: string, count: number, note: string, body: () => string[]): string[] {
  if (count === 0) return [];
  return ['', `## ${title} (${count})`, '', ...(note ? [note, ''] : []), ...body()];
}

/** The diff for people: a pull-request comment, a CI step summary, a release note's appendix. */
export function renderDiffMarkdown(d: RunDiff): string {
  const regressions = d.regressions.length;
  const verdict =
    regressions > 0 ? `**${regressions} regression${regressions === 1 ? '' : 's'}**` : '**No regression**';
  const newFailing = d.added.filter((c) => c.head === 'failed' || c.head === 'unexpected-pass').length;
  const lines = [
    `# Conformance diff: ${d.base.label} → ${d.head.label}`,
    '',
    `${verdict}; ${d.fixes.length} fixed, ${d.deviationsGone.length} known deviation(s) gone, ${d.changed.length} other status change(s), ${d.added.length} new case(s)${newFailing ? ` (${newFailing} failing)` : ''}, ${d.removed.length} removed, ${d.unchanged} unchanged; ${d.slower.length} slower and ${d.faster.length} faster outlier(s).`,
    '',
    '| | base | head |',
    '| --- | ---: | ---: |',
    `| cases | ${d.base.cases} | ${d.head.cases} |`,
    ...CASE_STATUSES.filter((s) => d.base.counts[s] + d.head.counts[s] > 0).map(
      (s) => `| ${s} | ${d.base.counts[s]} | ${d.head.counts[s]} |`,
    ),
    '',
    '## Environment',
    '',
    '| | base | head |',
    '| --- | --- | --- |',
    ...d.environment.map((e) =>
      e.differs
        ? `| **${e.field}** | ${cell(e.base)} | **${cell(e.head)}** |`
        : `| ${e.field} | ${cell(e.base)} | ${cell(e.head)} |`,
    ),
    ...section(
      'Regressions',
      d.regressions.length,
      'Fine in base (passed, expected-fail, flaky or skipped), failing the gate in head.',
      () => changeTable(d.regressions, 'both'),
    ),
    ...section('Fixed', d.fixes.length, 'Failed in base, passes in head.', () => changeTable(d.fixes, 'both')),
    ...section(
      'Known deviations gone',
      d.deviationsGone.length,
      "Expected to fail in base, no longer failing in head: the deviation is fixed; retire its expectation entry for head's version.",
      () => changeTable(d.deviationsGone, 'both'),
    ),
    ...section('Other status changes', d.changed.length, '', () => changeTable(d.changed, 'both')),
    ...section('New cases', d.added.length, 'In head only.', () => changeTable(d.added, 'head')),
    ...section('Removed cases', d.removed.length, 'In base only.', () => changeTable(d.removed, 'base')),
    ...section(
      'Slower',
      d.slower.length,
      `At least ${d.options.timingRatio}× slower and ${d.options.timingMinMs} ms more in head.`,
      () => timingTable(d.slower),
    ),
    ...section(
      'Faster',
      d.faster.length,
      `At least ${d.options.timingRatio}× faster and ${d.options.timingMinMs} ms less in head.`,
      () => timingTable(d.faster),
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/** The diff for machines: the same findings, with the options that judged them. */
export function renderDiffJson(d: RunDiff): string {
  return `${JSON.stringify({ regressed: d.regressions.length > 0, ...d }, null, 2)}\n`;
}
