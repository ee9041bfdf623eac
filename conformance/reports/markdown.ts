// The Markdown report, sized for a GitHub Actions job summary ($GITHUB_STEP_SUMMARY): a verdict
// heading, a summary table when there are several traces, then per trace its tables, the first
// violation's event window in a code block, and malformed errors. Table cells are escaped.
import type { ConformResult, TraceConformance } from '../types.js';
import {
  VERDICT_TEXT,
  errorText,
  allViolations,
  formatCount,
  formatValue,
  headline,
  invariantSummary,
  thresholdSummary,
  stripControls,
  thresholdText,
  traceFacts,
  verdictMark,
  windowLines,
} from './text.js';

/** Malformed errors listed per trace; the rest are counted. */
const MAX_ERRORS = 20;

/** Renders a result as GitHub-flavoured Markdown. */
export function renderMarkdown(result: ConformResult): string {
  const out: string[] = [];
  out.push(`## ${headline(result).replace(/^[✓✗] /, result.verdict === 'conforms' ? '✅ ' : '❌ ')}`, '');
  if (result.traces.length > 1) {
    out.push('| verdict | trace | events | invariants | thresholds |', '| --- | --- | ---: | --- | --- |');
    for (const t of result.traces) {
      out.push(
        row([
          `${verdictMark(t.verdict)} ${VERDICT_TEXT[t.verdict]}`,
          code(t.source),
          formatCount(t.events),
          t.verdict === 'malformed' && t.invariants.length === 0 ? '-' : invariantSummary(t),
          thresholdSummary(t),
        ]),
      );
    }
    out.push('');
  }
  for (const t of result.traces) out.push(...traceSection(t));
  return `${out.join('\n').trimEnd()}\n`;
}

function traceSection(t: TraceConformance): string[] {
  const out: string[] = [];
  out.push(`### ${code(t.source)}: ${verdictMark(t.verdict)} ${VERDICT_TEXT[t.verdict]}`, '');
  out.push(inline(traceFacts(t)), '');
  if (t.invariants.length > 0) {
    out.push('| status | invariant | checks | note |', '| --- | --- | ---: | --- |');
    for (const inv of t.invariants) {
      const status =
        inv.status === 'holds' ? '✓ holds' : inv.status === 'violated' ? '✗ violated' : '– skipped';
      const note =
        inv.status === 'violated'
          ? `${inv.violations ?? 1} violation${(inv.violations ?? 1) === 1 ? '' : 's'}`
          : inv.status === 'skipped'
            ? (inv.reason ?? '')
            : '';
      out.push(row([status, code(inv.name), formatCount(inv.checks), inline(note)]));
    }
    out.push('');
  }
  if (t.metrics.length > 0) {
    out.push(
      '| metric | p50 | p95 | p99 | max | count / value |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const m of t.metrics) {
      const f = (v: number): string => formatValue(v, m.unit);
      if (m.stats !== undefined) {
        const s = m.stats;
        out.push(
          row([
            code(m.name),
            f(s.p50),
            f(s.p95),
            f(s.p99),
            f(s.max),
            m.value === undefined ? `n=${formatCount(s.count)}` : f(m.value),
          ]),
        );
      } else if (m.value !== undefined) out.push(row([code(m.name), '', '', '', '', f(m.value)]));
      else out.push(row([code(m.name), '', '', '', '', `_${inline(m.reason ?? 'no data')}_`]));
    }
    out.push('');
  }
  if (t.thresholds.length > 0) {
    out.push('| status | threshold | actual |', '| --- | --- | ---: |');
    for (const th of t.thresholds) {
      const { rule, actual } = thresholdText(th, t.metrics);
      const status = th.status === 'met' ? '✓ met' : th.status === 'missed' ? '✗ missed' : '– no data';
      out.push(row([status, code(rule), actual]));
    }
    out.push('');
  }
  for (const first of allViolations(t)) {
    out.push(`**Violation of ${code(first.invariant.name)}:** ${inline(first.violation.message)}`, '');
    const body = windowLines(first.violation)
      .map((w) => `line ${w.line}: ${w.text}`)
      .join('\n');
    out.push(...fenced(body), '');
  }
  if (t.errors.length > 0) {
    out.push(`**${t.errors.length} error${t.errors.length === 1 ? '' : 's'}:**`, '');
    const shown = t.errors.slice(0, MAX_ERRORS).map((e) => errorText(e, t.source));
    if (t.errors.length > MAX_ERRORS) shown.push(`... and ${t.errors.length - MAX_ERRORS} more`);
    out.push(...fenced(shown.join('\n')), '');
  }
  return out;
}

/** A table row; every cell escaped. */
function row(cells: string[]): string {
  return `| ${cells.map(cell).join(' | ')} |`;
}

/** A table cell: no newlines, `|` escaped (also inside code spans, which GitHub honours). */
function cell(s: string): string {
  return stripControls(s)
    .replace(/\r?\n|\r/g, ' ')
    .replace(/\|/g, '\\|');
}

/** Inline text: HTML and Markdown-active characters escaped, so trace text stays text. */
function inline(s: string): string {
  return stripControls(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]#!~])/g, '\\$1')
    .replace(/\r?\n|\r/g, ' ');
}

/** A code span that survives backticks inside (a longer fence, padded with spaces). */
function code(s: string): string {
  const flat = stripControls(s).replace(/\r?\n|\r/g, ' ');
  const runs = flat.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A fenced code block longer than any backtick run inside. */
function fenced(body: string): string[] {
  const runs = body.match(/`{3,}/g) ?? [];
  const fence = '`'.repeat(Math.max(3, ...runs.map((r) => r.length + 1)));
  return [`${fence}text`, stripControls(body), fence];
}
