import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Harness } from '../__test-helpers__/harness.js';
import {
  applyFaults,
  endFaults,
  faultSchedule,
  kvWorkload,
  linearizable,
  logProblems,
  opSlots,
  type LinOp,
} from '../__test-helpers__/workload.js';
import { IntMap } from './IntMap.js';
import { applyKv, applyKvEdit, applyKvMap, KvMap, type KvCommand } from './kv.js';
import { OpQueue } from './OpQueue.js';
import { SlotMap } from './SlotMap.js';
import {
  multiPaxosNode,
  sortedByOp,
  waitingCommands,
  type Batch,
  type MultiPaxosState,
} from './MultiPaxosNode.js';

/** Liveness bound: once faults end, every request waiting at a live node is answered within this (virtual ms). */
const LIVENESS_BOUND_MS = 5_000;

const mp = (h: Harness, id: string): MultiPaxosState => h.state<MultiPaxosState>(id)!;

function logOf(s: MultiPaxosState): Batch[] {
  return Array.from({ length: s.commitIndex }, (_, i) => s.log.get(i)!);
}

/** Every node's applied log is a prefix of the longest one. */
function prefixProblems(h: Harness): string[] {
  const logs = h.ids
    .filter((id) => h.isUp(id))
    .map((id) => [id, logOf(mp(h, id)).map((b) => JSON.stringify(b))] as const);
  if (logs.length === 0) return []; // every node is down: nothing to compare
  const longest = logs.reduce((a, b) => (b[1].length > a[1].length ? b : a));
  const out: string[] = [];
  for (const [id, log] of logs) {
    const at = log.findIndex((b, i) => b !== longest[1][i]);
    if (at >= 0) out.push(`${id}'s log differs from ${longest[0]}'s at slot ${at}`);
  }
  return out;
}

