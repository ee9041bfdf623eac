// The simulator's event queue: a binary min-heap of event slots keyed by (time, sequence number),
// so events at the same virtual time come out in the order they were scheduled (determinism).
// Struct-of-arrays storage grown by doubling; slots are recycled, so the steady state allocates
// nothing per event.
//
// Beside the heap, a FIFO lane takes every event that sorts after the lane's last one: being sorted
// already, it needs no heap work. What stays there is mostly what is scheduled far ahead at a fixed
// delay (client timeouts: thousands of them, which would otherwise make every heap operation a few
// levels deeper). Pop takes the earlier of the two heads, so events come out in the same order.
//
// And one register holds a single slot beside both (`pushSolo`): for a stream of events with one
// pending at a time, as the workload's ticks (in a busy run, 40% of all events; each one in the
// heap would sift up from the bottom and be sifted down again over the whole heap's depth).
//
// Slots come from two pools (`alloc`, `allocFar`): the events that stay queued for long (client
// timeouts, thousands at a time) take theirs apart, so that the few hundred slots of the events
// that come and go quickly stay few and dense in every column (in cache), rather than each
// quick event landing on the slot a timeout just freed somewhere among thousands.

import type { MessageText } from '../../traces/index.js';

/** Event slots with their payload columns, ordered by (time, seq). */
export class EventQueue {
  /** Virtual time of each slot. */
  time: Float64Array;
  /** Sequence number of each slot (ties on time break by it). */
  seq: Float64Array;
  /** Event kind of each slot (the simulator's codes). */
  kind: Uint8Array;
  /** Target node (or another small integer) of each slot. */
  node: Int32Array;
  /** Source node (or another small integer) of each slot. */
  from: Int32Array;
  /** A number payload (message id, timer generation, op index). */
  aux: Float64Array;
  /** An object payload (message, timer name, request). */
  obj: unknown[];
  /** A message's trace JSON, made once at send time (see TraceWriter.messageText). */
  text: (MessageText | undefined)[];

  #heap: Int32Array;
  #size = 0;
  /** The FIFO lane: a ring of slots, sorted by (time, seq); `#laneMask` + 1 is its capacity. */
  #lane = new Int32Array(1024);
  #laneMask = 1023;
  #laneHead = 0;
  #laneSize = 0;
  /** The lane's last slot (meaningful while the lane is not empty). */
  #laneTail = 0;
  /** The slot in the register, or -1. */
  #solo = -1;
  #free: Int32Array;
  #freeCount: number;
  /** The far pool's free slots. */
  #farFree: Int32Array;
  #farFreeCount = 0;
  /** 1 for a slot of the far pool. */
  #far: Uint8Array;
  #capacity: number;
  #nextSeq = 0;

  constructor(capacity = 1024) {
    this.#capacity = capacity;
    this.time = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.kind = new Uint8Array(capacity);
    this.node = new Int32Array(capacity);
    this.from = new Int32Array(capacity);
    this.aux = new Float64Array(capacity);
    this.obj = new Array<unknown>(capacity).fill(undefined);
    this.text = new Array<MessageText | undefined>(capacity).fill(undefined);
    this.#heap = new Int32Array(capacity);
    this.#free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.#free[i] = capacity - 1 - i;
    this.#freeCount = capacity;
    this.#farFree = new Int32Array(capacity);
    this.#far = new Uint8Array(capacity);
  }

  /** Number of queued events. */
  get size(): number {
    return this.#size + this.#laneSize + (this.#solo < 0 ? 0 : 1);
  }

