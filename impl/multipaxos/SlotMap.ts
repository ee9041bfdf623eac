// A persistent map from slots to values for the few slots a Multi-Paxos leader has in flight (up
// to `pipeline`, 4 by default): two sorted arrays, copied whole on a change. For a handful of
// entries that is cheaper than an IntMap, whose every change copies four 16-wide arrays and whose
// walk visits them, and the leader looks its pipeline over on every command it queues.

/** A persistent map from slots (integers) to `V`, in slot order. */
export class SlotMap<V> {
  private static readonly EMPTY = new SlotMap<never>([], []);

  private constructor(
    private readonly slots: readonly number[],
    private readonly entries: readonly V[],
  ) {}

  static empty<V>(): SlotMap<V> {
    return SlotMap.EMPTY;
  }

  /** Number of slots present. */
  get size(): number {
    return this.slots.length;
  }

  /** The first index whose slot is at least `slot` (the length when none is). */
  #at(slot: number): number {
    const slots = this.slots;
    let lo = 0;
    let hi = slots.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (slots[mid]! < slot) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(slot: number): V | undefined {
    const i = this.#at(slot);
    return this.slots[i] === slot ? this.entries[i] : undefined;
  }

  has(slot: number): boolean {
    return this.get(slot) !== undefined;
  }

  /** A map with `slot` bound to `v` (`undefined` removes it). */
  set(slot: number, v: V | undefined): SlotMap<V> {
    const i = this.#at(slot);
    const n = this.slots.length;
    const found = this.slots[i] === slot;
    if (v === undefined) {
      if (!found) return this;
      if (n === 1) return SlotMap.EMPTY;
      // Copied by hand, not slice + splice: a splice allocates an array of what it removes.
      const slots = new Array<number>(n - 1);
      const entries = new Array<V>(n - 1);
      for (let j = 0; j < i; j++) {
        slots[j] = this.slots[j]!;
        entries[j] = this.entries[j]!;
      }
      for (let j = i + 1; j < n; j++) {
        slots[j - 1] = this.slots[j]!;
        entries[j - 1] = this.entries[j]!;
      }
      return new SlotMap(slots, entries);
    }
    if (found) {
      const entries = this.entries.slice();
      entries[i] = v;
      return new SlotMap(this.slots, entries);
    }
    const slots = new Array<number>(n + 1);
    const entries = new Array<V>(n + 1);
    for (let j = 0; j < i; j++) {
      slots[j] = this.slots[j]!;
      entries[j] = this.entries[j]!;
    }
    slots[i] = slot;
    entries[i] = v;
    for (let j = i; j < n; j++) {
      slots[j + 1] = this.slots[j]!;
      entries[j + 1] = this.entries[j]!;
    }
    return new SlotMap(slots, entries);
  }

  /** The value of the `i`-th slot in ascending order (0 <= i < size): a walk without a callback. */
  valueAt(i: number): V {
    return this.entries[i]!;
  }

  /** Calls `f` on every entry in ascending slot order. */
  forEach(f: (value: V, slot: number) => void): void {
    for (let i = 0; i < this.slots.length; i++) f(this.entries[i]!, this.slots[i]!);
  }

  /** The values in ascending slot order. */
  values(): V[] {
    return this.entries.slice();
  }

  /** The slots in ascending order. */
  keys(): number[] {
    return this.slots.slice();
  }
}
