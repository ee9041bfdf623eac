import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';
import { parseLatency } from './latency.js';
import { parseScenario, parseScenarioText, scenarioToJson, ScenarioError } from './scenario.js';

const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];

function error(text: string): ScenarioError {
  try {
    parseScenarioText(text, nodes, 's.json');
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('durations and latencies', () => {
  it('reads ms, s, min, h and bare numbers', () => {
    expect([
      parseDuration('250ms'),
      parseDuration('1.5s'),
      parseDuration('3min'),
      parseDuration('2h'),
      parseDuration(40),
    ]).toEqual([250, 1500, 180_000, 7_200_000, 40]);
    expect(parseDuration('10 sec')).toBeUndefined();
    expect(parseDuration('-1s')).toBeUndefined();
  });
  it('reads the three distributions', () => {
    expect(parseLatency('fixed:20ms')).toEqual({ kind: 'fixed', ms: 20 });
    expect(parseLatency('uniform:3min..22min')).toEqual({ kind: 'uniform', min: 180_000, max: 1_320_000 });
    expect(parseLatency('exponential:mean=20ms')).toEqual({ kind: 'exponential', mean: 20 });
    expect(parseLatency('gaussian:1ms')).toMatch(/unknown latency/);
  });
});

describe('scenario files', () => {
  const example = {
    faults: [
      {
        at: '10s',
        partition: [
          ['n1', 'n2'],
          ['n3', 'n4', 'n5'],
        ],
        heal: '20s',
      },
      { at: '5s', crash: 'n2', restart: '15s' },
      { at: '30s', pause: 'n3', resume: '35s' },
      { at: '40s', loss: 0.3, until: '45s' },
      { at: '40s', duplicate: 0.1 },
      { at: '50s', link: 'n1-n5', latency: 'uniform:3min..22min', until: '2h' },
    ],
  };

  it('parses every fault kind and writes it back', () => {
    const s = parseScenario(example, nodes);
    expect(s.faults.map((f) => f.kind)).toEqual([
      'partition',
      'crash',
      'pause',
      'loss',
      'duplicate',
      'latency',
    ]);
    expect(s.faults[1]).toEqual({ kind: 'crash', at: 5000, node: 'n2', end: 15000 });
    expect(parseScenario(JSON.parse(JSON.stringify(scenarioToJson(s))), nodes)).toEqual(s);
  });

  it('reports bad JSON at line and column', () => {
    const e = error('{\n  "faults": [\n    { "at": "1s", "crash": "n1" },\n  ]\n}');
    expect(e.code).toBe('E_SCENARIO_JSON');
    expect(e.message).toMatch(/^s\.json:4:3: not valid JSON/);
  });

  it('names an unknown node, a bad duration, an unknown fault kind, and an unknown field', () => {
    expect(error('{"faults":[{"at":"1s","crash":"n9"}]}').message).toBe(
      's.json: faults[0].crash: unknown node "n9" (nodes: n1, n2, n3, n4, n5)',
    );
    expect(error('{"faults":[{"at":"10 sec","crash":"n1"}]}').message).toMatch(
      /^s\.json: faults\[0\]\.at: bad duration "10 sec"/,
    );
    expect(error('{"faults":[{"at":"1s","crash":"n1"},{"at":"2s","explode":"n1"}]}')).toMatchObject({
      code: 'E_SCENARIO_FAULT_KIND',
      field: 'faults[1]',
    });
    expect(error('{"faults":[{"at":"1s","explode":"n1"}]}').message).toMatch(/unknown fault kind "explode"/);
    // The library's and the trace's shape, `{"kind": "crash", "node": ...}`: the message shows the file's.
    expect(error('{"faults":[{"at":"1s","kind":"crash","node":"n1"}]}').message).toMatch(
      /faults\[0\]: the fault's kind is the key that holds its subject, not a "kind" field: write \{"at": \.\.\., "crash": \.\.\.\}/,
    );
    expect(error('{"faults":[{"at":"1s","kind":"meteor"}]}').message).toMatch(/unknown fault kind "kind"/);
    expect(error('{"faults":[{"at":"1s","crash":"n1","heal":"2s"}]}').message).toMatch(
      /a crash ends with "restart", not "heal"/,
    );
    expect(error('{"faults":[{"at":"1s","loss":2}]}').message).toMatch(/faults\[0\]\.loss: must be <= 1/);
    expect(error('{"fault":[]}').message).toMatch(/unknown field "fault"|missing field "faults"/);
    expect(error('{"faults":[{"at":"1s","partition":[["n1"],["n1","n2"]]}]}').message).toMatch(
      /n1" is in two groups/,
    );
  });
});
