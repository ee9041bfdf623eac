// The predecessor store: for every distinct state (by dense index), the index of the state it was
// first reached from and the index of the action taken. A counterexample is rebuilt by walking
// back to an initial state and replaying the actions forward.

/** Parent index and action index per state, in growable typed arrays. */
export class PredecessorStore {
  #parent: Int32Array;
  #action: Int32Array;
  #size = 0;

  constructor(capacity = 1 << 12) {
    this.#parent = new Int32Array(Math.max(1, capacity));
    this.#action = new Int32Array(Math.max(1, capacity));
  }

  /** Number of states recorded. */
  get size(): number {
    return this.#size;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.#parent.byteLength + this.#action.byteLength;
  }

  /**
   * Record a new state and return its index. For an initial state `parent` is -1 and `action`
   * is its position among the model's initial states.
   */
  add(parent: number, action: number): number {
    if (this.#size === this.#parent.length) {
      const parent2 = new Int32Array(this.#parent.length * 2);
      parent2.set(this.#parent);
      this.#parent = parent2;
      const action2 = new Int32Array(this.#action.length * 2);
      action2.set(this.#action);
      this.#action = action2;
    }
    this.#parent[this.#size] = parent;
    this.#action[this.#size] = action;
    return this.#size++;
  }

  /**
   * The path to state `id` as a list of indices: first the initial state's index among the
   * initial states, then the action index (in the order `actions` enumerated them) at each step.
   */
  path(id: number): number[] {
    const steps: number[] = [];
    let cur = id;
    while (cur >= 0) {
      steps.push(this.#action[cur]!);
      cur = this.#parent[cur]!;
    }
    return steps.reverse();
  }
}
