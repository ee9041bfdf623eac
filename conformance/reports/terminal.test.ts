// The terminal report: the verdict line, the per-trace tables and the violation window in plain text
// without color, ANSI codes only with color, units formatted, long cells cut to the width.
import { describe, expect, test } from 'vitest';
import { fixtures, hostileResult } from '../../test/browser/fixtures.js';
import { renderTerminal } from './terminal.js';
import { formatMs, formatValue } from './text.js';

const plain = (name: string, width?: number): string =>
  renderTerminal(fixtures()[name]!, { color: false, ...(width === undefined ? {} : { width }) });

describe('renderTerminal', () => {
  test('units: ms, s, min, h; ratios and counts', () => {
    expect([0.5, 812, 1234, 59_999, 204_000, 9_000_000].map(formatMs)).toEqual([
      '0.5ms',
      '812ms',
      '1.2s',
      '60s',
      '3.4min',
      '2.5h',
    ]);
    expect(formatValue(0.98234, 'ratio')).toBe('0.982');
    expect(formatValue(3, 'slots')).toBe('3');
    expect(formatValue(2.125, 'count')).toBe('2.13');
  });

  test('a conforming trace: verdict, invariants, metrics and thresholds', () => {
    const out = plain('conforming');
    expect(out.split('\n')[0]).toBe('✓ conforms (1 trace, exit 0)');
    expect(out).toContain('runs/ok.ndjson  ✓ conforms  (paxos, 3 nodes, 20 events)');
    expect(out).toMatch(/\n {4}✓ holds +agreement +40\n/);
    expect(out).toMatch(/- skipped +quorum-intersection +0 +the quorum system is unknown/);
    expect(out).toMatch(/decision\.quorum +12ms +812ms +1\.2s +3\.4min +n=40/);
    expect(out).toMatch(/coherence\.ratio +0\.982/);
    expect(out).toMatch(/recovery +no partition healed in this trace/);
    expect(out).toMatch(/✓ met +decision\.quorum\.p99 <= 5s +actual 1\.2s/);
    expect(out).toMatch(/- no data +recovery\.p99 <= 10s/);
    expect(out).not.toContain('\u001b[');
  });

  test('a violation: the first violation with its window', () => {
    const out = plain('violated');
    expect(out.split('\n')[0]).toBe('✗ safety violated (1 trace, exit 10)');
    expect(out).toMatch(/✗ violated +agreement +40 +2 violations/);
    expect(out).toContain(
      '  Violation: agreement\n    n1 decided "x" for slot 0 at ballot b1.n1 but n3 decided "y" at b2.n3.\n',
    );
    expect(out).toContain('    line 5  send n1→n2 accept b1.n1 "x" @8\n');
    expect(out).toContain('    line 9  decide n3 s0 "y" b2.n3 @20\n');
  });

  test('threshold missed and malformed', () => {
    expect(plain('threshold-missed').split('\n')[0]).toBe('✗ threshold missed (1 trace, exit 13)');
    expect(plain('threshold-missed')).toMatch(/✗ missed +decision\.quorum\.p99 <= 1s +actual 1\.2s/);
    const bad = plain('malformed');
    expect(bad.split('\n')[0]).toBe('✗ malformed (1 trace, exit 150)');
    expect(bad).toContain('    runs/bad.ndjson:3:17: invalid-json: expected "," or "}" after a value\n');
  });

  test('several traces: a summary table with one row per trace first', () => {
    const out = plain('multi');
    const lines = out.split('\n');
    expect(lines[0]).toBe('✗ malformed (3 of 4 traces fail, exit 150)');
    expect(lines[2]).toBe('Traces');
    expect(lines[3]).toMatch(/^ {2}verdict +trace +events +invariants +thresholds$/);
    expect(lines[4]).toMatch(
      /^ {2}✓ conforms +runs\/ok\.ndjson +20 +2\/2 hold, 1 skipped +1\/1 met, 1 no data$/,
    );
    expect(lines[5]).toMatch(/^ {2}✗ safety violated +runs\/split\.ndjson +20 +1\/2 hold, 1 violated/);
    expect(lines[6]).toMatch(/^ {2}✗ threshold missed +runs\/slow\.ndjson/);
    expect(lines[7]).toMatch(/^ {2}✗ malformed +runs\/bad\.ndjson +0 +- +-$/);
  });

  test('color adds ANSI codes and nothing else', () => {
    const colored = renderTerminal(fixtures()['multi']!, { color: true });
    expect(colored).toContain('\u001b[');
    // eslint-disable-next-line no-control-regex
    expect(colored.replace(/\u001b\[[0-9;]*m/g, '')).toBe(plain('multi'));
  });

  test('lines fit the width', () => {
    for (const width of [60, 80]) {
      for (const name of ['conforming', 'violated', 'multi']) {
        for (const line of plain(name, width).split('\n')) {
          if (line.includes(':') && /^\s{4}runs\//.test(line)) continue; // error lines are never cut
          expect([...line].length, line).toBeLessThanOrEqual(width);
        }
      }
    }
  });

  test('hostile strings cannot drive the terminal: no control characters but the newline', () => {
    const out = renderTerminal(hostileResult(), { color: false });
    expect(out).toContain('✗ malformed');
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(out).toContain('bell\uFFFD nul\uFFFD esc\uFFFD');
  });
});
