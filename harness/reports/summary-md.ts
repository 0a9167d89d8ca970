import { CASE_STATUSES, countByStatus, runSucceeded, type CaseStatus, type RunResults } from './model';
import { appliedEntries, environmentFacts, firstLine, providerOrder } from './report-views';

/** GitHub refuses a comment or step summary over 1 MiB; the lists are capped well below it. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;
const LIST_CAP = 50;
const LINE_CAP = 200;

/**
 * Text for a Markdown paragraph, table cell or list item: GitHub renders HTML in Markdown, so `<` and `&` become
 * entities, and the characters that start emphasis, links, code or cells are escaped. Never a link.
 */
export function mdText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|#~!]/g, (ch) => `\\${ch}`)
    .replace(/(https?|ftp):\/\//gi, '$1:/\u200b/')
    .replace(/\bwww\./gi, 'www\u200b.')
    .replace(/\r?\n/g, ' ');
}

/** A case id in code; ids hold no backtick, and one that did would be written with a wider fence. */
function mdCode(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${fence === '``' ? ' ' : ''}${text}${fence === '``' ? ' ' : ''}${fence}`;
}

function caseList<T extends { readonly id: string }>(
  title: string,
  cases: readonly T[],
  describe: (c: T) => string,
): string[] {
  if (cases.length === 0) return [];
  const shown = cases.slice(0, LIST_CAP).map((c) => `- ${mdCode(c.id)}: ${describe(c)}`);
  const left = cases.length - shown.length;
  return [
    `### ${title} (${cases.length})`,
    '',
    ...shown,
    ...(left > 0 ? [`- … and ${left} more, left out here (all are in results.json and report.html)`] : []),
    '',
  ];
}

function statusCell(n: number, s: CaseStatus): string {
  return n > 0 && (s === 'failed' || s === 'unexpected-pass') ? `**${n}**` : String(n);
}

/** summary.md: the verdict and what a reviewer acts on, for a pull-request comment or $GITHUB_STEP_SUMMARY. */
export function renderSummaryMarkdown(r: RunResults): string {
  const ok = runSucceeded(r.cases);
  const all = countByStatus(r.cases);
  const t = r.target;
  const counts = CASE_STATUSES.filter((s) => all[s] > 0 || s === 'failed')
    .map((s) => `${all[s]} ${s}`)
    .join(', ');
  const lines: string[] = [
    `## ${ok ? '✅ PASS' : '❌ FAIL'}: Parsec ${mdText(t.parsecVersion)} conformance on the ${mdText(t.kind)} target`,
    '',
    `${r.cases.length} case${r.cases.length === 1 ? '' : 's'} in ${(r.durationMs / 1000).toFixed(1)} s: ${counts}.`,
    '',
    `| provider | ${CASE_STATUSES.join(' | ')} |`,
    `| --- | ${CASE_STATUSES.map(() => '---:').join(' | ')} |`,
    ...providerOrder(r.cases).map((p) => {
      const c = countByStatus(r.cases.filter((x) => x.provider === p));
      return `| ${mdText(p)} | ${CASE_STATUSES.map((s) => statusCell(c[s], s)).join(' | ')} |`;
    }),
    `| **all** | ${CASE_STATUSES.map((s) => statusCell(all[s], s)).join(' | ')} |`,
    '',
  ];
  const of = (s: CaseStatus) => r.cases.filter((c) => c.status === s);
  lines.push(...caseList('Failures', of('failed'), (c) => mdText(firstLine(c.message, LINE_CAP) || 'failed')));
  lines.push(
    ...caseList('Unexpected passes', of('unexpected-pass'), (c) =>
      mdText(firstLine(c.message, LINE_CAP) || 'expected to fail, passed'),
    ),
  );
  lines.push(
    ...caseList('Flaky', of('flaky'), (c) =>
      mdText(
        `${c.observed ? `${c.observed} this time; ` : ''}${firstLine(c.expectation?.reason ?? c.message, LINE_CAP)}`,
      ),
    ),
  );
  if (r.repeats && r.repeats.changed.length > 0) {
    lines.push(
      ...caseList(`Outcome changed over ${r.repeats.rounds} rounds`, r.repeats.changed, (c) =>
        mdText(
          Object.entries(c.outcomes)
            .map(([o, n]) => `${n}× ${o}`)
            .join(', '),
        ),
      ),
    );
  }
  const entries = appliedEntries(r.cases);
  if (entries.length > 0) {
    const applied = entries.reduce((n, a) => n + a.cases.length, 0);
    const files = r.expectationFiles && r.expectationFiles.length > 0 ? ` (${r.expectationFiles.join(', ')})` : '';
    lines.push(`${applied} cases matched ${entries.length} expectation entries${mdText(files)}.`, '');
  }
  const env = environmentFacts(r)
    // A local path and the providers' long names do not help a reviewer; results.json has them.
    .filter(([k]) => !['binary', 'providers', 'started', 'duration'].includes(k))
    .map(([k, v]) => `${k} ${v}`)
    .join(' · ');
  lines.push(`<sub>${mdText(env)}</sub>`, '');
  return capBytes(lines.join('\n'));
}

/** The lists are capped, so this only guards against a pathological environment line or id. */
function capBytes(text: string): string {
  const limit = SUMMARY_LIMIT_BYTES - 1024;
  if (Buffer.byteLength(text) <= limit) return text;
  const cut = Buffer.from(text)
    .subarray(0, limit)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return `${cut}\n\n… summary cut at ${limit} bytes (GitHub's limit is 1 MiB); results.json has everything.\n`;
}
