// What the safety checkers keep of a settled slot (Paxos: decided by every node and applied; PBFT:
// a sequence number behind a stable checkpoint): the decided value's hash, where the slot settled
// and was first decided, by whom, and which nodes decided it (in their current incarnation, in
// any). About 30 bytes a slot, in pages of 4,096 slots. Only the most recent pages stay in memory:
// older ones go to a temporary file and come back when a late event names one of their slots (a
// restarted node deciding old slots again), so memory stays flat however long the trace is.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Slots per page: 4,096 slots take 120 KB. */
const PAGE = 4096;
const PAGE_BYTES = PAGE * (8 + 8 + 4 + 4 + 4 + 1 + 1);

/** Pages kept in memory by default (3.75 MiB); the rest are written out. */
const RESIDENT_PAGES = 32;

/**
 * Closes the file of a store dropped without {@link SettledSlots.close} (a checker abandoned when
 * an observer threw), so a long-lived process does not collect open descriptors.
 */
const unclosed = new FinalizationRegistry<{ fd: number; dir: string | undefined }>((f) => {
  try {
    closeSync(f.fd);
    if (f.dir !== undefined) rmSync(f.dir, { recursive: true, force: true });
  } catch {
    // already gone
  }
});

/** One page: views on one buffer, so that it is written and read back in one call. */
class SettledPage {
  readonly bytes: Uint8Array;
  readonly line: Float64Array;
  readonly first: Float64Array;
  readonly hash: Int32Array;
  readonly current: Int32Array;
  readonly ever: Int32Array;
  readonly flags: Uint8Array;
  readonly by: Uint8Array;
  /** Read or written since the clock hand last passed (see SettledSlots.#keep). */
  used = true;

  constructor(bytes = new Uint8Array(PAGE_BYTES)) {
    const b = bytes.buffer;
    const o = bytes.byteOffset;
    this.bytes = bytes;
    this.line = new Float64Array(b, o, PAGE);
    this.first = new Float64Array(b, o + 8 * PAGE, PAGE);
    this.hash = new Int32Array(b, o + 16 * PAGE, PAGE);
    this.current = new Int32Array(b, o + 20 * PAGE, PAGE);
    this.ever = new Int32Array(b, o + 24 * PAGE, PAGE);
    this.flags = new Uint8Array(b, o + 28 * PAGE, PAGE);
    this.by = new Uint8Array(b, o + 29 * PAGE, PAGE);
  }
}

/** The settled slots of one trace. Call {@link SettledSlots.close} when done (removes the file). */
export class SettledSlots {
  /** Pages in memory, by page number (slot / PAGE). */
  readonly #pages = new Map<number, SettledPage>();
  /** Page numbers in memory (a clock: `#hand` is the next to consider). */
  readonly #resident: number[] = [];
  #hand = 0;
  /** Pages written out: page number -> place in the file (in pages); places free again once read back. */
  readonly #spilled = new Map<number, number>();
  readonly #free: number[] = [];
  #places = 0;
  readonly #maxResident: number;
  #file: { fd: number; dir: string | undefined } | undefined;
  /** The page found last, and its number (it may be written out since: see #keep). */
  #lastK = -1;
  #last: SettledPage | undefined;
  /** Set when the file could not be written: from then on every page stays in memory. */
  #noFile = false;

  /** @param maxResident - pages kept in memory (tests use a few). */
  constructor(maxResident = RESIDENT_PAGES) {
    this.#maxResident = Math.max(1, maxResident);
  }

  /** Pages written out now (for tests). */
  get spilledPages(): number {
    return this.#spilled.size;
  }

