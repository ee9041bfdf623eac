// Thresholds files: what parses (units, keys, `$schema`), the exact error for each bad input, and
// how parsed thresholds judge metrics (met, missed, no-data).
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { ThresholdsError, applyThresholds, parseThresholds } from './thresholds.js';
import type { MetricResult } from './types.js';

const KNOWN =
  'decision.quorum, decision.all, liveness.wait, liveness.undecided, convergence, recovery, failover, viewchange, coherence.lag, fidelity';

function errorOf(text: string, file?: string): ThresholdsError {
  try {
    parseThresholds(text, file);
  } catch (e) {
    if (e instanceof ThresholdsError) return e;
    throw e;
  }
  throw new Error('expected a ThresholdsError');
}

describe('parseThresholds', () => {
  test('keys, operators, units and $schema', () => {
    const t = parseThresholds(
      JSON.stringify({
        $schema: 'https://example.com/thresholds.schema.json',
        'recovery.p99': '<= 5s',
        'decision.quorum.p50': '< 250ms',
        'convergence.max': '<2min',
        'failover.mean': '>= 0.5h',
        'liveness.wait.p95': '< 1500',
        'recovery.count': '> 0',
        fidelity: '>= 0.99',
        'liveness.undecided': '== 0',
        'coherence.lag': '<= 2.5',
        'coherence.lag.max': '< 1e2',
      }),
      'synod.thresholds.json',
    );
    expect(t.source).toBe('synod.thresholds.json');
    expect(t.entries.map((e) => [e.key, e.metric, e.stat, e.op, e.limit])).toEqual([
      ['recovery.p99', 'recovery', 'p99', '<=', 5000],
      ['decision.quorum.p50', 'decision.quorum', 'p50', '<', 250],
      ['convergence.max', 'convergence', 'max', '<', 120_000],
      ['failover.mean', 'failover', 'mean', '>=', 1_800_000],
      ['liveness.wait.p95', 'liveness.wait', 'p95', '<', 1500],
      ['recovery.count', 'recovery', 'count', '>', 0],
      ['fidelity', 'fidelity', undefined, '>=', 0.99],
      ['liveness.undecided', 'liveness.undecided', undefined, '==', 0],
      ['coherence.lag', 'coherence.lag', undefined, '<=', 2.5],
      ['coherence.lag.max', 'coherence.lag', 'max', '<', 100],
    ]);
    expect(t.entries[0]?.spec).toBe('<= 5s');
  });

  test('an empty object is no thresholds', () => {
    expect(parseThresholds('{}').entries).toEqual([]);
  });

  const bad: Array<[string, string, string | undefined]> = [
    ['[1]', 't.json: expected a JSON object like {"recovery.p99": "<= 5s"}, got an array', undefined],
    ['null', 't.json: expected a JSON object like {"recovery.p99": "<= 5s"}, got null', undefined],
    [
      '{"latency.p99": "<= 5s"}',
      `t.json: "latency.p99": unknown metric; the metrics are ${KNOWN}`,
      'latency.p99',
    ],
    ['{"decision": "<= 5s"}', `t.json: "decision": unknown metric; the metrics are ${KNOWN}`, 'decision'],
    [
      '{"recovery.p90": "<= 5s"}',
      't.json: "recovery.p90": unknown statistic "p90"; expected one of p50, p95, p99, max, mean, count',
      'recovery.p90',
    ],
    [
      '{"recovery": "<= 5s"}',
      't.json: "recovery": recovery has no single value; name a statistic: recovery.p50, recovery.p95, recovery.p99, recovery.max, recovery.mean, recovery.count',
      'recovery',
    ],
    [
      '{"fidelity.p50": ">= 0.9"}',
      't.json: "fidelity.p50": fidelity has no statistics, only a value; write the key "fidelity"',
      'fidelity.p50',
    ],
    [
      '{"recovery.p99": "<= 5 parsecs"}',
      't.json: "recovery.p99": "<= 5 parsecs": unknown unit "parsecs"; expected ms, s, min or h, e.g. "<= 5s"',
      'recovery.p99',
    ],
    [
      '{"recovery.p99": "about 5s"}',
      't.json: "recovery.p99": "about 5s" is not a threshold; expected an operator (<=, <, >=, >, ==) and a duration: a number with ms, s, min or h (a plain number is ms), e.g. "<= 5s"',
      'recovery.p99',
    ],
    [
      '{"recovery.p99": 5000}',
      't.json: "recovery.p99": expected a string with an operator (<=, <, >=, >, ==) and a duration: a number with ms, s, min or h (a plain number is ms), e.g. "<= 5s", got 5000',
      'recovery.p99',
    ],
    [
      '{"fidelity": ">= 99%"}',
      't.json: "fidelity": ">= 99%" is not a threshold; expected an operator (<=, <, >=, >, ==) and a plain number (the unit is ratio), e.g. ">= 0.99"',
      'fidelity',
    ],
    [
      '{"recovery.count": ">= 1s"}',
      't.json: "recovery.count": ">= 1s": a count takes a plain number, not "s"; e.g. "<= 3"',
      'recovery.count',
    ],
    [
      '{"coherence.lag.max": "<= 3ms"}',
      't.json: "coherence.lag.max": "<= 3ms": coherence.lag (in slots) takes a plain number, not "ms"; e.g. "<= 3"',
      'coherence.lag.max',
    ],
  ];
  test.each(bad)('%s is refused with a sentence', (text, message, key) => {
    const e = errorOf(text, 't.json');
    expect(e.message).toBe(message);
    expect(e.file).toBe('t.json');
    expect(e.key).toBe(key);
    expect(e.code).toBe('invalid-thresholds');
  });

  test('bad JSON names the file and the parser error', () => {
    const e = errorOf('{"recovery.p99": "<= 5s",}');
    expect(e.message).toMatch(
      /^thresholds: not valid JSON \(.+\); expected an object like \{"recovery\.p99": "<= 5s"\}$/,
    );
  });

  test.prop([fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constantFrom('ms', 's', 'min', 'h')])(
    'durations convert to ms',
    (x, unit) => {
      const scale = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 }[unit];
      const [e] = parseThresholds(JSON.stringify({ 'recovery.max': `<= ${x}${unit}` })).entries;
      expect(e?.limit).toBe(x * scale);
    },
  );
});

