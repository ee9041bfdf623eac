// The JUnit report: well-formed XML 1.0 whatever the trace holds, one suite per trace, one case for
// well-formedness, per invariant and per threshold, with failures, errors and skips counted right.
import { describe, expect, test } from 'vitest';
import { HOSTILE, fixtures, hostileResult } from '../../test/browser/fixtures.js';
import { findAll, parseXml } from '../../test/browser/xml.js';
import { renderJunit } from './junit.js';

describe('renderJunit', () => {
  test('one suite per trace, one case per check, counts that add up', () => {
    const xml = renderJunit(fixtures()['multi']!);
    const root = parseXml(xml);
    expect(root.name).toBe('testsuites');
    const suites = findAll(root, 'testsuite');
    expect(suites.map((s) => s.attrs['name'])).toEqual([
      'runs/ok.ndjson',
      'runs/split.ndjson',
      'runs/slow.ndjson',
      'runs/bad.ndjson',
    ]);
    // ok: well-formed + 3 invariants + 2 thresholds; bad: well-formed only.
    expect(suites.map((s) => findAll(s, 'testcase').length)).toEqual([6, 6, 6, 1]);
    expect(suites.map((s) => s.attrs['failures'])).toEqual(['0', '1', '1', '0']);
    expect(suites.map((s) => s.attrs['errors'])).toEqual(['0', '0', '0', '1']);
    expect(suites.map((s) => s.attrs['skipped'])).toEqual(['2', '2', '1', '0']);
    for (const s of suites) {
      expect(findAll(s, 'testcase').length).toBe(Number(s.attrs['tests']));
      expect(findAll(s, 'failure').length).toBe(Number(s.attrs['failures']));
      expect(findAll(s, 'error').length).toBe(Number(s.attrs['errors']));
      expect(findAll(s, 'skipped').length).toBe(Number(s.attrs['skipped']));
    }
    expect(root.attrs).toMatchObject({ tests: '19', failures: '2', errors: '1', skipped: '5' });
  });

  test('a violation fails its case with the message and the event window', () => {
    const root = parseXml(renderJunit(fixtures()['violated']!));
    const failure = findAll(root, 'failure')[0]!;
    expect(failure.attrs['message']).toContain('n1 decided "x" for slot 0');
    expect(failure.text).toContain('line 5: send n1→n2 accept b1.n1 "x" @8');
    expect(failure.text).toContain('line 9: decide n3 s0 "y" b2.n3 @20');
    expect(failure.text).toContain('2 violations in all');
    const names = findAll(root, 'testcase').map((c) => c.attrs['name']);
    expect(names).toEqual([
      'well-formed',
      'invariant: agreement',
      'invariant: validity',
      'invariant: quorum-intersection',
      'threshold: decision.quorum.p99 <= 5s',
      'threshold: recovery.p99 <= 10s',
    ]);
  });

  test('a missed threshold fails; malformed errors are listed as file:line:column', () => {
    const missed = parseXml(renderJunit(fixtures()['threshold-missed']!));
    expect(findAll(missed, 'failure')[0]!.attrs['message']).toBe('decision.quorum.p99 is 1.2s, wanted <= 1s');
    const bad = parseXml(renderJunit(fixtures()['malformed']!));
    expect(findAll(bad, 'error')[0]!.text).toBe(
      'runs/bad.ndjson:1: missing-header: line 1 is not a header\n' +
        'runs/bad.ndjson:3:17: invalid-json: expected "," or "}" after a value',
    );
  });

  test('hostile strings are escaped and characters XML forbids are replaced', () => {
    const xml = renderJunit(hostileResult());
    const root = parseXml(xml); // throws when not well-formed
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain(']]>');
    const failure = findAll(root, 'failure')[0]!;
    expect(failure.attrs['message']).toContain(HOSTILE.script2);
    expect(failure.attrs['message']).toContain(HOSTILE.xml);
    expect(failure.attrs['message']).toContain(
      'bell\uFFFD nul\uFFFD esc\uFFFD vt\uFFFD ff\uFFFD fffe\uFFFD lone\uFFFD ok',
    );
    expect(findAll(root, 'testsuite')[0]!.attrs['name']).toBe(`runs/${HOSTILE.script1}.ndjson`);
    expect(findAll(root, 'skipped')[0]!.attrs['message']).toBe(HOSTILE.xml);
  });

  test('the checker itself rejects what it should', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow();
    expect(() => parseXml('<a>x & y</a>')).toThrow();
    expect(() => parseXml('<a t="<"/>')).toThrow();
    expect(() => parseXml('<a>\u0001</a>')).toThrow();
    expect(parseXml('<?xml version="1.0"?>\n<a t="&quot;&#10;">&lt;&amp;</a>\n')).toMatchObject({
      attrs: { t: '"\n' },
      text: '<&',
    });
  });
});
