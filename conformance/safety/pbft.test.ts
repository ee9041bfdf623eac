// Tests of the PBFT safety checker on hand-built signed traces: canonical JSON and digests against
// hand-computed text, a correct run that conforms, one trace per invariant that breaks only that
// invariant (with the window's lines pinned), who counts as honest, and bounded memory.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../traces/index.js';
import { canonicalJson } from '../commands.js';
import { NULL_REQUEST, digestOf } from '../pbftMessages.js';
import type { InvariantResult } from '../types.js';
import { PbftTrace, keyPairOf } from './__test-helpers__/pbftTrace.js';
import { fPlusOneRun, normalRun, stateDigest, viewChangeRun } from './__test-helpers__/pbftScenarios.js';
import { PBFT_INVARIANTS, createPbftSafety } from './pbft.js';

function check(b: PbftTrace): InvariantResult[] {
  const s = createPbftSafety(b.header);
  b.events.forEach((e, i) => s.event(e, i + 2));
  return s.finish({ lastTime: 0, events: b.events.length });
}

const violated = (r: InvariantResult[]): string[] =>
  r.filter((i) => i.status === 'violated').map((i) => i.name);
const result = (r: InvariantResult[], name: string): InvariantResult => r.find((i) => i.name === name)!;
const lines = (r: InvariantResult): number[] => r.violation!.window.map((w) => w.line);

describe('canonical JSON and digests (the format of impl/pbft/TRACE-FORMAT.md)', () => {
  it('sorts keys by UTF-16 code units at every depth, leaves out undefined fields, no whitespace', () => {
    const value = {
      b: 1,
      a: [{ d: undefined, c: 'x' }, null, 2.5],
      é: 2,
      B: 3,
      '\u{1F600}': 4, // a surrogate pair: 0xD83D sorts before 0xFB00 (not by code point)
      ﬀ: 5,
      z: { y: true, x: -0 },
      u: undefined,
    };
    expect(canonicalJson(value)).toBe(
      '{"B":3,"a":[{"c":"x"},null,2.5],"b":1,"z":{"x":0,"y":true},"é":2,"\u{1F600}":4,"ﬀ":5}',
    );
  });

  it('digests a request as hex(sha256) of its canonical text; the null request is `null`', () => {
    expect(NULL_REQUEST).toBeNull();
    expect(digestOf(NULL_REQUEST)).toBe(createHash('sha256').update('null').digest('hex'));
    const text = '{"client":"c1","f":"write","key":"x","op":1,"value":1}';
    expect(canonicalJson({ op: 1, value: 1, key: 'x', f: 'write', client: 'c1' })).toBe(text);
    expect(digestOf({ value: 1, op: 1, client: 'c1', key: 'x', f: 'write' })).toBe(
      createHash('sha256').update(text).digest('hex'),
    );
  });

  it('derives the same keys from the same seed, and different ones per replica and seed', () => {
    expect(keyPairOf(7, 'r1').x).toBe(keyPairOf(7, 'r1').x);
    expect(keyPairOf(7, 'r1').x).not.toBe(keyPairOf(7, 'r2').x);
    expect(keyPairOf(7, 'r1').x).not.toBe(keyPairOf(8, 'r1').x);
    expect(Buffer.from(keyPairOf(7, 'r1').x, 'base64url')).toHaveLength(32);
  });

  it('signs deterministically: the same run builds byte-identical traces', () => {
    expect(normalRun().trace.ndjson()).toBe(normalRun().trace.ndjson());
  });
});