describe('applyThresholds', () => {
  const metrics: MetricResult[] = [
    {
      name: 'recovery',
      description: 'd',
      unit: 'ms',
      stats: { count: 4, p50: 100, p95: 900, p99: 1200, max: 1500, mean: 400 },
    },
    { name: 'fidelity', description: 'd', unit: 'ratio', value: 0.98 },
    { name: 'convergence', description: 'd', unit: 'ms', reason: 'no partition healed in this trace' },
    { name: 'liveness.undecided', description: 'd', unit: 'count', value: 0 },
  ];

  test('met, missed and no-data', () => {
    const t = parseThresholds(
      JSON.stringify({
        'recovery.p99': '<= 1.2s',
        'recovery.max': '< 1.5s',
        'recovery.count': '>= 4',
        fidelity: '>= 0.99',
        'convergence.p99': '<= 5s',
        'liveness.undecided': '== 0',
        'failover.max': '<= 1s',
      }),
    );
    expect(applyThresholds(t, metrics)).toEqual([
      { key: 'recovery.p99', spec: '<= 1.2s', op: '<=', limit: 1200, actual: 1200, status: 'met' },
      { key: 'recovery.max', spec: '< 1.5s', op: '<', limit: 1500, actual: 1500, status: 'missed' },
      { key: 'recovery.count', spec: '>= 4', op: '>=', limit: 4, actual: 4, status: 'met' },
      { key: 'fidelity', spec: '>= 0.99', op: '>=', limit: 0.99, actual: 0.98, status: 'missed' },
      { key: 'convergence.p99', spec: '<= 5s', op: '<=', limit: 5000, status: 'no-data' },
      { key: 'liveness.undecided', spec: '== 0', op: '==', limit: 0, actual: 0, status: 'met' },
      { key: 'failover.max', spec: '<= 1s', op: '<=', limit: 1000, status: 'no-data' },
    ]);
  });

  test('> and == on both sides of the limit', () => {
    const t = parseThresholds(
      '{"recovery.mean": "> 400", "recovery.p50": "== 100", "recovery.p95": "> 800"}',
    );
    expect(applyThresholds(t, metrics).map((r) => r.status)).toEqual(['missed', 'met', 'met']);
  });
});

describe('thresholds per criticality class', () => {
  test('`metric[class].stat` holds the ops of that class to a limit', () => {
    const t = parseThresholds(
      '{"decision.quorum[critical].p99": "<= 50ms", "decision.all[routine].max": "< 1s"}',
    );
    expect(t.entries.map((e) => [e.key, e.metric, e.cls, e.stat, e.limit])).toEqual([
      ['decision.quorum[critical].p99', 'decision.quorum', 'critical', 'p99', 50],
      ['decision.all[routine].max', 'decision.all', 'routine', 'max', 1000],
    ]);
    const metrics: MetricResult[] = [
      {
        name: 'decision.quorum[critical]',
        description: 'd',
        unit: 'ms',
        stats: { count: 2, p50: 10, p95: 60, p99: 60, max: 60, mean: 35 },
      },
    ];
    expect(applyThresholds(t, metrics).map((r) => [r.key, r.status])).toEqual([
      ['decision.quorum[critical].p99', 'missed'],
      ['decision.all[routine].max', 'no-data'],
    ]);
  });

  test('a class on a metric that is not split by class, or an unknown metric, is an error', () => {
    expect(() => parseThresholds('{"recovery[critical].p99": "<= 1s"}')).toThrow(
      'thresholds: "recovery[critical].p99": recovery is not split by criticality class; the metrics that are: decision.quorum, decision.all',
    );
    expect(() => parseThresholds('{"nope[critical].p99": "<= 1s"}')).toThrow(/unknown metric/);
    for (const key of ['decision.quorum[critical]', 'decision.quorum[].p99', 'decision.quorum[9x].p99']) {
      expect(() => parseThresholds(JSON.stringify({ [key]: '<= 1s' }))).toThrow(
        `thresholds: ${JSON.stringify(key)}: expected metric[class].stat, e.g. "decision.quorum[critical].p99"`,
      );
    }
    expect(() => parseThresholds('{"decision.quorum[critical].p42": "<= 1s"}')).toThrow(
      /unknown statistic "p42"/,
    );
  });
});
