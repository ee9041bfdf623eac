// The HTML report: one self-contained file (inline CSS and JS, no network) with a verdict banner, per
// trace its tables, metric charts and a space-time diagram of its timeline. The result is embedded
// as JSON in a non-executed <script> block with `<` escaped, and the page writes text with textContent only.
import { createHash } from 'node:crypto';
import type { ConformResult, TraceConformance } from '../types.js';
import { PAGE_CSS, PAGE_SCRIPT } from './htmlAssets.js';
import {
  VERDICT_TEXT,
  errorText,
  allViolations,
  invariantSummary,
  thresholdSummary,
  thresholdText,
  traceFacts,
  windowLines,
} from './text.js';

// Only the page's own script may run (by its hash), and nothing may be fetched: even if trace text
// ever reached the markup, a script in it would not execute.
const SCRIPT_HASH = createHash('sha256').update(PAGE_SCRIPT, 'utf8').digest('base64');
const CSP = `default-src 'none'; script-src 'sha256-${SCRIPT_HASH}'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;

/**
 * Renders a result as one self-contained HTML page. Open it from disk: it loads nothing. Its
 * diagram draws up to the timeline's rows (200,000 by default) on a canvas with zoom (wheel,
 * buttons, `+`/`-`), pan (drag, arrows) and hover/click details; `window.__synodDiagrams` exposes
 * each diagram's lanes and drawing counts for tests.
 */
export function renderHtml(result: ConformResult): string {
  const payload = { result, text: pageText(result) };
  const title = `synod conform: ${VERDICT_TEXT[result.verdict]}`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${PAGE_CSS}</style>`,
    '</head>',
    '<body>',
    '<main id="app"></main>',
    '<noscript><p>This report draws itself with JavaScript; the same result is in the JSON report.</p></noscript>',
    `<script type="application/json" id="synod-data">${embedJson(payload)}</script>`,
    `<script>${PAGE_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Text the page shows, formatted here so every report words things the same way. */
function pageText(result: ConformResult): Record<string, unknown> {
  return {
    facts: result.traces.map(traceFacts),
    invariants: result.traces.map((t) =>
      t.verdict === 'malformed' && t.invariants.length === 0 ? '-' : invariantSummary(t),
    ),
    thresholds: result.traces.map(thresholdSummary),
    thresholdRules: result.traces.map((t) => t.thresholds.map((th) => thresholdText(th, t.metrics))),
    errors: result.traces.map((t) => t.errors.map((e) => errorText(e, t.source))),
    windows: result.traces.map(windowOf),
  };
}

function windowOf(t: TraceConformance): Array<Record<string, unknown>> {
  // Every violated invariant's first violation; the diagram highlights the first one's window.
  return allViolations(t).map(({ invariant, violation }) => ({
    invariant: invariant.name,
    message: violation.message,
    lines: windowLines(violation),
    json: violation.window.map((w) => `line ${w.line}: ${JSON.stringify(w.event)}`).join('\n'),
  }));
}

/**
 * JSON safe inside a `<script>` element: `<`, `>` and `&` (which can only occur inside JSON
 * strings) become `\u003c`-style escapes, so no `</script>` or `<!--` can appear; U+2028/2029 too.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
