// Conformance results built in code for the report tests: one per verdict, a multi-trace run, one
// full of hostile strings, and a large one (100,000 timeline rows) for the HTML page in a browser.
// Deterministic: the same call gives the same object.
import { VERDICT_EXIT, VERDICT_RANK } from '../../conformance/types.js';
import type {
  ConformResult,
  InvariantResult,
  MetricResult,
  Timeline,
  TraceConformance,
  Verdict,
} from '../../conformance/types.js';
import type { TraceEvent, TraceHeader } from '../../traces/index.js';

const HEADER: TraceHeader = {
  kind: 'header',
  format: 'synod-trace',
  version: 1,
  protocol: 'paxos',
  nodes: ['n1', 'n2', 'n3'],
  quorum: { kind: 'majority' },
  clock: 'virtual',
};

const STATS = { seconds: 0, eventsPerSecond: 0, peakRssBytes: 0 };

/** A run over `traces`: its verdict is the worst of theirs. */
export function runOf(traces: TraceConformance[], extra: Partial<ConformResult> = {}): ConformResult {
  let verdict: Verdict = 'conforms';
  for (const t of traces) if (VERDICT_RANK[t.verdict] > VERDICT_RANK[verdict]) verdict = t.verdict;
  return {
    format: 'synod-conformance',
    version: 1,
    tool: { name: 'synod', version: '0.1.0' },
    verdict,
    exitCode: VERDICT_EXIT[verdict],
    traces,
    ...extra,
  };
}

const holds = (name: string, checks: number, description = `${name} holds`): InvariantResult => ({
  name,
  description,
  status: 'holds',
  checks,
});

function metrics(): MetricResult[] {
  return [
    {
      name: 'decision.quorum',
      description: 'from the first accept of a slot to its decision at a quorum',
      unit: 'ms',
      stats: { count: 40, p50: 12, p95: 812, p99: 1234, max: 205_000, mean: 90.5 },
      series: Array.from({ length: 40 }, (_, i): [number, number] => [i * 10, 10 + ((i * 37) % 50)]),
    },
    {
      name: 'coherence.ratio',
      description: 'share of time every node agrees on the decided prefix',
      unit: 'ratio',
      value: 0.98234,
    },
    {
      name: 'recovery',
      description: 'from a heal to the next decision',
      unit: 'ms',
      reason: 'no partition healed in this trace',
    },
    {
      name: 'undecided',
      description: 'client requests never decided',
      unit: 'count',
      value: 0,
      detail: { undecided: 0, longestWaitMs: 812 },
      items: [],
    },
  ];
}

const WINDOW: Array<{ line: number; event: TraceEvent }> = [
  {
    line: 5,
    event: {
      kind: 'send',
      t: 8,
      node: 'n1',
      to: 'n2',
      id: 4,
      msg: { type: 'accept', ballot: { round: 1, node: 'n1' }, value: 'x' },
    },
  },
  {
    line: 7,
    event: { kind: 'decide', t: 16, node: 'n1', slot: 0, value: 'x', ballot: { round: 1, node: 'n1' } },
  },
  {
    line: 9,
    event: { kind: 'decide', t: 20, node: 'n3', slot: 0, value: 'y', ballot: { round: 2, node: 'n3' } },
  },
];

function smallTimeline(): Timeline {
  return {
    nodes: ['n1', 'n2', 'n3'],
    clock: 'time',
    events: [
      [0, 0, 's', 1, 2, 'prepare b1.n1'],
      [4, 1, 'r', 0, 3, 'prepare b1.n1'],
      [4, 1, 's', 0, 4, 'promise b1.n1'],
      [8, 0, 's', 1, 5, 'accept b1.n1'],
      [12, 1, 'r', 0, 6, 'accept b1.n1'],
      [16, 0, 'd', -1, 7, 'decide s0 "x"'],
      [18, 2, 'c', -1, 8, 'crash'],
      [20, 2, 'd', -1, 9, 'decide s0 "y"'],
    ],
    faults: [[5, 30, 'partition n1 n2 | n3', [0, 1, 2]]],
    truncated: false,
  };
}

