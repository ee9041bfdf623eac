// A persistent map from slots to values for a node's decided log: slots are only ever added, mostly
// in order, and a slot's value never changes once logged. Adding to the newest version writes into
// arrays shared by every version of the log (older versions keep their own count and never see
// it), so logging a slot is O(1) where an IntMap copied a path of four 16-wide arrays (some 4% of a
// Multi-Paxos run's allocation), and a lookup is an array read instead of a walk down the trie.
//
// Each slot added gets a stamp, its rank among the additions of the shared arrays: a version that
// has made `count` additions holds exactly the slots stamped below `count`. Adding to a version that
// is not the newest (another version was added to since), or replacing a value, copies the version
// into arrays of its own first.

/** The arrays shared by the versions of one log. */
interface Shared<V> {
  /** Value by slot (a holey array; a slot beyond the array index range is a plain property). */
  readonly values: V[];
  /** Stamp by slot: the slot's rank in `order`. */
  readonly stamps: number[];
  /** The slots in the order they were added. */
  readonly order: number[];
}

function checkSlot(slot: number): void {
  if (!Number.isSafeInteger(slot) || slot < 0)
    throw new RangeError(`SlotLog: slot must be a non-negative safe integer, got ${slot}`);
}

/** A persistent map from non-negative safe integers (slots) to `V`. */
export class SlotLog<V> {
  private static readonly EMPTY = new SlotLog<never>({ values: [], stamps: [], order: [] }, 0);

  private constructor(
    private readonly shared: Shared<V>,
    /** Number of slots present: those stamped below it. */
    readonly size: number,
  ) {}

  static empty<V>(): SlotLog<V> {
    return SlotLog.EMPTY;
  }

  get(slot: number): V | undefined {
    const stamp = this.shared.stamps[slot];
    return stamp !== undefined && stamp < this.size ? this.shared.values[slot] : undefined;
  }

  has(slot: number): boolean {
    const stamp = this.shared.stamps[slot];
    return stamp !== undefined && stamp < this.size;
  }

  /** A log with `slot` bound to `v`. */
  set(slot: number, v: V): SlotLog<V> {
    checkSlot(slot);
    const shared = this.shared;
    if (shared !== SlotLog.EMPTY.shared && shared.order.length === this.size && !this.has(slot)) {
      shared.values[slot] = v;
      shared.stamps[slot] = this.size;
      shared.order.push(slot);
      return new SlotLog(shared, this.size + 1);
    }
    // Another version was added to since (or this is the shared empty log), or `slot` is replaced.
    const copy: Shared<V> = { values: [], stamps: [], order: [] };
    for (let i = 0; i < this.size; i++) {
      const s = shared.order[i]!;
      if (s === slot) continue;
      copy.values[s] = shared.values[s]!;
      copy.stamps[s] = copy.order.length;
      copy.order.push(s);
    }
    copy.values[slot] = v;
    copy.stamps[slot] = copy.order.length;
    copy.order.push(slot);
    return new SlotLog(copy, copy.order.length);
  }

  /** The slots in the order they were added. */
  slots(): number[] {
    return this.shared.order.slice(0, this.size);
  }
}
