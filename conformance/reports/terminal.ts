// The terminal report: a verdict line, a summary row per trace when there are several, then per trace
// its invariants, metrics, thresholds, first violation (with its event window) and malformed errors.
// Color is explicit (chalk level 0 or 1), so the same result always renders to the same text.
import { Chalk } from 'chalk';
import type { ChalkInstance } from 'chalk';
import type { ConformResult, TraceConformance, Verdict } from '../types.js';
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

interface Cell {
  text: string;
  style?: (s: string) => string;
  right?: boolean;
}

/**
 * Renders a result for a terminal. Without color the text is plain and stable (golden files).
 *
 * @param options - `color`: use ANSI colors (chalk level 1) or none; `width`: columns available
 *   (default 100), long cells are cut with `…` to fit.
 *
 * @example
 * ```ts
 * process.stdout.write(renderTerminal(result, { color: process.stdout.isTTY, width: process.stdout.columns }));
 * ```
 */
export function renderTerminal(result: ConformResult, options: { color: boolean; width?: number }): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const width = Math.max(40, options.width ?? 100);
  const out: string[] = [];
  const verdictStyle = (v: Verdict): ((s: string) => string) =>
    v === 'conforms' ? c.green : v === 'threshold-missed' ? c.yellow : c.red;

  out.push(c.bold(verdictStyle(result.verdict)(headline(result))));
  if (result.traces.length > 1) {
    out.push('');
    out.push(c.bold('Traces'));
    const rows: Cell[][] = [
      ['verdict', 'trace', 'events', 'invariants', 'thresholds'].map((h) => ({ text: h, style: c.dim })),
    ];
    for (const t of result.traces) {
      rows.push([
        { text: `${verdictMark(t.verdict)} ${VERDICT_TEXT[t.verdict]}`, style: verdictStyle(t.verdict) },
        { text: t.source },
        { text: formatCount(t.events), right: true },
        { text: t.verdict === 'malformed' && t.invariants.length === 0 ? '-' : invariantSummary(t) },
        { text: thresholdSummary(t) },
      ]);
    }
    out.push(...table(rows, width, 2, [3, 4, 1]));
  }
  for (const t of result.traces) {
    out.push('');
    out.push(...traceSection(t, c, width, verdictStyle));
  }
  return `${out.join('\n')}\n`;
}

function traceSection(
  t: TraceConformance,
  c: ChalkInstance,
  width: number,
  verdictStyle: (v: Verdict) => (s: string) => string,
): string[] {
  const out: string[] = [];
  const verdict = `${verdictMark(t.verdict)} ${VERDICT_TEXT[t.verdict]}`;
  const facts = `(${traceFacts(t)})`;
  const heading = `${c.bold(clean(t.source))}  ${verdictStyle(t.verdict)(verdict)}`;
  if (len(t.source) + len(verdict) + len(facts) + 4 <= width) out.push(`${heading}  ${c.dim(facts)}`);
  else out.push(heading, `  ${c.dim(facts)}`);
  if (t.invariants.length > 0) {
    out.push(`  ${c.bold('Invariants')}`);
    const rows: Cell[][] = [
      ['status', 'invariant', 'checks', 'note'].map((h) => ({ text: h, style: c.dim })),
    ];
    for (const inv of t.invariants) {
      const status =
        inv.status === 'holds'
          ? { text: '✓ holds', style: c.green }
          : inv.status === 'violated'
            ? { text: '✗ violated', style: c.red }
            : { text: '- skipped', style: c.dim };
      const note =
        inv.status === 'violated'
          ? `${inv.violations ?? 1} violation${(inv.violations ?? 1) === 1 ? '' : 's'}`
          : inv.status === 'skipped'
            ? (inv.reason ?? '')
            : '';
      rows.push([status, { text: inv.name }, { text: formatCount(inv.checks), right: true }, { text: note }]);
    }
    out.push(...table(rows, width, 4, [3, 1]));
  }
  if (t.metrics.length > 0) {
    out.push(`  ${c.bold('Metrics')}`);
    const rows: Cell[][] = [
      ['metric', 'p50', 'p95', 'p99', 'max', 'count / value'].map((h, i) => ({
        text: h,
        style: c.dim,
        right: i > 0,
      })),
    ];
    for (const m of t.metrics) {
      const f = (v: number): string => formatValue(v, m.unit);
      if (m.stats !== undefined) {
        const s = m.stats;
        rows.push([
          { text: m.name },
          ...[s.p50, s.p95, s.p99, s.max].map((v) => ({ text: f(v), right: true })),
          { text: m.value === undefined ? `n=${formatCount(s.count)}` : f(m.value), right: true },
        ]);
      } else if (m.value !== undefined) {
        rows.push([
          { text: m.name },
          { text: '' },
          { text: '' },
          { text: '' },
          { text: '' },
          { text: f(m.value), right: true },
        ]);
      } else {
        rows.push([{ text: m.name }, { text: m.reason ?? 'no data', style: c.dim }]);
      }
    }
    out.push(...table(rows, width, 4, [0]));
  }
  if (t.thresholds.length > 0) {
    out.push(`  ${c.bold('Thresholds')}`);
    const rows: Cell[][] = [];
    for (const th of t.thresholds) {
      const { rule, actual } = thresholdText(th, t.metrics);
      const status =
        th.status === 'met'
          ? { text: '✓ met', style: c.green }
          : th.status === 'missed'
            ? { text: '✗ missed', style: c.red }
            : { text: '- no data', style: c.dim };
      rows.push([status, { text: rule }, { text: th.actual === undefined ? '' : `actual ${actual}` }]);
    }
    out.push(...table(rows, width, 4, [1]));
  }
  for (const { invariant, violation } of allViolations(t)) {
    out.push(`  ${c.bold(c.red(`Violation: ${clean(invariant.name)}`))}`);
    out.push(...wrap(stripControls(violation.message), width - 4).map((l) => `    ${l}`));
    const lines = windowLines(violation).map((l) => ({ line: l.line, text: clean(l.text) }));
    const lw = Math.max(...lines.map((l) => String(l.line).length), 1);
    for (const l of lines) {
      out.push(
        cut(
          `    ${c.dim(`line ${String(l.line).padStart(lw)}`)}  ${l.text}`,
          width,
          `    line ${'0'.repeat(lw)}  `.length,
          l.text,
        ),
      );
    }
  }
  if (t.errors.length > 0) {
    out.push(`  ${c.bold(c.red('Errors'))}`);
    for (const e of t.errors) out.push(`    ${clean(errorText(e, t.source))}`);
  }
  return out;
}

