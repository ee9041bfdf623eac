// The key-value state machine on top of the Multi-Paxos log: read, write and compare-and-set on
// string keys. Commands are applied in log order on every node, so every node computes the same
// result for every command; reads go through the log too, which makes them linearizable.

/** A client operation on the store, in Jepsen's vocabulary (`f`, `key`, `value`). */
export type KvRequest =
  | { readonly f: 'read'; readonly key: string }
  | { readonly f: 'write'; readonly key: string; readonly value: unknown }
  /** Set `key` to `value[1]` if it holds `value[0]` (an absent key holds `null`). */
  | { readonly f: 'cas'; readonly key: string; readonly value: readonly [unknown, unknown] };

/** A command in the log: the request and the operation id that links it to its client. */
export type KvCommand = KvRequest & { readonly op: number; readonly client: number | string };

/** What applying a command gives back: `ok: false` for a cas whose expectation failed. */
export type KvResult = { readonly ok: boolean; readonly value: unknown };

/** The store: key -> value (JSON values). */
export type KvStore = Readonly<Record<string, unknown>>;

/** JSON-level equality, enough for the values clients write. */
function same(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** Apply one command; the store is not modified (a new one is returned when it changes). */
export function applyKv(store: KvStore, cmd: KvRequest): { store: KvStore; result: KvResult } {
  const current = Object.prototype.hasOwnProperty.call(store, cmd.key) ? store[cmd.key] : null;
  switch (cmd.f) {
    case 'read':
      return { store, result: { ok: true, value: current } };
    case 'write':
      return { store: { ...store, [cmd.key]: cmd.value }, result: { ok: true, value: cmd.value } };
    case 'cas': {
      const [expected, next] = cmd.value;
      if (!same(current, expected)) return { store, result: { ok: false, value: current } };
      return { store: { ...store, [cmd.key]: next }, result: { ok: true, value: next } };
    }
  }
}

/** Check the shape of a client request; a message naming what is wrong, or null. */
export function kvRequestError(r: unknown): string | null {
  if (typeof r !== 'object' || r === null) return 'a request must be an object { f, key, value? }';
  const { f, key, value } = r as { f?: unknown; key?: unknown; value?: unknown };
  if (typeof key !== 'string') return 'a request needs a string key';
  if (f === 'read' || f === 'write') return null;
  if (f === 'cas')
    return Array.isArray(value) && value.length === 2 ? null : 'cas needs value [expected, new]';
  return `unknown operation ${JSON.stringify(f)} (read, write or cas)`;
}
