// The HTML report as a file: self-contained (nothing to fetch), the data embedded so that no trace
// text can close its <script> block, and a CSP that lets only the page's own script run.
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { HOSTILE, bigResult, fixtures, hostileResult } from '../../test/browser/fixtures.js';
import { embedJson, renderHtml } from './html.js';

/** The contents of every <script> element, with its opening tag. */
function scripts(html: string): Array<{ open: string; body: string }> {
  return [...html.matchAll(/(<script[^>]*>)([\s\S]*?)<\/script>/g)].map((m) => ({
    open: m[1]!,
    body: m[2]!,
  }));
}

describe('renderHtml', () => {
  test('one self-contained document: no external resource of any kind', () => {
    for (const result of [...Object.values(fixtures()), hostileResult()]) {
      const html = renderHtml(result);
      expect(html.startsWith('<!doctype html>\n')).toBe(true);
      expect(html).not.toMatch(/\s(src|href)\s*=\s*["']?(https?:|\/\/)/i);
      expect(html).not.toMatch(/@import|url\(/i);
      expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    }
  });

  test('exactly two scripts: the data block and the page script allowed by the CSP hash', () => {
    const html = renderHtml(hostileResult());
    const found = scripts(html);
    expect(found.map((s) => s.open)).toEqual([
      '<script type="application/json" id="synod-data">',
      '<script>',
    ]);
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html.match(/<\/script/g)).toHaveLength(2);
    const hash = createHash('sha256').update(found[1]!.body, 'utf8').digest('base64');
    expect(html).toContain(`script-src 'sha256-${hash}'`);
    expect(html).toContain("default-src 'none'");
  });

  test('the embedded data holds no < > & and parses back to the result', () => {
    const result = hostileResult();
    const body = scripts(renderHtml(result))[0]!.body;
    expect(body).not.toMatch(/[<>&\u2028\u2029]/);
    const parsed = JSON.parse(body) as { result: unknown; text: { windows: unknown[] } };
    expect(parsed.result).toEqual(JSON.parse(JSON.stringify(result)));
    expect(JSON.stringify(parsed)).toContain(HOSTILE.script2.replace(/"/g, '\\"'));
    expect(embedJson({ a: '</script><!--\u2028' })).toBe('{"a":"\\u003c/script\\u003e\\u003c!--\\u2028"}');
  });

  test('a 100,000-event timeline renders quickly to a few MB', () => {
    const { result } = bigResult(100_000);
    const t0 = performance.now();
    const html = renderHtml(result);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(html.length).toBeLessThan(12_000_000);
  });
});
