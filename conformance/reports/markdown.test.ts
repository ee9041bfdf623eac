// The Markdown report: a verdict heading, tables whose cells cannot break the table, the violation
// window in a code block, errors listed; trace text never becomes HTML or Markdown markup.
import { describe, expect, test } from 'vitest';
import { HOSTILE, fixtures, hostileResult } from '../../test/browser/fixtures.js';
import { renderMarkdown } from './markdown.js';

/** The rows of every table: lines that start with `|`, split on unescaped pipes. */
function tables(md: string): string[][][] {
  const out: string[][][] = [];
  let cur: string[][] | undefined;
  for (const line of md.split('\n')) {
    if (line.startsWith('|')) {
      cur ??= [];
      cur.push(
        line
          .slice(1, -1)
          .split(/(?<!\\)\|/)
          .map((c) => c.trim()),
      );
    } else if (cur !== undefined) {
      out.push(cur);
      cur = undefined;
    }
  }
  if (cur !== undefined) out.push(cur);
  return out;
}

describe('renderMarkdown', () => {
  test('a conforming run: heading, invariants, metrics and thresholds tables', () => {
    const md = renderMarkdown(fixtures()['conforming']!);
    expect(md.startsWith('## ✅ conforms (1 trace, exit 0)\n')).toBe(true);
    const [inv, met, thr] = tables(md);
    expect(inv![0]).toEqual(['status', 'invariant', 'checks', 'note']);
    expect(inv![2]).toEqual(['✓ holds', '`agreement`', '40', '']);
    expect(inv![4]).toEqual(['– skipped', '`quorum-intersection`', '0', 'the quorum system is unknown']);
    expect(met![2]).toEqual(['`decision.quorum`', '12ms', '812ms', '1.2s', '3.4min', 'n=40']);
    expect(met![3]).toEqual(['`coherence.ratio`', '', '', '', '', '0.982']);
    expect(thr![2]).toEqual(['✓ met', '`decision.quorum.p99 <= 5s`', '1.2s']);
    expect(thr![3]).toEqual(['– no data', '`recovery.p99 <= 10s`', 'no data']);
  });

  test('a violation: the window in a code block', () => {
    const md = renderMarkdown(fixtures()['violated']!);
    expect(md.startsWith('## ❌ safety violated (1 trace, exit 10)')).toBe(true);
    expect(md).toContain(
      '```text\nline 5: send n1→n2 accept b1.n1 "x" @8\nline 7: decide n1 s0 "x" b1.n1 @16\nline 9: decide n3 s0 "y" b2.n3 @20\n```',
    );
  });

  test('several traces: a summary table first, with every row', () => {
    const md = renderMarkdown(fixtures()['multi']!);
    expect(md.startsWith('## ❌ malformed (3 of 4 traces fail, exit 150)')).toBe(true);
    const summary = tables(md)[0]!;
    expect(summary.map((r) => r[0])).toEqual([
      'verdict',
      '---',
      '✓ conforms',
      '✗ safety violated',
      '✗ threshold missed',
      '✗ malformed',
    ]);
    expect(summary[3]).toEqual([
      '✗ safety violated',
      '`runs/split.ndjson`',
      '20',
      '1/2 hold, 1 violated, 1 skipped',
      '1/1 met, 1 no data',
    ]);
    expect(md).toContain('```text\nruns/bad.ndjson:1: missing-header: line 1 is not a header\n');
  });

  test('hostile text stays text: pipes escaped, no raw HTML, tables keep their columns', () => {
    const md = renderMarkdown(hostileResult());
    // Outside code (where GitHub shows text verbatim) no raw `<` at all.
    const outsideCode = md.replace(/^```text\n[\s\S]*?\n```$/gm, '').replace(/(`+)[\s\S]*?\1/g, '');
    expect(outsideCode).not.toContain('<');
    for (const t of tables(md)) {
      const width = t[0]!.length;
      for (const row of t) expect(row.length).toBe(width);
    }
    expect(md).toContain('a &lt; b &amp;&amp; c &gt; d \\]\\]&gt; "quoted" \'single\' \\| pipe \\`tick\\`');
    // Inside the code block the window is verbatim.
    expect(md).toContain(`line 5: decide n1 s0 ${JSON.stringify(HOSTILE.script2).slice(0, 39)}…`);
  });
});
