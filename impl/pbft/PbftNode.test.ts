import { describe, expect, test } from 'vitest';
import { Driver } from './__test-helpers__/driver.js';
import { ReplyCollector } from './client.js';
import {
  digestOf,
  publicKeyOf,
  signedText,
  signMessage,
  signRequest,
  signText,
  verifyMessage,
  verifyRequest,
} from './crypto.js';
import type { CommitMsg, NewViewMsg, PbftMessage, PrePrepareMsg, PrepareMsg } from './messages.js';
import { PBFT_PARAMS, pbftNode, pbftQuorum, resolvePbftParams, type PbftState } from './PbftNode.js';

const N4 = ['n1', 'n2', 'n3', 'n4'] as const;

function writes(d: Driver, from: number, count: number, to?: string): void {
  for (let op = from; op < from + count; op++) {
    d.request(op, { f: 'write', key: `k${op % 5}`, value: op }, to ?? d.ids[op % d.ids.length]!);
  }
}

function sameLogs(d: Driver, ids: readonly string[]): void {
  const first = [...d.log(ids[0]!).entries()].sort((a, b) => a[0] - b[0]);
  for (const id of ids.slice(1)) expect([...d.log(id).entries()].sort((a, b) => a[0] - b[0])).toEqual(first);
}

describe('parameters', () => {
  test('defaults and derived f', () => {
    const p = resolvePbftParams(undefined, 4);
    expect(p.faults).toBe(1);
    expect(p.checkpointInterval).toBe(8);
    expect(resolvePbftParams({}, 7).faults).toBe(2);
    expect(resolvePbftParams({ f: 0 }, 4).faults).toBe(0);
    expect(resolvePbftParams({ keySeed: 'demo' }, 4).keySeed).toBe('demo');
    expect(pbftQuorum({}, [...N4])).toEqual({ kind: 'threshold', q1: 3, q2: 3 });
    expect(Object.keys(PBFT_PARAMS)).toContain('viewChangeTimeoutMs');
  });
  test('bad values are RangeErrors naming the parameter', () => {
    expect(() => resolvePbftParams({ f: 2 }, 4)).toThrow(/parameter f = 2 needs quorums of 5/);
    expect(() => resolvePbftParams({ logWindow: 4 }, 4)).toThrow(
      /logWindow \(4\) must be at least checkpointInterval/,
    );
    expect(() => resolvePbftParams({ keySeed: {} }, 4)).toThrow(/keySeed must be a string or a number/);
    expect(() => resolvePbftParams({ nope: 1 }, 4)).toThrow(/unknown parameter nope/);
  });
});

