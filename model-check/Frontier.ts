// The frontier: states waiting to be expanded, each with its dense index. A FIFO queue gives
// breadth-first order (and shortest counterexamples); the depth-first search keeps its own stack.

/** A FIFO queue of states and their indices, amortized O(1) per operation. */
export class Frontier<S> {
  #states: (S | undefined)[] = [];
  #ids: number[] = [];
  #head = 0;

  /** Number of states waiting. */
  get size(): number {
    return this.#states.length - this.#head;
  }

  push(state: S, id: number): void {
    this.#states.push(state);
    this.#ids.push(id);
  }

  /** Index of the state at the head (valid when size > 0). */
  peekId(): number {
    return this.#ids[this.#head]!;
  }

  /** Remove and return the state at the head (call only when size > 0). */
  shift(): S {
    const s = this.#states[this.#head] as S;
    this.#states[this.#head] = undefined;
    this.#head++;
    if (this.#head >= 65536 && this.#head * 2 >= this.#states.length) {
      this.#states = this.#states.slice(this.#head);
      this.#ids = this.#ids.slice(this.#head);
      this.#head = 0;
    }
    return s;
  }
}
