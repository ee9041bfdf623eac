// The metrics under PBFT on hand-built signed traces: fidelity judged by the PBFT rules (an invalid
// adversarial message must cause no reaction; none may change an honest execution) and the
// view-change latency, with exact values.
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../traces/index.js';
import { PbftTrace } from '../safety/__test-helpers__/pbftTrace.js';
import { fPlusOneRun, normalRun, viewChangeRun } from '../safety/__test-helpers__/pbftScenarios.js';
import type { MetricResult } from '../types.js';
import { createMetrics } from './index.js';

function metrics(b: PbftTrace, events: TraceEvent[] = b.events): Record<string, MetricResult> {
  const m = createMetrics({ header: b.header });
  let last = 0;
  events.forEach((e, i) => {
    m.event(e, i + 2);
    if (e.t !== undefined) last = Math.max(last, e.t);
  });
  return Object.fromEntries(m.finish({ lastTime: last, events: events.length }).map((r) => [r.name, r]));
}

/** A normal run, then r4 forges a pre-prepare of seq 3 in r1's name to r2 (signed with r4's key). */
function forged(react: boolean): { trace: PbftTrace; line: number } {
  const { trace: b } = normalRun();
  const w = b.request(3, 'write', 'z', 3);
  const fake = b.sign({ type: 'pre-prepare', view: 0, seq: 3, digest: '', value: w, replica: 'r1' }, 'r4');
  b.at(10).send('r4', 'r2', fake, true);
  const line = b.nextLine;
  b.recv('r2', 'r4', fake, true);
  if (react) b.bcast('r2', b.prepare(0, 3, w, 'r2'), { deliver: false });
  return { trace: b, line };
}

describe('fidelity under PBFT', () => {
  it('is 100% when an honest replica ignores a forged message', () => {
    const r = metrics(forged(false).trace)['fidelity']!;
    expect(r.value).toBe(1);
    expect(r.detail).toEqual({
      judged: 1,
      faithful: 1,
      accepted: 0,
      invalid: 1,
      decisionEffects: 0,
      notJudged: 1,
      atFaultyReplicas: 0,
    });
    expect(r.description).toMatch(/honest replicas/);
  });

  it('is below 100% when an honest replica acts on a forged message', () => {
    const { trace, line } = forged(true);
    const r = metrics(trace)['fidelity']!;
    expect(r.value).toBe(0);
    expect(r.items).toEqual([
      {
        line,
        text: `adversarial pre-prepare from r4 to r2: r2 acted on it (send prepare at line ${line + 1})`,
      },
    ]);
  });

  it('lets an honest replica prepare a validly signed equivocating pre-prepare that changes no execution', () => {
    const b = new PbftTrace();
    const a = b.request(1, 'write', 'x', 'A');
    const c = b.request(2, 'write', 'x', 'B');
    b.at(0).invoke(a).invoke(c);
    b.at(1).bcast('r1', b.prePrepare(0, 1, a), { to: ['r2', 'r3'] });
    b.bcast('r1', b.prePrepare(0, 1, c), { to: ['r4'], adversarial: true });
    b.bcast('r4', b.prepare(0, 1, c, 'r4')); // r4 acts on it: allowed, it is validly signed
    b.at(2);
    for (const r of ['r2', 'r3']) b.bcast(r, b.prepare(0, 1, a, r));
    for (const r of ['r1', 'r2', 'r3'])
      b.bcast(r, b.commit(0, 1, a, r), { to: ['r1', 'r2', 'r3'].filter((x) => x !== r) });
    for (const r of ['r2', 'r3']) b.decide(r, 1, a);
    const r = metrics(b)['fidelity']!;
    expect(r.value).toBe(1);
    expect(r.detail).toMatchObject({ judged: 1, faithful: 1, accepted: 1, invalid: 0, decisionEffects: 0 });
  });

  it('counts every adversarial message behind an honest execution of a request only they carried', () => {
    const r = metrics(fPlusOneRun().trace)['fidelity']!;
    expect(r.value).toBe(0);
    expect(r.detail).toMatchObject({ judged: 4, faithful: 0, decisionEffects: 4, atFaultyReplicas: 0 });
  });

  it('does not judge adversarial messages received by faulty replicas', () => {
    const b = new PbftTrace({ byzantine: ['r2'] });
    const w = b.request(1, 'write', 'x', 1);
    b.invoke(w).bcast('r4', { ...b.prepare(0, 1, w, 'r1'), sig: 'x' }, { to: ['r2'], adversarial: true });
    b.bcast('r2', b.prepare(0, 1, w, 'r2'), { deliver: false });
    const r = metrics(b)['fidelity']!;
    expect(r.value).toBeUndefined();
    expect(r.reason).toBe(
      'no adversarial receive at an honest replica (1 at faulty replicas are not judged)',
    );
  });
});

describe('viewchange', () => {
  it('measures from the crash of the primary to the first honest execution of a later view', () => {
    const r = metrics(viewChangeRun().trace)['viewchange']!;
    expect(r.unit).toBe('ms');
    expect(r.stats).toMatchObject({ count: 1, max: 12, p99: 12 });
    expect(r.detail).toEqual({ viewChanges: 1, neverCompleted: 0 });
  });

  it('without a crash, measures from the first view-change to a higher view', () => {
    const b = viewChangeRun().trace;
    const r = metrics(
      b,
      b.events.filter((e) => e.kind !== 'crash'),
    )['viewchange']!;
    expect(r.stats).toMatchObject({ count: 1, max: 5 });
  });

  it('reports a view change that never completed, and traces without one', () => {
    const r = metrics(viewChangeRun(true).trace)['viewchange']!;
    expect(r.stats).toBeUndefined();
    expect(r.reason).toBe(
      'no honest replica executed a request of a later view after the view change started',
    );
    expect(r.detail).toEqual({ viewChanges: 1, neverCompleted: 1 });
    expect(metrics(normalRun().trace)['viewchange']!.reason).toBe(
      'no primary crashed and no view change started in this trace',
    );
  });

  it('is not measured on Paxos traces', () => {
    const m = createMetrics({
      header: {
        kind: 'header',
        format: 'synod-trace',
        version: 1,
        protocol: 'multipaxos',
        nodes: ['n1'],
        quorum: { kind: 'majority' },
      },
    });
    const r = m.finish({ lastTime: 0, events: 0 }).find((x) => x.name === 'viewchange')!;
    expect(r.reason).toBe('the multipaxos protocol has no views (measured on PBFT traces)');
  });
});

describe('decision.quorum under PBFT', () => {
  const run = (execute: string[]): Record<string, MetricResult> => {
    const b = new PbftTrace({ checkpointInterval: 2 });
    const w = b.request(1, 'write', 'x', 1);
    b.at(0).invoke(w, 'r1');
    b.at(4).normalCase(0, 1, w, execute);
    return metrics(b);
  };

  it('a slot counts as decided at a quorum once f+1 replicas executed it (a client needs f+1 replies)', () => {
    expect(run(['r2', 'r3'])['decision.quorum']?.stats).toMatchObject({ count: 1, max: 4 });
  });

  it('one execution is not enough with f = 1', () => {
    expect(run(['r2'])['decision.quorum']?.stats).toBeUndefined();
  });
});