describe('signatures and digests', () => {
  test('keys are derived from (keySeed, replica); 7 and "7" agree', () => {
    expect(publicKeyOf(7, 'n1')).toBe(publicKeyOf('7', 'n1'));
    expect(publicKeyOf(7, 'n1')).not.toBe(publicKeyOf(7, 'n2'));
    expect(publicKeyOf(7, 'n1')).not.toBe(publicKeyOf(8, 'n1'));
    const m = signMessage<PrepareMsg>(0, { type: 'prepare', view: 0, seq: 1, digest: 'd', replica: 'n2' });
    expect(
      signMessage<PrepareMsg>(0, { type: 'prepare', view: 0, seq: 1, digest: 'd', replica: 'n2' }).sig,
    ).toBe(m.sig);
    expect(verifyMessage(0, m)).toBe(true);
    expect(verifyMessage(1, m)).toBe(false);
    expect(verifyMessage(0, { ...m, seq: 2 })).toBe(false);
    expect(verifyMessage(0, { ...m, replica: 'n3' })).toBe(false);
    expect(verifyMessage(0, { ...m, sig: 'AAAA' })).toBe(false);
    expect(digestOf({ a: 1, b: 2 })).toBe(digestOf({ b: 2, a: 1 }));
  });

  test('clients sign their requests: keys from (keySeed, client id), the signature inside the request', () => {
    const cmd = { f: 'write' as const, key: 'x', value: 1, op: 1, client: 3 };
    const r = signRequest(0, cmd);
    expect(r).toEqual({ ...cmd, csig: r.csig });
    expect(signRequest(0, cmd).csig).toBe(r.csig); // deterministic
    expect(verifyRequest(0, r)).toBe(true);
    expect(verifyRequest(1, r)).toBe(false);
    expect(verifyRequest(0, cmd)).toBe(false);
    expect(verifyRequest(0, { ...r, value: 2 })).toBe(false);
    expect(verifyRequest(0, { ...r, client: '3' })).toBe(false); // client 3 and client "3" differ
    expect(verifyRequest(0, { ...r, csig: 'AAAA' })).toBe(false);
    expect(verifyRequest(0, null)).toBe(false);
    // The digest covers the signature: a request and its re-signed twin are one request only if equal.
    expect(digestOf(r)).not.toBe(digestOf(cmd));
  });

  describe('a backup discards invalid messages without any effect or state change', () => {
    const nodes = [...N4];
    const backup = (): PbftState => pbftNode.init({ id: 'n2', nodes, params: {} }, undefined).state;
    const unsigned = { f: 'write' as const, key: 'x', value: 1, op: 1, client: 'c' };
    const value = signRequest(0, unsigned);
    /** A pre-prepare for `v` that n1, the primary of view 0, signed (digest matching). */
    const byPrimary = (v: unknown): PrePrepareMsg =>
      signMessage<PrePrepareMsg>(0, { ...pp, value: v as PrePrepareMsg['value'], digest: digestOf(v) });
    const pp = signMessage<PrePrepareMsg>(0, {
      type: 'pre-prepare',
      view: 0,
      seq: 1,
      digest: digestOf(value),
      value,
      replica: 'n1',
    });
    const forged = (body: Omit<PrePrepareMsg, 'sig'>, signer: string): PrePrepareMsg => {
      const m = { ...body, sig: '' };
      return { ...m, sig: signText(0, signer, signedText(m)) };
    };

    test('the genuine pre-prepare is accepted: persisted and prepared', () => {
      const step = pbftNode.onMessage(backup(), 'n1', pp);
      expect(step.effects.map((e) => e.kind)).toEqual(['persist', 'broadcast', 'setTimer']);
      expect(step.state.log[1]!.pp).toEqual(pp);
    });

    const bad: [string, unknown][] = [
      ['tampered request (digest mismatch)', { ...pp, value: { ...value, value: 2 } }],
      [
        'digest and request changed, old signature',
        { ...pp, value: { ...value, value: 2 }, digest: digestOf({ ...value, value: 2 }) },
      ],
      ['signed by n3, claims n1', forged({ ...pp, sig: undefined } as unknown as PrePrepareMsg, 'n3')],
      ['another view', signMessage<PrePrepareMsg>(0, { ...pp, view: 1, replica: 'n2' })],
      ['not from the primary', signMessage<PrePrepareMsg>(0, { ...pp, replica: 'n3' })],
      ['beyond the high water mark', signMessage<PrePrepareMsg>(0, { ...pp, seq: 33 })],
      ['seq 0 (at the low water mark)', signMessage<PrePrepareMsg>(0, { ...pp, seq: 0 })],
      ['an unknown replica', signMessage<PrePrepareMsg>(0, { ...pp, replica: 'n9' })],
      ['malformed', { type: 'pre-prepare', view: 0, replica: 'n1', sig: pp.sig }],
      ['another key seed', signMessage<PrePrepareMsg>(1, pp)],
      ['a request no client signed (the primary made it up)', byPrimary(unsigned)],
      ['a request changed after its client signed it', byPrimary({ ...value, value: 2 })],
      [
        'a request signed by another client',
        byPrimary({ ...signRequest(0, { ...unsigned, client: 'd' }), client: 'c' }),
      ],
      ['a request signed under another key seed', byPrimary(signRequest(1, unsigned))],
      [
        'a prepare with a bad signature',
        { type: 'prepare', view: 0, seq: 1, digest: pp.digest, replica: 'n3', sig: pp.sig },
      ],
      [
        'a commit claiming this replica',
        signMessage<CommitMsg>(0, { type: 'commit', view: 0, seq: 1, digest: pp.digest, replica: 'n2' }),
      ],
    ];
    test.each(bad)('%s', (_name, msg) => {
      const s = backup();
      const step = pbftNode.onMessage(s, 'n1', msg as PbftMessage);
      expect(step.effects).toEqual([]);
      expect(step.state).toBe(s);
    });

    test('a second, conflicting pre-prepare for (view, seq) is discarded', () => {
      const s = pbftNode.onMessage(backup(), 'n1', pp).state;
      const other = signRequest(0, { ...unsigned, value: 3 });
      const pp2 = signMessage<PrePrepareMsg>(0, { ...pp, value: other, digest: digestOf(other) });
      const step = pbftNode.onMessage(s, 'n1', pp2);
      expect(step.effects).toEqual([]);
      expect(step.state).toBe(s);
      // ... also after a restart: the accepted pre-prepare is durable.
      const durable = JSON.parse(JSON.stringify(pbftNode.onMessage(backup(), 'n1', pp).effects[0]!)) as {
        vars: Record<string, unknown>;
      };
      const restarted = pbftNode.init({ id: 'n2', nodes, params: {} }, durable.vars).state;
      expect(pbftNode.onMessage(restarted, 'n1', pp2).effects).toEqual([]);
    });
  });
});

