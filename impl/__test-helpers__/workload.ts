// Test helpers over the harness: a small key-value client workload with its history, random fault
// schedules (as fast-check arbitraries, so failing schedules shrink), and checks of replicated logs:
// agreement per slot, answered commands present in the log, and a Wing–Gong linearizability
// checker for small histories.

import fc from 'fast-check';
import type { NodeId } from '../Node.js';
import type { Harness } from './harness.js';

/** One client operation as the test saw it. */
export interface HistoryOp {
  readonly op: number;
  readonly node: NodeId;
  readonly f: 'read' | 'write' | 'cas';
  readonly key: string;
  readonly value: unknown;
  readonly invokedAt: number;
}

/** A fault at a virtual time. */
export type Fault =
  | { readonly t: number; readonly kind: 'crash' | 'restart'; readonly node: number }
  | { readonly t: number; readonly kind: 'split'; readonly minority: readonly number[] }
  | { readonly t: number; readonly kind: 'heal' };

/** Random fault schedules within [0, until) for `n` nodes. */
export function faultSchedule(n: number, until: number, maxFaults = 8): fc.Arbitrary<Fault[]> {
  const t = fc.integer({ min: 0, max: until - 1 });
  const node = fc.integer({ min: 0, max: n - 1 });
  return fc.array(
    fc.oneof(
      fc.record({ t, kind: fc.constantFrom('crash' as const, 'restart' as const), node }),
      fc.record({
        t,
        kind: fc.constant('split' as const),
        minority: fc.uniqueArray(node, { minLength: 1, maxLength: Math.floor((n - 1) / 2) }),
      }),
      fc.record({ t, kind: fc.constant('heal' as const) }),
    ),
    { maxLength: maxFaults },
  );
}

/** Schedule `faults` on the harness. */
export function applyFaults(h: Harness, faults: readonly Fault[]): void {
  for (const f of faults) {
    h.at(f.t, () => {
      switch (f.kind) {
        case 'crash':
          h.crash(h.ids[f.node]!);
          break;
        case 'restart':
          h.restart(h.ids[f.node]!);
          break;
        case 'split':
          h.split([f.minority.map((i) => h.ids[i]!)]);
          break;
        case 'heal':
          h.heal();
          break;
      }
    });
  }
}

/** End every fault: heal the network, restart every node, stop loss and duplication. */
export function endFaults(h: Harness): void {
  h.heal();
  h.loss = 0;
  h.dup = 0;
  for (const id of h.ids) h.restart(id);
}

/** A key-value client workload: one request every `every` ms to a random node, until `until`. */
export function kvWorkload(
  h: Harness,
  opts: { from?: number; until: number; every: number; keys?: number; firstOp?: number },
): HistoryOp[] {
  const history: HistoryOp[] = [];
  let op = opts.firstOp ?? 0;
  const keys = opts.keys ?? 2;
  for (let t = opts.from ?? 0; t < opts.until; t += opts.every) {
    h.at(t, () => {
      const node = h.rng.pick(h.ids);
      const key = `k${h.rng.int(0, keys - 1)}`;
      const r = h.rng.next();
      const o = op++;
      const req =
        r < 0.4
          ? { f: 'read' as const, key }
          : r < 0.8
            ? { f: 'write' as const, key, value: o }
            : { f: 'cas' as const, key, value: [h.rng.int(0, o), o] as const };
      if (!h.isUp(node)) return;
      history.push({
        op: o,
        node,
        f: req.f,
        key,
        value: 'value' in req ? req.value : undefined,
        invokedAt: h.now,
      });
      h.request(node, { op: o, client: o % 5, request: req });
    });
  }
  return history;
}

type Cmd = { readonly op: number };

/** Per op, the slots of the chosen log that hold it. */
export function opSlots(h: Harness): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const [slot, c] of h.chosen) {
    for (const cmd of c.value as readonly Cmd[]) out.set(cmd.op, [...(out.get(cmd.op) ?? []), slot]);
  }
  return out;
}

/**
 * Problems with the replicated log: two decisions for one slot, or an answered command missing from
 * the log. A command may appear twice (a deposed leader's proposal recovered after a retry): the
 * store applies it once, at its first slot; `opSlots` shows the copies.
 */
export function logProblems(h: Harness): string[] {
  const problems = [...h.violations];
  const slots = opSlots(h);
  for (const r of h.replies) {
    const logged = slots.get(r.op)?.length ?? 0;
    const isError = typeof r.result === 'object' && r.result !== null && 'error' in r.result;
    if (!isError && logged < 1)
      problems.push(`op ${r.op} was answered (ok: ${String(r.ok)}) but is not in the log`);
  }
  return problems;
}

/** A completed or pending operation for the linearizability check. */
export interface LinOp {
  readonly f: 'read' | 'write' | 'cas';
  readonly value: unknown;
  readonly invokedAt: number;
  /** Infinity when no reply came (the op may or may not have taken effect). */
  readonly completedAt: number;
  readonly ok: boolean;
  readonly result: unknown;
}

const eq = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Wing & Gong's search: is there an order of the ops, consistent with real time, in which a single
 * register (initially null) gives every completed op its observed result? Pending ops may take effect
 * at any point after their invocation, or never. Exponential: for small histories (≤ 8-10 ops).
 */
export function linearizable(ops: readonly LinOp[]): boolean {
  const n = ops.length;
  const seen = new Set<string>();
  const go = (done: number, reg: unknown): boolean => {
    let allCompletedDone = true;
    for (let i = 0; i < n; i++)
      if ((done & (1 << i)) === 0 && ops[i]!.completedAt !== Infinity) allCompletedDone = false;
    if (allCompletedDone) return true;
    const key = `${done}:${JSON.stringify(reg)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    // An op may go next if no remaining op completed before it was invoked.
    let minCompletion = Infinity;
    for (let i = 0; i < n; i++)
      if ((done & (1 << i)) === 0) minCompletion = Math.min(minCompletion, ops[i]!.completedAt);
    for (let i = 0; i < n; i++) {
      if ((done & (1 << i)) !== 0) continue;
      const o = ops[i]!;
      if (o.invokedAt > minCompletion) continue;
      const pending = o.completedAt === Infinity;
      let next = reg;
      let fits: boolean;
      switch (o.f) {
        case 'read':
          fits = pending || eq(o.result, reg);
          break;
        case 'write':
          fits = true;
          next = o.value;
          break;
        case 'cas': {
          const [expected, nv] = o.value as [unknown, unknown];
          const matches = eq(reg, expected);
          if (matches) next = nv;
          fits = pending || matches === o.ok;
          break;
        }
      }
      if (fits && go(done | (1 << i), next)) return true;
    }
    return false;
  };
  return go(0, null);
}