  #page(slot: number): SettledPage | undefined {
    const k = Math.floor(slot / PAGE);
    // Most questions are about the page of the one before (events name nearby slots).
    if (k === this.#lastK && this.#last !== undefined) {
      this.#last.used = true;
      return this.#last;
    }
    const p = this.#pages.get(k);
    if (p !== undefined) {
      p.used = true;
      this.#lastK = k;
      this.#last = p;
      return p;
    }
    return this.#spilled.size > 0 && this.#spilled.has(k) ? this.#load(k) : undefined;
  }

  has(slot: number): boolean {
    return this.#page(slot)?.flags[slot % PAGE] === 1;
  }
  hash(slot: number): number {
    return this.#page(slot)?.hash[slot % PAGE] ?? 0;
  }
  line(slot: number): number {
    return this.#page(slot)?.line[slot % PAGE] ?? 0;
  }
  firstLine(slot: number): number {
    return this.#page(slot)?.first[slot % PAGE] ?? 0;
  }
  by(slot: number): number {
    return this.#page(slot)?.by[slot % PAGE] ?? 0;
  }
  current(slot: number): number {
    return this.#page(slot)?.current[slot % PAGE] ?? 0;
  }
  ever(slot: number): number {
    return this.#page(slot)?.ever[slot % PAGE] ?? 0;
  }

  /** Only for a slot that {@link has} says is settled. */
  update(slot: number, line: number, current: number, ever: number): void {
    const p = this.#page(slot)!;
    const i = slot % PAGE;
    p.line[i] = line;
    p.current[i] = current;
    p.ever[i] = ever;
  }

  /** Adds `mask` to the nodes that ever decided `slot`, when it is settled. */
  addEver(slot: number, mask: number): void {
    const p = this.#page(slot);
    if (p !== undefined) p.ever[slot % PAGE]! |= mask;
  }

  /** Settles `slot` (a non-negative safe integer). */
  add(
    slot: number,
    hash: number,
    line: number,
    first: number,
    by: number,
    current: number,
    ever: number,
  ): void {
    let p = this.#page(slot);
    if (p === undefined) {
      p = new SettledPage();
      this.#keep(Math.floor(slot / PAGE), p);
    }
    const i = slot % PAGE;
    p.flags[i] = 1;
    p.hash[i] = hash;
    p.line[i] = line;
    p.first[i] = first;
    p.by[i] = by;
    p.current[i] = current;
    p.ever[i] = ever;
  }

  /** Removes the file; pages written out are gone from then on. */
  close(): void {
    this.#spilled.clear();
    this.#last = undefined;
    const f = this.#file;
    if (f === undefined) return;
    this.#file = undefined;
    unclosed.unregister(this);
    try {
      closeSync(f.fd);
    } finally {
      if (f.dir !== undefined) rmSync(f.dir, { recursive: true, force: true });
    }
  }

  /**
   * Puts page `k` in memory. Beyond the limit one page is written out, chosen by a clock: the hand
   * passes pages used since it last passed them (clearing the mark) and stops at one that was not,
   * so the pages of the slots being settled now, and old pages a late event keeps reading, stay.
   */
  #keep(k: number, p: SettledPage): void {
    this.#pages.set(k, p);
    const ring = this.#resident;
    if (ring.length < this.#maxResident || this.#noFile) {
      ring.push(k);
      return;
    }
    for (;;) {
      this.#hand %= ring.length;
      const q = this.#pages.get(ring[this.#hand]!)!;
      if (!q.used) break;
      q.used = false;
      this.#hand++;
    }
    const out = ring[this.#hand]!;
    const place = this.#free.pop() ?? this.#places++;
    try {
      if (this.#file === undefined) {
        this.#file = this.#open();
        unclosed.register(this, this.#file, this);
      }
      const f = this.#file;
      const bytes = this.#pages.get(out)!.bytes;
      for (let done = 0; done < PAGE_BYTES;) {
        done += writeSync(f.fd, bytes, done, PAGE_BYTES - done, place * PAGE_BYTES + done);
      }
    } catch {
      this.#noFile = true; // no room on disk (or no temporary directory): memory grows instead
      this.#free.push(place);
      ring.push(k);
      return;
    }
    this.#pages.delete(out);
    if (out === this.#lastK) this.#last = undefined;
    this.#spilled.set(out, place);
    ring[this.#hand] = k;
    this.#hand++;
  }

  #load(k: number): SettledPage {
    const f = this.#file!;
    const place = this.#spilled.get(k)!;
    const bytes = new Uint8Array(PAGE_BYTES);
    for (let done = 0; done < PAGE_BYTES;) {
      const n = readSync(f.fd, bytes, done, PAGE_BYTES - done, place * PAGE_BYTES + done);
      if (n === 0) break; // not reached: every written page is whole
      done += n;
    }
    this.#spilled.delete(k);
    this.#free.push(place);
    const p = new SettledPage(bytes);
    this.#keep(k, p);
    return p;
  }

  #open(): { fd: number; dir: string | undefined } {
    const dir = mkdtempSync(join(tmpdir(), 'synod-settled-'));
    let fd: number;
    try {
      fd = openSync(join(dir, 'pages'), 'w+');
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    try {
      // Where the system allows it (not Windows), the file goes now and lives on as long as `fd`:
      // nothing is left behind even if the process is killed.
      rmSync(dir, { recursive: true });
      return { fd, dir: undefined };
    } catch {
      return { fd, dir };
    }
  }
}