describe('the client rule', () => {
  test('f+1 matching replies from distinct replicas', () => {
    const c = new ReplyCollector(1);
    expect(c.add('n1', 5, { ok: true, result: 'bad' })).toBeUndefined();
    expect(c.add('n1', 5, { ok: true, result: 'good' })).toBeUndefined(); // n1 counted once
    expect(c.add('n2', 5, { ok: true, result: 'good' })).toBeUndefined();
    expect(c.add('n3', 5, { ok: true, result: 'good' })).toEqual({ ok: true, result: 'good' });
    expect(c.add('n4', 5, { ok: true, result: 'good' })).toBeUndefined();
    expect(c.answer(5)).toEqual({ ok: true, result: 'good' });
  });
});

describe('normal case', () => {
  test('4 replicas execute every request in the same order', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const d = new Driver({ behavior: pbftNode, seed, f: 1 });
      writes(d, 1, 30);
      d.runUntil(5000);
      expect(d.answers.size).toBe(30);
      expect(d.violations).toEqual([]);
      expect(d.log('n1').size).toBe(30);
      sameLogs(d, d.ids);
      expect(d.state<PbftState>('n1')!.view).toBe(0);
      // Every slot holds a different op, slots 0..29.
      const ops = new Set([...d.log('n2').values()].map((v) => (JSON.parse(v) as { op: number }).op));
      expect(ops.size).toBe(30);
      expect([...d.log('n2').keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    }
  });

  test('the same seed gives the same run', () => {
    const run = (): [number, string[]] => {
      const d = new Driver({ behavior: pbftNode, seed: 9, f: 1, loss: 0.05, dup: 0.05 });
      writes(d, 1, 15);
      d.runUntil(8000);
      return [d.sent, [...d.log('n3').values()]];
    };
    expect(run()).toEqual(run());
  });

  test('checkpoints become stable and the log is garbage-collected', () => {
    const d = new Driver({
      behavior: pbftNode,
      seed: 3,
      f: 1,
      params: { checkpointInterval: 8, logWindow: 16 },
    });
    writes(d, 1, 40, 'n1');
    let maxLog = 0;
    for (let t = 0; t <= 6000; t += 5) {
      d.runUntil(t);
      for (const id of d.ids) maxLog = Math.max(maxLog, Object.keys(d.state<PbftState>(id)!.log).length);
    }
    expect(d.answers.size).toBe(40);
    expect(maxLog).toBeLessThanOrEqual(16); // the window bounds the log
    for (const id of d.ids) {
      const s = d.state<PbftState>(id)!;
      expect(s.low).toBe(40);
      expect(s.lastExec).toBe(40);
      expect(s.stableProof).toHaveLength(3);
      expect(Object.keys(s.log)).toHaveLength(0);
      expect(Object.keys(s.executed)).toHaveLength(0);
      expect(Object.keys(s.checkpoints)).toHaveLength(0);
      // The durable log below the checkpoint is deleted too.
      const live = Object.entries(d.durable.get(id)!).filter(
        ([k, v]) => /^(pp|cert|exec)\./.test(k) && v !== null,
      );
      expect(live).toEqual([]);
    }
  });
});

