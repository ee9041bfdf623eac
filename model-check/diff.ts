// Differences between two states' printed forms, for counterexamples that show only what changed.

/** One change between two states. */
export type Change =
  | { kind: 'set'; path: string; from: unknown; to: unknown }
  | { kind: 'added'; path: string; value: unknown }
  | { kind: 'removed'; path: string; value: unknown };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const key = (v: unknown): string => JSON.stringify(v) ?? 'undefined';

/**
 * What changed from `before` to `after`: nested records are compared key by key (paths like
 * `maxBal.a1`), arrays as multisets (elements added or removed), anything else by value.
 */
export function diffStates(before: unknown, after: unknown, path = ''): Change[] {
  if (isRecord(before) && isRecord(after)) {
    const out: Change[] = [];
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    for (const k of keys) out.push(...diffStates(before[k], after[k], path === '' ? k : `${path}.${k}`));
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const count = new Map<string, number>();
    for (const x of before) count.set(key(x), (count.get(key(x)) ?? 0) + 1);
    const added: unknown[] = [];
    for (const x of after) {
      const n = count.get(key(x)) ?? 0;
      if (n > 0) count.set(key(x), n - 1);
      else added.push(x);
    }
    const removed = before.filter((x) => {
      const n = count.get(key(x)) ?? 0;
      if (n > 0) {
        count.set(key(x), n - 1);
        return true;
      }
      return false;
    });
    return [
      ...removed.map((value): Change => ({ kind: 'removed', path, value })),
      ...added.map((value): Change => ({ kind: 'added', path, value })),
    ];
  }
  return key(before) === key(after) ? [] : [{ kind: 'set', path, from: before, to: after }];
}