describe('createPbftSafety', () => {
  it('lists its invariants in order', () => {
    expect(check(normalRun().trace).map((i) => i.name)).toEqual(Object.keys(PBFT_INVARIANTS));
  });

  it('a correct run conforms', () => {
    const r = check(normalRun().trace);
    expect(violated(r)).toEqual([]);
    expect(r.map((i) => [i.name, i.status, i.checks])).toEqual([
      ['agreement', 'holds', 8],
      ['validity', 'holds', 8],
      ['integrity', 'holds', 8],
      ['signatures', 'holds', 60],
      ['certificates', 'holds', 16],
      ['new-view', 'skipped', 0],
    ]);
    expect(result(r, 'new-view').reason).toBe('the trace has no new-view messages');
  });

  it('a correct view change conforms, and its new-view is judged', () => {
    const r = check(viewChangeRun().trace);
    expect(violated(r)).toEqual([]);
    expect(result(r, 'new-view')).toMatchObject({ status: 'holds', checks: 1 });
  });

  it('agreement: f + 1 faulty replicas make two honest ones execute different requests', () => {
    const { trace, decideLines } = fPlusOneRun();
    const r = check(trace);
    expect(violated(r)).toEqual(['agreement']);
    const v = result(r, 'agreement').violation!;
    expect(v.message).toBe(
      'r3 and r4 executed different requests at seq 1: request op 1 (write x) and request op 2 (write x).',
    );
    expect(v.slot).toBe(0); // seq 1 is slot 0
    expect(v.nodes).toEqual(['r3', 'r4']);
    expect(lines(result(r, 'agreement'))).toEqual(decideLines);
  });

  it('agreement: a replica that never sent an adversarial message is honest, even if it decides alone', () => {
    const b = normalRun().trace;
    const other = b.request(9, 'write', 'x', 9);
    b.invoke(other).decide('r4', 3, other);
    const b2 = new PbftTrace();
    const w = b2.request(1, 'write', 'k', 1);
    const v = b2.request(2, 'write', 'k', 2);
    b2.invoke(w).invoke(v).normalCase(0, 1, w, ['r1', 'r2', 'r3']);
    b2.decide('r4', 1, v); // r4 sent nothing adversarial: it is honest, and breaks agreement
    const r = check(b2);
    expect(violated(r)).toContain('agreement');
    expect(result(r, 'agreement').violation!.nodes).toEqual(['r1', 'r4']);
  });

  it('validity: an executed request no client invoked', () => {
    const b = new PbftTrace();
    const w = b.request(1, 'write', 'x', 1);
    const forged = b.request(7, 'write', 'x', 666);
    b.invoke(w).normalCase(0, 1, w).normalCase(0, 2, forged);
    const r = check(b);
    expect(violated(r)).toEqual(['validity']);
    expect(result(r, 'validity').violation!.message).toBe(
      'r1 executed request op 7 (write x) at seq 2, which no client invoked before.',
    );
  });

  it('validity: an executed request that changed what the client invoked', () => {
    const b = new PbftTrace();
    const w = b.request(1, 'write', 'x', 1);
    b.invoke(w).normalCase(0, 1, { ...w, value: 2 });
    const r = check(b);
    expect(violated(r)).toEqual(['validity']);
    const firstDecide = b.events.findIndex((e) => e.kind === 'decide') + 2;
    expect(lines(result(r, 'validity'))).toEqual([2, firstDecide]);
  });

  it('validity is skipped without client operations', () => {
    const b = new PbftTrace();
    b.normalCase(0, 1, b.request(1, 'write', 'x', 1));
    expect(result(check(b), 'validity')).toMatchObject({
      status: 'skipped',
      reason: 'the trace has no client operations',
    });
  });

  it('integrity: executing a seq twice without a restart, and differently after one', () => {
    const b = new PbftTrace();
    const w = b.request(1, 'write', 'x', 1);
    b.invoke(w).normalCase(0, 1, w);
    const first = b.events.findIndex((e) => e.kind === 'decide' && e.node === 'r3') + 2;
    const again = b.nextLine;
    b.decide('r3', 1, w);
    const r = check(b);
    expect(violated(r)).toEqual(['integrity']);
    expect(result(r, 'integrity').violation!.message).toBe(
      'r3 executed seq 1 twice without restarting in between.',
    );
    expect(lines(result(r, 'integrity'))).toEqual([first, again]);
    const ok = new PbftTrace();
    ok.invoke(w).normalCase(0, 1, w).restart('r3').decide('r3', 1, w);
    expect(violated(check(ok))).toEqual([]);
  });

  it('signatures: a forged signature on a non-adversarial send', () => {
    const b = new PbftTrace();
    const w = b.request(1, 'write', 'x', 1);
    b.invoke(w).bcast('r1', b.prePrepare(0, 1, w));
    const bad = { ...b.prepare(0, 1, w, 'r3'), sig: 'AAAA' };
    b.bcast('r2', b.prepare(0, 1, w, 'r2'));
    const at = b.nextLine;
    b.bcast('r3', bad);
    b.bcast('r4', b.prepare(0, 1, w, 'r4'));
    for (const r of b.nodes) b.bcast(r, b.commit(0, 1, w, r));
    for (const r of b.nodes) b.decide(r, 1, w);
    const r = check(b);
    expect(violated(r)).toEqual(['signatures']);
    const inv = result(r, 'signatures');
    expect(inv.violation!.message).toBe(
      "r3's prepare for seq 1 in view 0 carries no valid Ed25519 signature by r3 over its canonical JSON.",
    );
    expect(inv.violations).toBe(3);
    expect(lines(inv)).toEqual([at]);
  });

  it('signatures: a message signed by one replica but sent by another', () => {
    const b = new PbftTrace();
    const w = b.request(1, 'write', 'x', 1);
    b.invoke(w).send('r4', 'r2', b.prepare(0, 1, w, 'r3'));
    const r = check(b);
    expect(violated(r)).toEqual(['signatures']);
    expect(result(r, 'signatures').violation!.message).toBe(
      'r4 sent a prepare for seq 1 in view 0 that names r3 as its replica: a replica signs only as itself.',
    );
  });

  it('signatures: skipped without public keys (the other rules still run on structure)', () => {
    const { trace } = normalRun({ noKeys: true });
    const r = check(trace);
    expect(violated(r)).toEqual([]);
    expect(result(r, 'signatures')).toMatchObject({ status: 'skipped' });
    expect(result(r, 'certificates').status).toBe('holds');
  });

  it('certificates: a commit sent before the replica was prepared', () => {
    const b = new PbftTrace();
    const w = b.request(1, 'write', 'x', 1);
    b.invoke(w).bcast('r1', b.prePrepare(0, 1, w));
    b.bcast('r2', b.prepare(0, 1, w, 'r2'));
    const early = b.nextLine;
    b.bcast('r4', b.commit(0, 1, w, 'r4')); // r4 holds one prepare (r2's) and has not prepared itself
    b.bcast('r3', b.prepare(0, 1, w, 'r3'));
    b.bcast('r4', b.prepare(0, 1, w, 'r4'));
    for (const r of ['r1', 'r2', 'r3']) b.bcast(r, b.commit(0, 1, w, r));
    for (const r of b.nodes) b.decide(r, 1, w);
    const r = check(b);
    expect(violated(r)).toEqual(['certificates']);
    const v = result(r, 'certificates').violation!;
    expect(v.message).toBe(
      'r4 sent a commit for seq 1 in view 0 without a prepared certificate: it held the pre-prepare but only 1 matching prepare from backups (r2); 2f = 2 are needed.',
    );
    expect(v).toMatchObject({ slot: 0, view: 0, nodes: ['r4'] });
    // The pre-prepare r4 got (sent at line 5, before the trace's first recv: the send stands for
    // it), the prepare it received from r2, and its commit.
    expect(v.window.map((x) => x.line)).toEqual([5, 14, early]);
  });

  it('certificates: an execution without 2f + 1 commits', () => {
    const b = new PbftTrace();
    const w = b.request(1, 'write', 'x', 1);
    b.invoke(w).bcast('r1', b.prePrepare(0, 1, w));
    for (const r of ['r2', 'r3', 'r4']) b.bcast(r, b.prepare(0, 1, w, r));
    for (const r of ['r1', 'r2']) b.bcast(r, b.commit(0, 1, w, r));
    b.decide('r2', 1, w);
    const r = check(b);
    expect(violated(r)).toEqual(['certificates']);
    expect(result(r, 'certificates').violation!.message).toBe(
      'r2 executed request op 1 (write x) at seq 1 without 2f+1 = 3 matching commits from distinct replicas in any view (it held 2 in view 0: r1, r2).',
    );
  });

  it('certificates: a view-change whose prepared certificate lacks prepares', () => {
    const b = new PbftTrace();
    const w = b.request(1, 'write', 'x', 1);
    const thin = { prePrepare: b.prePrepare(0, 1, w), prepares: [b.prepare(0, 1, w, 'r2')] };
    b.invoke(w).bcast('r2', b.viewChange(1, 'r2', [thin]));
    const r = check(b);
    expect(violated(r)).toEqual(['certificates']);
    expect(result(r, 'certificates').violation!.message).toBe(
      "r2's view-change for view 1 is not well formed: its prepared certificate for seq 1 (view 0) has 1 matching validly signed prepare from distinct backups; 2f = 2 are needed.",
    );
  });

  it('certificates: a stable checkpoint proved by too few checkpoints', () => {
    const b = new PbftTrace();
    const s = stateDigest({});
    const proof = [b.checkpoint(2, s, 'r2'), b.checkpoint(2, s, 'r3')];
    b.bcast('r2', b.viewChange(1, 'r2', [], 2, proof));
    expect(result(check(b), 'certificates').violation!.message).toMatch(
      /its proof of the stable checkpoint 2 has 2 matching validly signed checkpoints from distinct replicas; 2f\+1 = 3 are needed/,
    );
  });

  it('new-view: a new primary that drops a prepared request', () => {
    const { trace, newViewLine, viewChangeLine } = viewChangeRun(true);
    const r = check(trace);
    expect(violated(r)).toEqual(['new-view']);
    const v = result(r, 'new-view').violation!;
    expect(v.message).toBe(
      "r2's new-view for view 1 pre-prepares the null request at seq 1, but the view-change from r2 proves request op 1 (write x) prepared there in view 0: the new view must re-propose it.",
    );
    expect(v).toMatchObject({ view: 1, nodes: ['r2'] });
    expect(lines(result(r, 'new-view'))).toEqual([viewChangeLine, newViewLine]);
  });

  it('new-view: from a replica that is not the primary, or with too few view-changes', () => {
    const b = new PbftTrace();
    const vcs = ['r2', 'r3', 'r4'].map((r) => b.viewChange(1, r));
    b.bcast('r3', b.newView(1, vcs, [], 'r3'));
    expect(result(check(b), 'new-view').violation!.message).toBe(
      "r3's new-view for view 1 does not come from the primary of view 1, r2.",
    );
    const c = new PbftTrace();
    c.bcast('r2', c.newView(1, [c.viewChange(1, 'r2'), c.viewChange(1, 'r3')], []));
    expect(result(check(c), 'new-view').violation!.message).toBe(
      "r2's new-view for view 1 carries view-changes from 2 distinct replicas (r2, r3); 2f+1 = 3 are needed.",
    );
  });

  it("a faulty replica's own acts are not verdicts: adversarial senders and params.byzantine", () => {
    // r1 sends one adversarial message, so its commit without a certificate is not judged.
    const b = new PbftTrace();
    const w = b.request(1, 'write', 'x', 1);
    b.invoke(w).bcast('r1', b.commit(0, 1, w, 'r1'));
    b.send('r1', 'r2', { ...b.prepare(0, 1, w, 'r3'), sig: 'forged' }, true);
    expect(violated(check(b))).toEqual([]);
    // params.byzantine adds r1 to the faulty set even without adversarial messages...
    const c = new PbftTrace({ byzantine: ['r1'] });
    c.invoke(w).bcast('r1', c.commit(0, 1, w, 'r1'));
    expect(violated(check(c))).toEqual([]);
    // ...and never removes a replica: r4 is still judged.
    const d = new PbftTrace({ byzantine: { r1: 'silent' } });
    d.invoke(w).bcast('r4', d.commit(0, 1, w, 'r4'));
    expect(violated(check(d))).toEqual(['certificates']);
  });

  it('without recv events, what was sent to a replica is what it knows', () => {
    const b = normalRun().trace;
    const sendsOnly = new PbftTrace({ checkpointInterval: 2 });
    sendsOnly.events.push(...b.events.filter((e: TraceEvent) => e.kind !== 'recv'));
    expect(violated(check(sendsOnly))).toEqual([]);
  });

  it('memory follows the unexecuted window: seqs behind a stable checkpoint every replica passed are dropped', () => {
    const b = new PbftTrace({ noKeys: true, checkpointInterval: 10 });
    const s = createPbftSafety(b.header);
    let line = 2;
    const feed = (): void => {
      for (const e of b.events.splice(0)) s.event(e, line++);
    };
    let most = 0;
    for (let seq = 1; seq <= 300; seq++) {
      const w = b.request(seq, 'write', 'x', seq);
      b.invoke(w).normalCase(0, seq, w);
      if (seq % 10 === 0) for (const r of b.nodes) b.bcast(r, b.checkpoint(seq, `s${seq}`, r));
      feed();
      most = Math.max(most, s.openSeqs());
    }
    expect(most).toBeLessThanOrEqual(10);
    expect(s.openSeqs()).toBe(0);
    // A late, conflicting execution of a compacted seq is still caught.
    b.decide('r2', 5, b.request(999, 'write', 'x', 0));
    b.decide('r2', 6, b.request(6, 'write', 'x', 6));
    feed();
    const r = s.finish({ lastTime: 0, events: line });
    expect(violated(r)).toEqual(['agreement', 'validity', 'integrity']);
    expect(result(r, 'integrity').violation!.slot).toBe(4); // seq 5
  });

  it('a replica that skipped seqs by state transfer does not hold compaction back', () => {
    // r4 executes seqs 1-5, then (a state transfer to a later checkpoint) only from seq 21 on.
    // Its contiguous prefix stayed at 5: every later compaction waited for the 4,096-seq lag and
    // the set of its out-of-order executions grew with each one.
    const b = new PbftTrace({ noKeys: true, checkpointInterval: 10 });
    const s = createPbftSafety(b.header);
    let line = 2;
    let most = 0;
    for (let seq = 1; seq <= 6000; seq++) {
      const w = b.request(seq, 'write', 'x', seq);
      for (const r of ['r1', 'r2', 'r3']) b.decide(r, seq, w);
      if (seq <= 5 || seq > 20) b.decide('r4', seq, w);
      if (seq % 10 === 0)
        for (const r of ['r1', 'r2', 'r3']) b.send(r, 'r4', b.checkpoint(seq, `s${seq}`, r));
      for (const e of b.events.splice(0)) s.event(e, line++);
      if (seq > 4200) most = Math.max(most, s.openSeqs());
    }
    expect(most).toBeLessThanOrEqual(10);
  });

  it('stable checkpoints at huge seqs do not allocate per seq number', () => {
    const b = new PbftTrace({ noKeys: true });
    const s = createPbftSafety(b.header);
    const far = 99_990_000;
    const w = b.request(1, 'write', 'x', 1);
    b.decide('r1', far - 10, w);
    for (const seq of [far, far + 10_000]) {
      for (const r of ['r1', 'r2', 'r3']) b.send(r, 'r4', b.checkpoint(seq, 'state', r));
    }
    b.decide('r2', far - 10, b.request(2, 'write', 'x', 2)); // after compaction: still compared
    const before = process.memoryUsage().arrayBuffers;
    b.events.forEach((e, i) => s.event(e, i + 2));
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 2 ** 20);
    expect(s.openSeqs()).toBe(0);
    const r = s.finish({ lastTime: 0, events: b.events.length });
    expect(result(r, 'agreement').violation!.slot).toBe(far - 11);
  });
});