describe('view change', () => {
  test('a crashed primary: the backups move to view 1 and every request completes', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const d = new Driver({ behavior: pbftNode, seed, f: 1 });
      d.crash('n1');
      writes(d, 1, 10, 'n2');
      d.runUntil(10_000);
      expect(d.answers.size).toBe(10);
      expect(d.violations).toEqual([]);
      for (const id of ['n2', 'n3', 'n4']) expect(d.state<PbftState>(id)!.view).toBe(1);
      sameLogs(d, ['n2', 'n3', 'n4']);
    }
  });

  test('7 replicas, primaries of views 0 and 1 crashed: view 2 (the view-change timeout fires once)', () => {
    const nodes = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7'];
    for (let seed = 1; seed <= 10; seed++) {
      const d = new Driver({ nodes, behavior: pbftNode, seed, f: 2 });
      d.crash('n1');
      d.crash('n2');
      writes(d, 1, 8, 'n3');
      d.runUntil(15_000);
      expect(d.answers.size).toBe(8);
      expect(d.violations).toEqual([]);
      for (const id of nodes.slice(2)) expect(d.state<PbftState>(id)!.view).toBe(2);
    }
  });

  test('prepared requests survive the view change: a primary crashes mid-run', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const d = new Driver({
        behavior: pbftNode,
        seed,
        f: 1,
        params: { checkpointInterval: 4, logWindow: 8 },
      });
      writes(d, 1, 20);
      d.runUntil(30 + (seed % 5) * 7);
      d.crash('n1');
      d.runUntil(20_000);
      expect(d.violations).toEqual([]);
      expect(d.answers.size).toBe(20);
      // A replica may have skipped slots by state transfer; the rest agree (the safety watch).
      for (const id of ['n2', 'n3', 'n4'])
        expect(d.state<PbftState>(id)!.lastExec).toBe(d.state<PbftState>('n2')!.lastExec);
    }
  });

  test('the new view is checked against its view changes', () => {
    const d = new Driver({ behavior: pbftNode, seed: 2, f: 1 });
    d.crash('n1');
    writes(d, 1, 3, 'n2');
    d.runUntil(5000);
    const nv = d.state<PbftState>('n3')!.newView!;
    expect(nv.view).toBe(1);
    const fresh = (): PbftState => pbftNode.init({ id: 'n4', nodes: [...N4], params: {} }, undefined).state;
    expect(pbftNode.onMessage(fresh(), 'n2', nv).state.view).toBe(1);
    const resign = (m: Omit<NewViewMsg, 'sig'>): NewViewMsg => signMessage<NewViewMsg>(0, m);
    const extra = signMessage<PrePrepareMsg>(0, {
      type: 'pre-prepare',
      view: 1,
      seq: 1,
      digest: digestOf(null),
      value: null,
      replica: 'n2',
    });
    for (const bad of [
      resign({ ...nv, viewChanges: nv.viewChanges.slice(0, 2) }), // 2f view changes only
      resign({ ...nv, prePrepares: [...nv.prePrepares, extra] }), // not what the view changes imply
      resign({ ...nv, viewChanges: [nv.viewChanges[0]!, nv.viewChanges[0]!, nv.viewChanges[1]!] }), // a duplicate
      { ...nv, view: 5 },
    ]) {
      const s = fresh();
      const step = pbftNode.onMessage(s, 'n2', bad);
      expect(step.effects).toEqual([]);
      expect(step.state).toBe(s);
    }
  });
});

describe('loss, duplication, crash and restart', () => {
  test('20% loss and 5% duplication for 3 s, then a stable network: every request completes', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const d = new Driver({
        behavior: pbftNode,
        seed,
        f: 1,
        loss: 0.2,
        dup: 0.05,
        params: { checkpointInterval: 4, logWindow: 8 },
      });
      writes(d, 1, 20);
      d.runUntil(3000);
      d.loss = 0;
      d.dup = 0;
      d.runUntil(40_000);
      expect(d.violations).toEqual([]);
      expect(d.answers.size).toBe(20);
    }
  });

  test('a backup restarts from its persisted state and catches up (checkpoint + state transfer)', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const d = new Driver({
        behavior: pbftNode,
        seed,
        f: 1,
        params: { checkpointInterval: 4, logWindow: 8 },
      });
      writes(d, 1, 10);
      d.runUntil(2000);
      const before = d.state<PbftState>('n3')!;
      expect(before.lastExec).toBe(10);
      d.crash('n3');
      d.restart('n3');
      const after = d.state<PbftState>('n3')!;
      expect(after.lastExec).toBe(10); // stable snapshot (8) + re-executed 9, 10
      expect(after.kv.toObject()).toEqual(before.kv.toObject());
      d.crash('n3');
      writes(d, 11, 12);
      d.runUntil(6000);
      d.restart('n3');
      // n3 discards seqs above its old window until it learns the next stable checkpoint (28) and
      // fetches the state at it: PBFT's catch-up.
      writes(d, 23, 6);
      d.runUntil(20_000);
      expect(d.violations).toEqual([]);
      expect(d.answers.size).toBe(28);
      const s3 = d.state<PbftState>('n3')!;
      const s2 = d.state<PbftState>('n2')!;
      expect(s3.lastExec).toBe(28);
      expect(s2.lastExec).toBe(28);
      expect(s3.kv.toObject()).toEqual(s2.kv.toObject());
    }
  });

  test('the primary restarts during a view change and keeps its view', () => {
    const d = new Driver({ behavior: pbftNode, seed: 4, f: 1 });
    d.crash('n1');
    writes(d, 1, 3, 'n3');
    d.runUntil(520); // the backups have timed out and sent view changes
    d.crash('n2');
    d.restart('n2');
    d.runUntil(10_000);
    expect(d.answers.size).toBe(3);
    expect(d.state<PbftState>('n2')!.view).toBe(1);
  });
});