describe('multipaxos', () => {
  test('a leader is elected and client commands are decided, batched and answered', () => {
    const h = new Harness({
      behavior: multiPaxosNode,
      seed: 1,
      nodes: 5,
      params: { batchSize: 4, batchDelayMs: 5 },
    });
    h.runUntil(1000);
    const leaders = h.ids.filter((id) => mp(h, id).role === 'leader');
    expect(leaders).toHaveLength(1);
    const history = kvWorkload(h, { from: 1000, until: 2000, every: 2, keys: 3 });
    h.runUntil(3000);
    expect(logProblems(h)).toEqual([]);
    const answered = new Set(h.replies.map((r) => r.op));
    expect(history.every((o) => answered.has(o.op))).toBe(true);
    // Batching: fewer slots than commands, and no slot above the batch size.
    const slots = [...h.chosen.values()].map((c) => (c.value as Batch).length);
    expect(slots.length).toBeLessThan(history.length);
    expect(Math.max(...slots)).toBeLessThanOrEqual(4);
    expect(Math.max(...slots)).toBe(4);
    expect(new Set(h.ids.map((id) => mp(h, id).commitIndex)).size).toBe(1);
  });

  /**
   * Five nodes after a workload from 1 s to `until` (every `every` ms, 4 keys) and a quiet second:
   * they applied the same slots and share one store and one set of applied ops (a slot is applied
   * once, by the first node to learn it; the others take its result).
   */
  function oneStoreAfter(params: Record<string, unknown>, until: number, every: number): MultiPaxosState[] {
    const h = new Harness({ behavior: multiPaxosNode, seed: 3, nodes: 5, params });
    h.runUntil(1000);
    kvWorkload(h, { from: 1000, until, every, keys: 4 });
    h.runUntil(3000);
    const states = h.ids.map((id) => mp(h, id));
    expect(new Set(states.map((s) => s.commitIndex)).size).toBe(1);
    expect(new Set(states.map((s) => s.kv)).size).toBe(1);
    expect(new Set(states.map((s) => s.appliedOps)).size).toBe(1);
    return states;
  }

  test('nodes that applied the same slots share one store, equal to the log replayed one command at a time', () => {
    const states = oneStoreAfter({ batchSize: 3 }, 2000, 3);
    let plain: Record<string, unknown> = {};
    const seen = new Set<number>();
    for (const batch of logOf(states[0]!)) {
      for (const cmd of batch) {
        if (seen.has(cmd.op)) continue;
        seen.add(cmd.op);
        plain = applyKv(plain, cmd).store;
      }
    }
    expect(seen.size).toBeGreaterThan(100);
    expect(states[0]!.kv.toObject()).toEqual(Object.fromEntries(Object.entries(plain).sort()));
  });

  test('with a deep pipeline too, the nodes share one store (the memo keeps enough slots)', () => {
    const states = oneStoreAfter({ batchSize: 1, pipeline: 48 }, 1400, 1);
    expect(states[0]!.commitIndex).toBeGreaterThan(300);
  });

  test('pipelining keeps at most `pipeline` slots in flight', () => {
    const h = new Harness({
      behavior: multiPaxosNode,
      seed: 2,
      nodes: 3,
      params: { batchSize: 1, pipeline: 3 },
    });
    h.runUntil(1000);
    kvWorkload(h, { from: 1000, until: 1200, every: 1 });
    let most = 0;
    for (let t = 1000; t < 2000; t++) {
      h.runUntil(t);
      for (const id of h.ids) most = Math.max(most, mp(h, id).inflight.size);
    }
    expect(most).toBe(3);
    expect(logProblems(h)).toEqual([]);
  });

  test('without forwarding, a follower answers ok: false and names the leader', () => {
    const h = new Harness({ behavior: multiPaxosNode, seed: 3, params: { forward: false } });
    h.runUntil(1000);
    const leader = h.ids.find((id) => mp(h, id).role === 'leader')!;
    const follower = h.ids.find((id) => id !== leader)!;
    h.request(follower, { op: 1, client: 0, request: { f: 'write', key: 'x', value: 1 } });
    expect(h.replies).toEqual([
      { node: follower, op: 1, ok: false, result: { error: 'not the leader', leader }, t: h.now },
    ]);
    h.request(leader, { op: 2, client: 0, request: { f: 'write', key: 'x', value: 2 } });
    h.runFor(100);
    expect(h.replies.at(-1)).toMatchObject({ op: 2, ok: true, result: 2 });
  });

  test('a node that knows no leader answers ok: false; bad requests are refused', () => {
    const h = new Harness({ behavior: multiPaxosNode, seed: 4 });
    h.request('n1', { op: 1, client: 0, request: { f: 'read', key: 'x' } });
    h.request('n1', { op: 2, client: 0, request: { f: 'incr', key: 'x' } });
    expect(h.replies.map((r) => [r.op, r.ok])).toEqual([
      [1, false],
      [2, false],
    ]);
  });

  test('safety: logs are prefixes of one another under loss, duplication, partitions and crash/restart', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.constantFrom(3, 5).chain((n) => fc.tuple(fc.constant(n), faultSchedule(n, 3000))),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        (seed, [n, faults], loss, dup) => {
          const h = new Harness({
            behavior: multiPaxosNode,
            seed,
            nodes: n,
            loss,
            dup,
            params: {
              batchSize: 3,
              pipeline: 3,
              electionTimeoutMs: 150,
              electionJitterMs: 150,
              heartbeatMs: 30,
            },
          });
          applyFaults(h, faults);
          kvWorkload(h, { until: 3000, every: 15 });
          h.runUntil(3000, 200_000);
          expect(logProblems(h)).toEqual([]);
          expect(prefixProblems(h)).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  test(`liveness: after faults end, every waiting request is answered within ${LIVENESS_BOUND_MS} ms`, () => {
    let worst = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), faultSchedule(5, 2000), (seed, faults) => {
        const h = new Harness({ behavior: multiPaxosNode, seed, nodes: 5, loss: 0.1, dup: 0.05 });
        applyFaults(h, faults);
        kvWorkload(h, { until: 2000, every: 10 });
        h.runUntil(2000);
        endFaults(h);
        const healedAt = h.now;
        const waiting = (): number[] => h.ids.flatMap((id) => waitingCommands(mp(h, id)).map((c) => c.op));
        const before = waiting();
        const done = h.runUntilTrue(() => waiting().length === 0, healedAt + LIVENESS_BOUND_MS);
        expect(done).toBe(true);
        worst = Math.max(worst, h.now - healedAt);
        const answered = new Set(h.replies.map((r) => r.op));
        expect(before.every((op) => answered.has(op))).toBe(true);
        expect(logProblems(h)).toEqual([]);
        // And new requests after the heal are answered too.
        const later = kvWorkload(h, { from: h.now, until: h.now + 200, every: 20, firstOp: 100_000 });
        h.runFor(LIVENESS_BOUND_MS);
        const after = new Set(h.replies.map((r) => r.op));
        expect(later.every((o) => after.has(o.op))).toBe(true);
      }),
      { numRuns: 100 },
    );
    // eslint-disable-next-line no-console
    console.log(
      `multipaxos liveness: slowest drain of waiting requests after the heal: ${worst.toFixed(0)} ms`,
    );
    expect(worst).toBeLessThan(LIVENESS_BOUND_MS);
  });

  test('a restarted node catches up and its log equals the others', () => {
    const h = new Harness({ behavior: multiPaxosNode, seed: 5, nodes: 5, params: { catchupBatch: 8 } });
    h.runUntil(1000);
    const leader = h.ids.find((id) => mp(h, id).role === 'leader')!;
    const lagging = h.ids.find((id) => id !== leader)!;
    kvWorkload(h, { from: 1000, until: 3000, every: 5 });
    h.at(1200, () => h.crash(lagging));
    h.at(2500, () => h.restart(lagging));
    h.runUntil(2500);
    const atRestart = mp(h, lagging).commitIndex;
    h.runUntil(5000);
    const logs = h.ids.map((id) => JSON.stringify(logOf(mp(h, id))));
    expect(new Set(logs).size).toBe(1);
    expect(mp(h, lagging).commitIndex).toBeGreaterThan(atRestart + 8);
    // It restored its store from the log too.
    expect(mp(h, lagging).kv.toObject()).toEqual(mp(h, leader).kv.toObject());
  });

  test('a partitioned minority leader is replaced, steps down on heal, and the logs converge', () => {
    const h = new Harness({ behavior: multiPaxosNode, seed: 6, nodes: 5 });
    h.runUntil(1000);
    const old = h.ids.find((id) => mp(h, id).role === 'leader')!;
    h.split([[old]]);
    kvWorkload(h, { from: 1000, until: 3000, every: 10 });
    h.runUntil(3000);
    const next = h.ids.find((id) => id !== old && mp(h, id).role === 'leader');
    expect(next).toBeDefined();
    h.heal();
    h.runUntil(5000);
    expect(mp(h, old).role).toBe('follower');
    expect(new Set(h.ids.map((id) => JSON.stringify(logOf(mp(h, id))))).size).toBe(1);
    expect(logProblems(h)).toEqual([]);
  });

  test('the store is linearizable on small histories (Wing–Gong), under loss and leader crashes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.array(
          fc.record({
            t: fc.integer({ min: 0, max: 800 }),
            node: fc.integer({ min: 0, max: 2 }),
            f: fc.constantFrom('read' as const, 'write' as const, 'cas' as const),
            a: fc.integer({ min: 0, max: 3 }),
            b: fc.integer({ min: 0, max: 3 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.option(fc.integer({ min: 0, max: 800 })),
        (seed, ops, crashAt) => {
          const h = new Harness({ behavior: multiPaxosNode, seed, nodes: 3, loss: 0.05, latency: [1, 30] });
          h.runUntil(700);
          const start = h.now;
          if (crashAt !== null) {
            h.at(start + crashAt, () => {
              const leader = h.ids.find((id) => mp(h, id).role === 'leader');
              if (leader !== undefined) h.crash(leader);
            });
          }
          const invoked = new Map<number, { f: 'read' | 'write' | 'cas'; value: unknown; t: number }>();
          ops.forEach((o, op) => {
            h.at(start + o.t, () => {
              const node = h.ids[o.node]!;
              if (!h.isUp(node)) return;
              const value = o.f === 'write' ? o.a : o.f === 'cas' ? [o.a, o.b] : undefined;
              invoked.set(op, { f: o.f, value, t: h.now });
              h.request(node, {
                op,
                client: op,
                request: o.f === 'read' ? { f: 'read', key: 'x' } : { f: o.f, key: 'x', value },
              });
            });
          });
          h.runUntil(start + 3000);
          expect(logProblems(h)).toEqual([]);
          const history: LinOp[] = [];
          for (const [op, inv] of invoked) {
            const r = h.replies.find((x) => x.op === op);
            const refused =
              r !== undefined && typeof r.result === 'object' && r.result !== null && 'error' in r.result;
            if (refused) continue; // a definite failure: it never took effect
            history.push({
              f: inv.f,
              value: inv.value,
              invokedAt: inv.t,
              completedAt: r === undefined ? Infinity : r.t,
              ok: r?.ok === true,
              result: r?.result,
            });
          }
          expect(linearizable(history)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('the checker rejects a stale read', () => {
    const w = (v: number, a: number, b: number): LinOp => ({
      f: 'write',
      value: v,
      invokedAt: a,
      completedAt: b,
      ok: true,
      result: v,
    });
    const r = (v: unknown, a: number, b: number): LinOp => ({
      f: 'read',
      value: undefined,
      invokedAt: a,
      completedAt: b,
      ok: true,
      result: v,
    });
    expect(linearizable([w(1, 0, 1), r(1, 2, 3)])).toBe(true);
    expect(linearizable([w(1, 0, 1), r(null, 2, 3)])).toBe(false);
    expect(linearizable([w(1, 0, 5), r(null, 1, 2), r(1, 3, 4)])).toBe(true);
    expect(linearizable([w(1, 0, 5), r(1, 1, 2), r(null, 3, 4)])).toBe(false);
  });

  test('every answered command is in the log, applied once, and every node applies the same log', () => {
    const h = new Harness({ behavior: multiPaxosNode, seed: 7, nodes: 5, loss: 0.1, dup: 0.1 });
    kvWorkload(h, { until: 4000, every: 5 });
    applyFaults(h, [
      { t: 1500, kind: 'crash', node: 0 },
      { t: 1600, kind: 'crash', node: 1 },
      { t: 2500, kind: 'restart', node: 0 },
      { t: 2600, kind: 'restart', node: 1 },
    ]);
    h.runUntil(4000);
    endFaults(h);
    h.runFor(3000);
    expect(logProblems(h)).toEqual([]);
    const slots = opSlots(h);
    const oks = h.replies.filter((r) => r.ok === true);
    expect(oks.length).toBeGreaterThan(300);
    for (const r of oks) expect(slots.get(r.op)!.length).toBeGreaterThanOrEqual(1);
    const stores = h.ids.map((id) => JSON.stringify(mp(h, id).kv));
    expect(new Set(stores).size).toBe(1);
  });

  test('a command logged twice is applied once (the store skips the later copy)', () => {
    const h = new Harness({ behavior: multiPaxosNode, seed: 8, nodes: 3 });
    h.runUntil(1000);
    const leader = h.ids.find((id) => mp(h, id).role === 'leader')!;
    const follower = h.ids.find((id) => id !== leader)!;
    const write = { f: 'write', key: 'x', value: 1, op: 1, client: 0 } as const;
    const s = mp(h, follower);
    const ballot = mp(h, leader).ballot!;
    let step = multiPaxosNode.onMessage(s, leader, {
      type: 'decide',
      slot: s.commitIndex,
      value: [write],
      ballot,
    });
    const write2 = { f: 'write', key: 'x', value: 2, op: 2, client: 0 } as const;
    step = multiPaxosNode.onMessage(step.state, leader, {
      type: 'decide',
      slot: s.commitIndex + 1,
      value: [write2, write],
      ballot,
    });
    expect(step.state.kv.toObject()).toEqual({ x: 2 });
    expect(step.state.appliedOps.has(1)).toBe(true);
  });
});

/** Applies `ops` (a value, or null: remove) to a persistent map and to a Map: every version of both. */
function versions<M extends { set(k: number, v: number | undefined): M }>(
  empty: M,
  ops: [number, number | null][],
): [M, Map<number, number>][] {
  let m = empty;
  const ref = new Map<number, number>();
  const out: [M, Map<number, number>][] = [];
  for (const [k, v] of ops) {
    m = m.set(k, v ?? undefined);
    if (v === null) ref.delete(k);
    else ref.set(k, v);
    out.push([m, new Map(ref)]);
  }
  return out;
}

describe('SlotMap', () => {
  test('behaves like a Map iterated in key order, and never changes an old version', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(40), fc.option(fc.nat()))), (ops) => {
        for (const [mv, rv] of versions(SlotMap.empty<number>(), ops)) {
          const keys = [...rv.keys()].sort((a, b) => a - b);
          expect(mv.size).toBe(rv.size);
          expect(mv.keys()).toEqual(keys);
          expect(mv.values()).toEqual(keys.map((k) => rv.get(k)));
          for (let k = 0; k <= 40; k++) expect(mv.get(k)).toBe(rv.get(k));
        }
      }),
    );
    expect(SlotMap.empty<number>().set(3, 1).set(3, undefined)).toBe(SlotMap.empty());
  });
});

describe('IntMap', () => {
  test('behaves like a Map and never changes an old version', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(5000), fc.option(fc.nat()))), (ops) => {
        for (const [mv, rv] of versions(IntMap.empty<number>(), ops)) {
          expect(mv.size).toBe(rv.size);
          for (const [k, v] of rv) expect(mv.get(k)).toBe(v);
        }
      }),
    );
    expect(
      IntMap.empty<number>()
        .set(2 ** 40, 1)
        .get(2 ** 40),
    ).toBe(1);
    expect(() => IntMap.empty<number>().set(-1, 1)).toThrow(RangeError);
  });

  test('iterates in key order and forgets removed keys', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.oneof(fc.nat(70_000), fc.constant(2 ** 31 + 5)), fc.boolean())),
        (ops) => {
          let m = IntMap.empty<number>();
          const ref = new Map<number, number>();
          for (const [k, keep] of ops) {
            m = m.set(k, keep ? k : undefined);
            if (keep) ref.set(k, k);
            else ref.delete(k);
          }
          const keys = [...ref.keys()].sort((a, b) => a - b);
          expect(m.keys()).toEqual(keys);
          expect(m.values()).toEqual(keys);
          expect(m.size).toBe(keys.length);
        },
      ),
    );
    let m = IntMap.empty<number>();
    for (let k = 0; k < 5000; k++) m = m.set(k, k);
    for (let k = 0; k < 5000; k++) m = m.set(k, undefined);
    expect(m).toBe(IntMap.empty());
  });

  test('an editor gives what one set after another gives, and never changes the map it came from', () => {
    const entries = fc.array(fc.tuple(fc.oneof(fc.nat(300), fc.nat(70_000)), fc.option(fc.nat())));
    fc.assert(
      fc.property(entries, fc.array(entries, { maxLength: 4 }), (start, edits) => {
        let base = IntMap.empty<number>();
        for (const [k, v] of start) base = base.set(k, v ?? undefined);
        const before = [base.keys(), base.values()];
        let m = base;
        for (const edit of edits) {
          // Several editors from one map: each copies what it changes, the map stays as it was.
          const e = m.edit();
          const other = m.edit();
          let expected = m;
          for (const [k, v] of edit) {
            e.set(k, v ?? undefined);
            other.set(k, 7);
            expected = expected.set(k, v ?? undefined);
            expect(e.get(k)).toBe(v ?? undefined);
          }
          const next = e.done();
          other.done();
          expect([next.keys(), next.values(), next.size]).toEqual([
            expected.keys(),
            expected.values(),
            expected.size,
          ]);
          expect(() => e.set(0, 1)).toThrow(/after done/);
          m = next;
        }
        expect([base.keys(), base.values()]).toEqual(before);
      }),
    );
    const e = IntMap.empty<number>().edit();
    for (let k = 0; k < 200; k++) e.set(k * 977, k); // more copies than the editor's short list
    for (let k = 0; k < 200; k += 2) e.set(k * 977, undefined);
    const m = e.done();
    expect(m.size).toBe(100);
    expect(m.get(977)).toBe(1);
    expect(m.get(0)).toBe(undefined);
  });
});