/** Lays out rows as aligned columns indented by `indent`; the `flex` columns are cut to fit `width`. */
function table(rows: Cell[][], width: number, indent: number, flex: readonly number[]): string[] {
  const cols = Math.max(...rows.map((r) => r.length));
  const widths = new Array<number>(cols).fill(0);
  for (const r of rows) {
    r.forEach((cell, i) => {
      // A cell that is the row's last and spans the rest does not widen its column.
      if (r.length < cols && i === r.length - 1) return;
      widths[i] = Math.max(widths[i] ?? 0, len(clean(cell.text)));
    });
  }
  // Shrink the flexible columns, in order, until the table fits (never below 8 characters).
  for (const f of flex) {
    const total = indent + widths.reduce((a, b) => a + b, 0) + 2 * (cols - 1);
    if (total <= width || widths[f] === undefined) break;
    widths[f] = Math.max(Math.min(8, widths[f] ?? 0), (widths[f] ?? 0) - (total - width));
  }
  return rows.map((r) => {
    const parts = r.map((cell, i) => {
      const w = widths[i] ?? 0;
      const last = i === r.length - 1;
      let text = clean(cell.text);
      if (len(text) > w && !(last && r.length < cols)) text = truncate(text, w);
      const padded = cell.right === true ? text.padStart(w) : last ? text : padEnd(text, w);
      return cell.style === undefined ? padded : cell.style(padded);
    });
    return `${' '.repeat(indent)}${parts.join('  ')}`.trimEnd();
  });
}

/** One line of inert text for a table cell. */
function clean(s: string): string {
  return stripControls(s).replace(/\r?\n|\r/g, ' ');
}

function len(s: string): number {
  return [...s].length;
}

function padEnd(s: string, w: number): string {
  return s + ' '.repeat(Math.max(0, w - len(s)));
}

function truncate(s: string, w: number): string {
  const chars = [...s];
  return chars.length <= w ? s : `${chars.slice(0, Math.max(0, w - 1)).join('')}…`;
}

/** Cuts a styled line whose plain prefix is `prefixLen` long and whose text is `text`. */
function cut(styled: string, width: number, prefixLen: number, text: string): string {
  if (prefixLen + len(text) <= width) return styled;
  return styled.slice(0, styled.length - text.length) + truncate(text, Math.max(8, width - prefixLen));
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(' ')) {
      if (line !== '' && len(line) + 1 + len(word) > width) {
        out.push(line);
        line = word;
      } else line = line === '' ? word : `${line} ${word}`;
    }
    out.push(line);
  }
  return out;
}