  /** Take a free slot and fill its key; set its payload columns, then {@link EventQueue.push} it. */
  alloc(time: number, kind: number): number {
    if (this.#freeCount === 0) this.#grow(false);
    return this.#keyed(this.#free[--this.#freeCount]!, time, kind);
  }

  /** As {@link EventQueue.alloc}, from the pool of slots for events that stay queued long. */
  allocFar(time: number, kind: number): number {
    if (this.#farFreeCount === 0) this.#grow(true);
    return this.#keyed(this.#farFree[--this.#farFreeCount]!, time, kind);
  }

  /** Slot `s` with its key (time, the next sequence number) and kind. */
  #keyed(s: number, time: number, kind: number): number {
    this.time[s] = time;
    this.seq[s] = this.#nextSeq++;
    this.kind[s] = kind;
    return s;
  }

  /** Re-key a slot taken out of the queue (e.g. a deferred delivery) with a new time and sequence. */
  rekey(slot: number, time: number): void {
    this.time[slot] = time;
    this.seq[slot] = this.#nextSeq++;
  }

  /** Queue an allocated slot. */
  push(slot: number): void {
    if (this.#laneSize === 0 || this.#before(this.#laneTail, slot)) {
      if (this.#laneSize > this.#laneMask) this.#growLane();
      this.#lane[(this.#laneHead + this.#laneSize++) & this.#laneMask] = slot;
      this.#laneTail = slot;
      return;
    }
    const heap = this.#heap;
    const time = this.time;
    const seq = this.seq;
    let i = this.#size++;
    const t = time[slot]!;
    const q = seq[slot]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const ps = heap[p]!;
      const pt = time[ps]!;
      if (pt < t || (pt === t && seq[ps]! < q)) break;
      heap[i] = ps;
      i = p;
    }
    heap[i] = slot;
  }

  /**
   * Queue an allocated slot in the register when it is free, else as {@link EventQueue.push} does:
   * for the one pending event of a stream, which then costs no heap work.
   */
  pushSolo(slot: number): void {
    if (this.#solo < 0) this.#solo = slot;
    else this.push(slot);
  }

  /** The earliest slot, removed from the queue (still allocated: {@link EventQueue.release} it), or -1. */
  pop(): number {
    const solo = this.#solo;
    if (
      solo >= 0 &&
      (this.#laneSize === 0 || this.#before(solo, this.#lane[this.#laneHead]!)) &&
      (this.#size === 0 || this.#before(solo, this.#heap[0]!))
    ) {
      this.#solo = -1;
      return solo;
    }
    if (this.#laneSize > 0) {
      const ls = this.#lane[this.#laneHead]!;
      if (this.#size === 0 || this.#before(ls, this.#heap[0]!)) {
        this.#laneHead = (this.#laneHead + 1) & this.#laneMask;
        this.#laneSize--;
        return ls;
      }
    }
    if (this.#size === 0) return -1;
    const heap = this.#heap;
    const top = heap[0]!;
    const last = heap[--this.#size]!;
    const n = this.#size;
    if (n > 0) {
      const time = this.time;
      const seq = this.seq;
      const t = time[last]!;
      const q = seq[last]!;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        let cs = heap[c]!;
        if (c + 1 < n) {
          // The earlier child by arithmetic, not a branch: which one it is, is a coin toss (a
          // mispredicted branch per level); ties on time, rare, are broken by seq.
          const rs = heap[c + 1]!;
          const rt = time[rs]!;
          const lt = time[cs]!;
          const right = rt === lt ? +(seq[rs]! < seq[cs]!) : +(rt < lt);
          c += right;
          cs = heap[c]!;
        }
        const ct = time[cs]!;
        if (t < ct || (t === ct && q < seq[cs]!)) break;
        heap[i] = cs;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  }

  /** Time of the earliest event, or Infinity. */
  peekTime(): number {
    const h = this.#size === 0 ? Infinity : this.time[this.#heap[0]!]!;
    const l = this.#laneSize === 0 ? Infinity : this.time[this.#lane[this.#laneHead]!]!;
    const r = this.#solo < 0 ? Infinity : this.time[this.#solo]!;
    return Math.min(h, l, r);
  }

  /** Return a popped slot to the free list. */
  release(slot: number): void {
    this.obj[slot] = undefined;
    this.text[slot] = undefined;
    if (this.#far[slot] === 1) this.#farFree[this.#farFreeCount++] = slot;
    else this.#free[this.#freeCount++] = slot;
  }

  /** True when slot `a` comes out before slot `b`: earlier, or as early and scheduled first. */
  #before(a: number, b: number): boolean {
    const ta = this.time[a]!;
    const tb = this.time[b]!;
    return ta < tb || (ta === tb && this.seq[a]! < this.seq[b]!);
  }

  /** Double the lane's ring, its slots in order from index 0. */
  #growLane(): void {
    const old = this.#lane;
    const lane = new Int32Array(2 * old.length);
    for (let i = 0; i < this.#laneSize; i++) lane[i] = old[(this.#laneHead + i) & this.#laneMask]!;
    this.#lane = lane;
    this.#laneHead = 0;
    this.#laneMask = lane.length - 1;
  }

  /** Double the capacity; the new slots go to the far pool (`far`) or the other. */
  #grow(far: boolean): void {
    const old = this.#capacity;
    const cap = old * 2;
    const f64 = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.time = f64(this.time);
    this.seq = f64(this.seq);
    this.aux = f64(this.aux);
    const kind = new Uint8Array(cap);
    kind.set(this.kind);
    this.kind = kind;
    const node = new Int32Array(cap);
    node.set(this.node);
    this.node = node;
    const from = new Int32Array(cap);
    from.set(this.from);
    this.from = from;
    this.obj.length = cap;
    this.obj.fill(undefined, old);
    this.text.length = cap;
    this.text.fill(undefined, old);
    const heap = new Int32Array(cap);
    heap.set(this.#heap);
    this.#heap = heap;
    const isFar = new Uint8Array(cap);
    isFar.set(this.#far);
    const added = new Int32Array(cap);
    for (let i = 0; i < cap - old; i++) added[i] = cap - 1 - i;
    if (far) {
      isFar.fill(1, old);
      const free = new Int32Array(cap);
      free.set(this.#free.subarray(0, this.#freeCount));
      this.#free = free;
      this.#farFree = added;
      this.#farFreeCount = cap - old;
    } else {
      const farFree = new Int32Array(cap);
      farFree.set(this.#farFree.subarray(0, this.#farFreeCount));
      this.#farFree = farFree;
      this.#free = added;
      this.#freeCount = cap - old;
    }
    this.#far = isFar;
    this.#capacity = cap;
  }
}
