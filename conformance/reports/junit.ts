// The JUnit XML report for CI test tabs: one <testsuite> per trace, one <testcase> for the trace being
// well-formed, one per invariant and one per threshold. Every string is XML-escaped and characters
// XML 1.0 forbids are replaced, so any trace content gives a parseable file.
import type { ConformResult, TraceConformance } from '../types.js';
import { errorText, formatNumber, thresholdText, windowLines } from './text.js';

/**
 * Renders a result as JUnit XML. Per trace: `well-formed` (an `<error>` listing the malformed-trace
 * errors), `invariant: NAME` (a `<failure>` with the message and event window when violated,
 * `<skipped/>` when skipped) and `threshold: KEY SPEC` (a `<failure>` when missed, `<skipped/>`
 * when the metric had no data).
 */
export function renderJunit(result: ConformResult): string {
  const suites = result.traces.map(suite);
  const sum = (k: 'tests' | 'failures' | 'errors' | 'skipped'): number =>
    suites.reduce((a, s) => a + s[k], 0);
  const time = result.traces.reduce((a, t) => a + t.stats.seconds, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="synod conform" tests="${sum('tests')}" failures="${sum('failures')}" errors="${sum('errors')}" skipped="${sum('skipped')}" time="${seconds(time)}">`,
    ...suites.flatMap((s) => s.xml),
    '</testsuites>',
  ];
  return `${lines.join('\n')}\n`;
}

interface Suite {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  xml: string[];
}

function suite(t: TraceConformance): Suite {
  const cases: string[] = [];
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  const cls = attr(t.source);
  const open = (name: string): string => `    <testcase classname="${cls}" name="${attr(name)}" time="0"`;

  if (t.errors.length > 0) {
    errors++;
    const text = t.errors.map((e) => errorText(e, t.source)).join('\n');
    const first = t.errors[0];
    cases.push(
      `${open('well-formed')}>`,
      `      <error type="malformed" message="${attr(`${t.errors.length} error${t.errors.length === 1 ? '' : 's'}${first === undefined ? '' : `: ${first.code}: ${first.message}`}`)}">${text_(text)}</error>`,
      '    </testcase>',
    );
  } else cases.push(`${open('well-formed')}/>`);

  for (const inv of t.invariants) {
    const name = `invariant: ${inv.name}`;
    if (inv.status === 'holds') cases.push(`${open(name)}/>`);
    else if (inv.status === 'skipped') {
      skipped++;
      cases.push(
        `${open(name)}>`,
        `      <skipped message="${attr(inv.reason ?? 'skipped')}"/>`,
        '    </testcase>',
      );
    } else {
      failures++;
      const v = inv.violation;
      const body: string[] = [];
      if (v !== undefined) {
        body.push(v.message, '');
        for (const w of windowLines(v)) body.push(`line ${w.line}: ${w.text}`);
      }
      if ((inv.violations ?? 1) > 1)
        body.push('', `${inv.violations} violations in all (the first is shown)`);
      cases.push(
        `${open(name)}>`,
        `      <failure type="violation" message="${attr(v?.message ?? `${inv.name} violated`)}">${text_(body.join('\n').trimEnd())}</failure>`,
        '    </testcase>',
      );
    }
  }
  for (const th of t.thresholds) {
    const { rule, actual } = thresholdText(th, t.metrics);
    const name = `threshold: ${rule}`;
    if (th.status === 'met') cases.push(`${open(name)}/>`);
    else if (th.status === 'no-data') {
      skipped++;
      cases.push(
        `${open(name)}>`,
        `      <skipped message="no data for ${attr(th.key)}"/>`,
        '    </testcase>',
      );
    } else {
      failures++;
      const msg = `${th.key} is ${actual}, wanted ${th.spec}`;
      cases.push(
        `${open(name)}>`,
        `      <failure type="threshold" message="${attr(msg)}">${text_(msg)}</failure>`,
        '    </testcase>',
      );
    }
  }
  const tests = 1 + t.invariants.length + t.thresholds.length;
  const xml = [
    `  <testsuite name="${cls}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(t.stats.seconds)}">`,
    '    <properties>',
    `      <property name="verdict" value="${attr(t.verdict)}"/>`,
    ...(t.header === undefined
      ? []
      : [
          `      <property name="protocol" value="${attr(t.header.protocol)}"/>`,
          `      <property name="nodes" value="${attr(t.header.nodes.join(' '))}"/>`,
        ]),
    `      <property name="events" value="${t.events}"/>`,
    '    </properties>',
    ...cases,
    '  </testsuite>',
  ];
  return { tests, failures, errors, skipped, xml };
}

function seconds(s: number): string {
  return formatNumber(s, 3);
}

// Characters XML 1.0 allows: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// Anything else (other control characters, lone surrogates, U+FFFE/FFFF) becomes U+FFFD.
const INVALID_XML = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** XML text content: escaped, invalid characters replaced. */
function text_(s: string): string {
  return s.replace(INVALID_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An XML attribute value (double-quoted): as text, plus quotes and whitespace kept as references. */
function attr(s: string): string {
  return text_(s)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}
