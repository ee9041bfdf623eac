// What governs each slot of a log when reconfigurations change it from a slot on: the header's
// entry from slot 0, then each reconfiguration's from its `fromSlot`, kept in slot order (a late
// report of an older reconfiguration must not replace a newer one). Shared by the safety checks
// and the metrics.

/** Entries by the first slot they govern; the first one governs from slot 0. */
export class SlotSchedule<T extends { readonly fromSlot: number }> {
  readonly #entries: T[];

  constructor(initial: T) {
    this.#entries = [initial];
  }

  /** Every entry, in slot order (the initial one first). */
  get entries(): readonly T[] {
    return this.#entries;
  }

  /** The entry of the highest slot. */
  get latest(): T {
    return this.#entries[this.#entries.length - 1] as T;
  }

  /** The entry in force at `slot`: the last one at or below it. */
  at(slot: number): T {
    const es = this.#entries;
    for (let i = es.length - 1; i > 0; i--) {
      const e = es[i] as T;
      if (e.fromSlot <= slot) return e;
    }
    return es[0] as T;
  }

  /** The entry an earlier reconfiguration gave exactly `slot` (never the initial entry). */
  reported(slot: number): T | undefined {
    return this.#entries.find((e, k) => k > 0 && e.fromSlot === slot);
  }

  /** Adds `entry` in slot order; true when it governs the highest slot (it is now `latest`). */
  add(entry: T): boolean {
    const at = this.#entries.findIndex((e) => e.fromSlot > entry.fromSlot);
    if (at >= 0) {
      this.#entries.splice(at, 0, entry);
      return false;
    }
    this.#entries.push(entry);
    return true;
  }
}