/** A trace that holds everything and meets its thresholds. */
export function conformingTrace(source = 'runs/ok.ndjson'): TraceConformance {
  return {
    source,
    verdict: 'conforms',
    header: HEADER,
    lines: 21,
    events: 20,
    errors: [],
    invariants: [
      holds('agreement', 40, 'no two nodes decide different values for a slot'),
      holds('validity', 40, 'a decided value was proposed'),
      {
        name: 'quorum-intersection',
        description: 'phase-1 and phase-2 quorums intersect',
        status: 'skipped',
        checks: 0,
        reason: 'the quorum system is unknown',
      },
    ],
    metrics: metrics(),
    thresholds: [
      { key: 'decision.quorum.p99', spec: '<= 5s', op: '<=', limit: 5000, actual: 1234, status: 'met' },
      { key: 'recovery.p99', spec: '<= 10s', op: '<=', limit: 10_000, status: 'no-data' },
    ],
    timeline: smallTimeline(),
    stats: STATS,
  };
}

/** A trace where agreement is broken (with a window of three events). */
export function violatedTrace(source = 'runs/split.ndjson'): TraceConformance {
  const t = conformingTrace(source);
  t.verdict = 'violated';
  t.invariants[0] = {
    name: 'agreement',
    description: 'no two nodes decide different values for a slot',
    status: 'violated',
    checks: 40,
    violations: 2,
    violation: {
      invariant: 'agreement',
      message: 'n1 decided "x" for slot 0 at ballot b1.n1 but n3 decided "y" at b2.n3.',
      slot: 0,
      ballot: { round: 2, node: 'n3' },
      nodes: ['n1', 'n3'],
      window: WINDOW,
    },
  };
  return t;
}

/** A trace that is safe but misses a threshold. */
export function thresholdMissedTrace(source = 'runs/slow.ndjson'): TraceConformance {
  const t = conformingTrace(source);
  t.verdict = 'threshold-missed';
  t.thresholds = [
    { key: 'decision.quorum.p99', spec: '<= 1s', op: '<=', limit: 1000, actual: 1234, status: 'missed' },
    { key: 'coherence.ratio', spec: '>= 0.9', op: '>=', limit: 0.9, actual: 0.98234, status: 'met' },
  ];
  delete t.timeline;
  return t;
}

/** A trace that could not be read as a synod trace. */
export function malformedTrace(source = 'runs/bad.ndjson'): TraceConformance {
  return {
    source,
    verdict: 'malformed',
    lines: 3,
    events: 0,
    errors: [
      { code: 'missing-header', message: 'line 1 is not a header', line: 1 },
      { code: 'invalid-json', message: 'expected "," or "}" after a value', line: 3, column: 17 },
    ],
    invariants: [],
    metrics: [],
    thresholds: [],
    stats: STATS,
  };
}

/** The fixtures by name, as whole runs. */
export function fixtures(): Record<string, ConformResult> {
  return {
    conforming: runOf([conformingTrace()]),
    violated: runOf([violatedTrace()]),
    'threshold-missed': runOf([thresholdMissedTrace()]),
    malformed: runOf([malformedTrace()]),
    multi: runOf([conformingTrace(), violatedTrace(), thresholdMissedTrace(), malformedTrace()]),
  };
}

/** Strings that break naive escaping in XML, HTML, Markdown and terminals. */
export const HOSTILE = {
  script1: '<script>window.__pwned=1</script>',
  script2: '"</script><script>window.__pwned=2</script>',
  xml: 'a < b && c > d ]]> "quoted" \'single\' | pipe `tick`',
  control: 'bell\u0007 nul\u0000 esc\u001b vt\u000b ff\u000c fffe\uFFFE lone\uD800 ok',
};

/** A violated run whose source, messages, values and reasons are hostile strings. */
export function hostileResult(): ConformResult {
  const t = violatedTrace(`runs/${HOSTILE.script1}.ndjson`);
  const inv = t.invariants[0]!;
  inv.violation!.message = `${HOSTILE.script2} ${HOSTILE.xml} ${HOSTILE.control}`;
  inv.violation!.window = [
    {
      line: 5,
      event: { kind: 'decide', t: 16, node: 'n1', slot: 0, value: HOSTILE.script2 },
    },
    {
      line: 9,
      event: { kind: 'decide', t: 20, node: 'n3', slot: 0, value: `${HOSTILE.xml}${HOSTILE.control}` },
    },
  ];
  t.invariants[2]!.reason = HOSTILE.xml;
  t.metrics[2]!.reason = HOSTILE.control;
  t.errors = [];
  const m = malformedTrace(`bad ${HOSTILE.xml}`);
  m.errors[0]!.message = `${HOSTILE.script2} ${HOSTILE.control}`;
  return runOf([t, m]);
}

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** What {@link bigResult} built, for assertions. */
export interface BigFixture {
  result: ConformResult;
  nodes: string[];
  windowLines: number[];
}

