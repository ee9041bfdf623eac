// Hand-built PBFT runs on four replicas (f = 1), shared by the checker's tests, the metrics' tests
// and the fixture traces of conformance/safety/__fixtures__/pbft/. Each returns the trace and the
// lines worth asserting on.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../commands.js';
import { PbftTrace } from './pbftTrace.js';
import type { PbftTraceOptions } from './pbftTrace.js';

/** base64url(sha256(canonicalJson(state))): a checkpoint's `state`. */
export function stateDigest(state: unknown): string {
  return createHash('sha256').update(canonicalJson(state), 'utf8').digest('base64url');
}

/** Two writes in view 0, executed everywhere, then a stable checkpoint at seq 2. */
export function normalRun(options: PbftTraceOptions = {}): { trace: PbftTrace } {
  const b = new PbftTrace({ checkpointInterval: 2, ...options });
  const w1 = b.request(1, 'write', 'x', 1);
  const w2 = b.request(2, 'write', 'y', 2);
  b.at(0).invoke(w1, 'r1').invoke(w2, 'r1');
  b.at(1).normalCase(0, 1, w1);
  b.at(2).ok(w1, 1);
  b.at(3).normalCase(0, 2, w2);
  b.at(4).ok(w2, 2);
  const state = stateDigest({ x: 1, y: 2 });
  b.at(5);
  for (const r of b.nodes) b.bcast(r, b.checkpoint(2, state, r));
  return { trace: b };
}

/**
 * f + 1 = 2 faulty replicas break agreement: the primary r1 equivocates (request A to r2 and r3,
 * request B to r4) and r2 prepares and commits both; honest r3 executes A and honest r4 executes B
 * at seq 1. Only the equivocating messages are marked adversarial.
 */
export function fPlusOneRun(): { trace: PbftTrace; decideLines: [number, number] } {
  const b = new PbftTrace({
    byzantine: [
      { replica: 'r1', behaviour: 'equivocate' },
      { replica: 'r2', behaviour: 'collude' },
    ],
  });
  const a = b.request(1, 'write', 'x', 'A');
  const c = b.request(2, 'write', 'x', 'B');
  b.at(0).invoke(a, 'r1').invoke(c, 'r1');
  b.at(1);
  const ppA = b.prePrepare(0, 1, a);
  const ppB = b.prePrepare(0, 1, c);
  b.send('r1', 'r2', ppA).send('r1', 'r3', ppA).send('r1', 'r4', ppB, true);
  b.recv('r2', 'r1', ppA).recv('r3', 'r1', ppA).recv('r4', 'r1', ppB, true);
  b.at(2);
  const prA2 = b.prepare(0, 1, a, 'r2');
  const prB2 = b.prepare(0, 1, c, 'r2');
  b.send('r2', 'r1', prA2).send('r2', 'r3', prA2).send('r2', 'r4', prB2, true);
  b.recv('r1', 'r2', prA2).recv('r3', 'r2', prA2).recv('r4', 'r2', prB2, true);
  b.bcast('r3', b.prepare(0, 1, a, 'r3'));
  b.bcast('r4', b.prepare(0, 1, c, 'r4'));
  b.at(3);
  for (const r of ['r1', 'r2']) {
    const cA = b.commit(0, 1, a, r);
    const cB = b.commit(0, 1, c, r);
    const other = r === 'r1' ? 'r2' : 'r1';
    b.send(r, other, cA).send(r, 'r3', cA).send(r, 'r4', cB, true);
    b.recv(other, r, cA).recv('r3', r, cA).recv('r4', r, cB, true);
  }
  b.bcast('r3', b.commit(0, 1, a, 'r3'));
  b.bcast('r4', b.commit(0, 1, c, 'r4'));
  b.at(4);
  const l3 = b.nextLine;
  b.decide('r3', 1, a);
  const l4 = b.nextLine;
  b.decide('r4', 1, c);
  return { trace: b, decideLines: [l3, l4] };
}

/**
 * The primary r1 crashes after every backup prepared seq 1 (no commit yet); r2, r3 and r4 move to
 * view 1 and r2, its primary, sends a new-view. `dropPrepared`: the new-view pre-prepares the null
 * request at seq 1 instead of the prepared one (and the run stops there); else view 1 commits and
 * executes the request at t = 15, 12 ms after the crash.
 */
export function viewChangeRun(dropPrepared = false): {
  trace: PbftTrace;
  newViewLine: number;
  viewChangeLine: number;
} {
  const b = new PbftTrace();
  const w = b.request(1, 'write', 'x', 1);
  b.at(0).invoke(w, 'r1');
  b.at(1).bcast('r1', b.prePrepare(0, 1, w));
  b.at(2);
  for (const r of ['r2', 'r3', 'r4']) b.bcast(r, b.prepare(0, 1, w, r));
  b.at(3).crash('r1');
  const live = ['r2', 'r3', 'r4'];
  const others = (r: string): string[] => live.filter((x) => x !== r);
  b.at(10);
  const vcs = live.map((r) => b.viewChange(1, r, [b.certificate(0, 1, w, others(r).slice(0, 1).concat(r))]));
  const viewChangeLine = b.nextLine;
  live.forEach((r, k) => b.bcast(r, vcs[k]!, { to: others(r) }));
  b.at(12);
  const newViewLine = b.nextLine;
  const request = dropPrepared ? b.nullRequest : w;
  b.bcast('r2', b.newView(1, vcs, [b.prePrepare(1, 1, request)]), { to: others('r2') });
  if (!dropPrepared) {
    b.at(13);
    for (const r of ['r3', 'r4']) b.bcast(r, b.prepare(1, 1, w, r), { to: others(r) });
    b.at(14);
    for (const r of live) b.bcast(r, b.commit(1, 1, w, r), { to: others(r) });
    b.at(15);
    for (const r of live) b.decide(r, 1, w);
    b.ok(w, 1);
  }
  return { trace: b, newViewLine, viewChangeLine };
}
