// Quorum systems live in their own room, quorums/: this re-exports what conformance uses, and
// remembers the checkers' quorum answers by node set.
import type { Quorums } from '../quorums/index.js';

export { quorumsOf, QuorumError, type Quorums } from '../quorums/index.js';

/** The names of the nodes whose bits are set in `mask` (bit i: `nodes[i]`), in node order. */
export function namesOf(mask: number, nodes: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < nodes.length; i++) if ((mask & (1 << i)) !== 0) out.push(nodes[i] as string);
  return out;
}

/** Answers kept per quorum system and question before the table starts over. */
const KEPT = 4096;

/**
 * Quorum answers by node set. The checkers ask the same question for every slot of a log (are
 * these few nodes a phase-2 quorum?), and a quorum system answers from names, building a
 * membership array each time: here each answer is remembered by the set's bitmask over a
 * checker's node table (bit i: `names[i]`, a table that only grows), per system and class.
 */
export class QuorumAnswers {
  readonly #tables = new Map<
    Quorums,
    { q1: Map<number, boolean>; q2: Map<string | undefined, Map<number, boolean>> }
  >();

  /** `q.isQ1` of the nodes in `mask`. */
  isQ1(q: Quorums, mask: number, names: readonly string[]): boolean {
    const table = this.#of(q).q1;
    const known = table.get(mask);
    if (known !== undefined) return known;
    return remember(table, mask, q.isQ1(namesOf(mask, names)));
  }

  /** `q.isQ2` of the nodes in `mask`, for the criticality class `cls`. */
  isQ2(q: Quorums, mask: number, names: readonly string[], cls: string | undefined): boolean {
    const byClass = this.#of(q).q2;
    let table = byClass.get(cls);
    if (table === undefined) byClass.set(cls, (table = new Map<number, boolean>()));
    const known = table.get(mask);
    if (known !== undefined) return known;
    return remember(table, mask, q.isQ2(namesOf(mask, names), cls));
  }

  #of(q: Quorums): { q1: Map<number, boolean>; q2: Map<string | undefined, Map<number, boolean>> } {
    let t = this.#tables.get(q);
    if (t === undefined) this.#tables.set(q, (t = { q1: new Map(), q2: new Map() }));
    return t;
  }
}

function remember(table: Map<number, boolean>, mask: number, ok: boolean): boolean {
  if (table.size >= KEPT) table.clear();
  table.set(mask, ok);
  return ok;
}