/**
 * A violated run whose trace has a timeline of `n` rows on five nodes: slots decided one after the
 * other (accept to every peer, accepted back, decide), a partition and a pause, a crash and restart,
 * and a violation window around the middle. The source and the violation carry hostile strings.
 */
export function bigResult(n = 100_000): BigFixture {
  const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
  const rnd = prng(7);
  const rows: Timeline['events'] = [];
  let t = 0;
  let line = 2;
  let slot = 0;
  while (rows.length < n) {
    const leader = Math.floor(slot / 500) % nodes.length;
    const ballot = `b${1 + Math.floor(slot / 500)}.${nodes[leader]}`;
    const base = t;
    for (let p = 0; p < nodes.length && rows.length < n; p++) {
      if (p === leader) continue;
      const sendT = base + p * 0.1;
      const label = `accept ${ballot} s${slot}`;
      rows.push([sendT, leader, 's', p, line++, label]);
      if (rnd() < 0.02) continue; // lost
      const recvT = sendT + 2 + rnd() * 8;
      rows.push([recvT, p, 'r', leader, line++, label]);
      rows.push([recvT + 0.2, p, 's', leader, line++, `accepted ${ballot} s${slot}`]);
      rows.push([recvT + 2.5 + rnd() * 6, leader, 'r', p, line++, `accepted ${ballot} s${slot}`]);
    }
    rows.push([base + 14, leader, 'd', -1, line++, `decide s${slot} "v${slot}"`]);
    if (slot % 997 === 500) {
      rows.push([base + 15, (leader + 2) % nodes.length, 'c', -1, line++, 'crash']);
      rows.push([base + 400, (leader + 2) % nodes.length, 'R', -1, line++, 'restart']);
    }
    t += 20;
    slot++;
  }
  rows.length = n;
  rows.sort((a, b) => a[0] - b[0] || a[4] - b[4]);
  // The violation: two decides of one slot with different values, in the middle of the trace.
  const mid = rows.findIndex((r, i) => i > n / 2 && r[2] === 'd');
  const decide = rows[mid]!;
  const conflicting = rows.findIndex((r, i) => i > mid && r[2] === 's' && r[1] !== decide[1]);
  const conflict = rows[conflicting]!;
  const windowLines = [decide[4], conflict[4]];
  const last = rows[rows.length - 1]![0];
  const timeline: Timeline = {
    nodes,
    clock: 'time',
    events: rows,
    faults: [
      [last * 0.2, last * 0.25, 'partition n1 n2 | n3 n4 n5', [0, 1, 2, 3, 4]],
      [last * 0.6, last * 0.62, 'pause n4', [3]],
      [last * 0.8, last * 0.85, 'loss 0.1', []],
    ],
    truncated: false,
  };
  const trace = violatedTrace(`runs/big ${HOSTILE.script1}.ndjson`);
  trace.header = { ...HEADER, nodes, protocol: 'multipaxos' };
  trace.lines = line;
  trace.events = line - 2;
  trace.timeline = timeline;
  const inv = trace.invariants[0]!;
  inv.violation = {
    invariant: 'agreement',
    message: `slot decided twice: ${HOSTILE.script2}`,
    nodes: [nodes[decide[1]]!, nodes[conflict[1]]!],
    window: [
      {
        line: decide[4],
        event: { kind: 'decide', t: decide[0], node: nodes[decide[1]]!, slot: 0, value: HOSTILE.script1 },
      },
      {
        line: conflict[4],
        event: {
          kind: 'send',
          t: conflict[0],
          node: nodes[conflict[1]]!,
          to: nodes[conflict[3]]!,
          msg: { type: 'decide', slot: 0, value: HOSTILE.script2 },
        },
      },
    ],
  };
  return { result: runOf([trace, conformingTrace()]), nodes, windowLines };
}