describe('KvMap and OpQueue', () => {
  const cmdArb = fc.record({
    f: fc.constantFrom('read' as const, 'write' as const, 'cas' as const),
    key: fc.constantFrom('a', 'b', 'c', '__proto__', 'k1', 'k2'),
    v: fc.oneof(fc.nat(3), fc.constant(null)),
    w: fc.nat(3),
  });
  test('the persistent store gives what applyKv gives', () => {
    fc.assert(
      fc.property(fc.array(cmdArb), (cmds) => {
        let plain = {} as Readonly<Record<string, unknown>>;
        let map = KvMap.empty();
        for (const c of cmds) {
          const req =
            c.f === 'cas'
              ? { f: c.f, key: c.key, value: [c.v, c.w] as const }
              : c.f === 'write'
                ? { f: c.f, key: c.key, value: c.w }
                : { f: c.f, key: c.key };
          const a = applyKv(plain, req);
          const b = applyKvMap(map, req);
          expect(b.result).toEqual(a.result);
          // The editor (one command at a time here) gives the same, and leaves `map` as it was.
          const before = map.toObject();
          const edit = map.edit();
          expect(applyKvEdit(edit, req)).toEqual(a.result);
          expect(edit.done().toObject()).toEqual(a.store);
          expect(map.toObject()).toEqual(before);
          plain = a.store;
          map = b.store;
        }
        // All at once through one editor.
        const edit = KvMap.empty().edit();
        for (const c of cmds) {
          applyKvEdit(
            edit,
            c.f === 'cas'
              ? { f: c.f, key: c.key, value: [c.v, c.w] as const }
              : c.f === 'write'
                ? { f: c.f, key: c.key, value: c.w }
                : { f: c.f, key: c.key },
          );
        }
        expect(edit.done().toObject()).toEqual(plain);
        expect(map.toObject()).toEqual(plain);
        expect(map.size).toBe(Object.keys(plain).length);
        expect(KvMap.from(plain).toObject()).toEqual(plain);
      }),
    );
  });

  test('the queue is persistent: old versions keep their contents', () => {
    const cmd = (op: number): KvCommand => ({ f: 'read', key: 'x', op, client: 0 });
    const a = OpQueue.empty().push(cmd(1)).push(cmd(2));
    const b = a.push(cmd(3));
    const c = a.push(cmd(4)); // a's backing array is taken by b: c copies
    expect(a.toArray().map((x) => x.op)).toEqual([1, 2]);
    expect(b.toArray().map((x) => x.op)).toEqual([1, 2, 3]);
    expect(c.toArray().map((x) => x.op)).toEqual([1, 2, 4]);
    const d = b.drop(2);
    expect(d.toArray().map((x) => x.op)).toEqual([3]);
    expect([d.has(1), d.has(3), b.has(1), c.has(3)]).toEqual([false, true, true, false]);
    expect(d.at(0).op).toBe(3);
    expect(b.drop(5).length).toBe(0);
    // pushAll: the same as one push after another, and old versions are untouched.
    const e = b.pushAll([cmd(5), cmd(6)]);
    const f = b.pushAll([cmd(7), cmd(8)]); // b's backing array is taken by e: f copies
    const g = d.pushAll([cmd(9)]);
    expect(e.toArray().map((x) => x.op)).toEqual([1, 2, 3, 5, 6]);
    expect(f.toArray().map((x) => x.op)).toEqual([1, 2, 3, 7, 8]);
    expect(g.toArray().map((x) => x.op)).toEqual([3, 9]);
    expect(b.toArray().map((x) => x.op)).toEqual([1, 2, 3]);
    expect([e.has(6), e.has(7), f.has(7), f.has(6), b.has(5), b.pushAll([]).length]).toEqual([
      true,
      false,
      true,
      false,
      false,
      3,
    ]);
    let q = OpQueue.empty();
    for (let op = 0; op < 3000; op++) q = q.push(cmd(op)).drop(op % 2);
    expect(q.length).toBe(1500);
    expect(q.at(0).op).toBe(1500);
  });

  test('queue versions (pushed, dropped, filtered or rebuilt from any earlier one) answer has() as their contents do', () => {
    const cmd = (op: number): KvCommand => ({ f: 'read', key: 'x', op, client: 0 });
    // Each step takes one of the last few versions (several steps from one version: shared
    // backing arrays) and pushes an op (ops come back after they are dropped), drops, or filters.
    const step = fc.tuple(
      fc.nat(3),
      fc.oneof(
        fc.record({ push: fc.nat(6) }), // few ops: they come back often
        fc.record({ drop: fc.nat(4) }),
        fc.record({ keepOdd: fc.constant(true) }),
        fc.record({ rebuild: fc.constant(true) }),
      ),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const versions: [OpQueue, number[]][] = [[OpQueue.empty(), []]];
        for (const [pick, s] of steps) {
          const [q, model] = versions[Math.max(0, versions.length - 1 - pick)]!;
          if ('push' in s) {
            if (model.includes(s.push)) continue; // the caller never queues an op twice
            versions.push([q.push(cmd(s.push)), [...model, s.push]]);
          } else if ('drop' in s) versions.push([q.drop(s.drop), model.slice(s.drop)]);
          else if ('rebuild' in s) versions.push([OpQueue.of(q.toArray()), model]);
          else
            versions.push([
              OpQueue.of(q.toArray().filter((c) => c.op % 2 === 1)),
              model.filter((op) => op % 2 === 1),
            ]);
        }
        for (const [q, model] of versions) {
          expect(q.toArray().map((c) => c.op)).toEqual(model);
          expect(q.length).toBe(model.length);
          for (let op = 0; op <= 6; op++) expect(q.has(op)).toBe(model.includes(op));
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('waiting commands', () => {
  test('sortedByOp sorts as a stable sort by op does, in place', () => {
    // Few distinct ops (ties: stability shows), nearly sorted or not.
    const ops = fc.oneof(
      fc.array(fc.nat(8), { maxLength: 40 }),
      fc.array(fc.integer({ min: -2, max: 2 }), { maxLength: 40 }).map((ds) => ds.map((d, i) => i + d)),
      // Far from sorted and long enough to run out of insertion moves (the library sort finishes).
      fc.array(fc.nat(30), { minLength: 60, maxLength: 200 }),
      fc.array(fc.nat(20), { minLength: 60, maxLength: 200 }).map((xs) => xs.sort((a, b) => b - a)),
    );
    fc.assert(
      fc.property(ops, (list) => {
        const cmds: KvCommand[] = list.map((op, i) => ({ f: 'read', key: `k${i}`, op, client: i }));
        const expected = [...cmds].sort((a, b) => a.op - b.op);
        const sorted = sortedByOp(cmds);
        expect(sorted).toBe(cmds);
        expect(sorted.map((c) => c.key)).toEqual(expected.map((c) => c.key));
      }),
      { numRuns: 500 },
    );
  });
});

describe('kv', () => {
  test('read, write, cas', () => {
    let s = applyKv({}, { f: 'read', key: 'a' });
    expect(s.result).toEqual({ ok: true, value: null });
    s = applyKv(s.store, { f: 'write', key: 'a', value: 1 });
    expect(applyKv(s.store, { f: 'cas', key: 'a', value: [2, 3] }).result).toEqual({ ok: false, value: 1 });
    const c = applyKv(s.store, { f: 'cas', key: 'a', value: [1, 3] });
    expect(c.result).toEqual({ ok: true, value: 3 });
    expect(c.store).toEqual({ a: 3 });
    expect(s.store).toEqual({ a: 1 });
  });
});
