// The one contract the checker knows: a Model is a state machine (initial states, enabled actions
// in a deterministic order, a next-state function) with named properties. Protocol specs implement
// it; the search strategies depend on nothing else.

/** How a property is judged over the reachable states. */
export type PropertyKind = 'always' | 'sometimes';

/**
 * A named property of states.
 * - `always`: an invariant; every reachable state must satisfy it. A state that does not is a
 *   counterexample.
 * - `sometimes`: a reachability witness; some reachable state must satisfy it. The first state
 *   found that does is reported as an example; if an exhaustive search finds none, that is a
 *   violation.
 */
export interface Property<S> {
  readonly kind: PropertyKind;
  readonly name: string;
  /** One line on what the property says, shown in reports. */
  readonly description?: string;
  readonly holds: (state: S) => boolean;
}

/**
 * A state machine to check. `S` is the state type (plain data: objects, arrays, numbers, strings,
 * booleans, null, Sets, Maps, or values carrying {@link structuralHash}); `A` is the action type.
 *
 * Determinism matters: `actions` must enumerate the same actions in the same order for equal
 * states, and `next` must be a function of (state, action). A counterexample is replayed from its
 * action indices, so an order decided by Set/Map insertion order or by randomness breaks replay.
 *
 * @example
 * ```ts
 * const counter: Model<number, 'inc' | 'dec'> = {
 *   init: () => [0],
 *   actions: (n, out) => { if (n < 3) out.push('inc'); if (n > 0) out.push('dec'); },
 *   next: (n, a) => (a === 'inc' ? n + 1 : n - 1),
 *   properties: [always('small', (n) => n <= 3), sometimes('reaches 3', (n) => n === 3)],
 * };
 * ```
 */
export interface Model<S, A> {
  /** A short name used in reports. */
  readonly name?: string;
  /** The initial states. */
  init(): readonly S[];
  /**
   * Push the actions enabled in `state` onto `out`, in a deterministic order. `out` is empty on
   * entry and reused between calls, so the enumeration allocates nothing of its own.
   */
  actions(state: S, out: A[]): void;
  /**
   * The state after taking `action` in `state`, or `undefined` when the action turns out to do
   * nothing (it then counts as not enabled). Must not mutate `state`. Returning `state` itself
   * (the same object) marks a stuttering step: it counts as a successor and costs no hashing.
   */
  next(state: S, action: A): S | undefined;
  /** Named properties to check. */
  readonly properties: readonly Property<S>[];
  /** States for which this returns false are neither checked nor expanded (the search's edge). */
  boundary?(state: S): boolean;
  /** Render an action with its parameters, e.g. `Phase2a(b=1, v=0)`. */
  formatAction?(action: A): string;
  /**
   * The state as named variables, for printing and for diffs between steps. Defaults to the
   * state itself when it is an object.
   */
  formatState?(state: S): Record<string, unknown>;
}

/** An invariant: every reachable state satisfies `holds`. */
export function always<S>(name: string, holds: (state: S) => boolean, description?: string): Property<S> {
  return description === undefined
    ? { kind: 'always', name, holds }
    : { kind: 'always', name, holds, description };
}

/** A reachability witness: some reachable state satisfies `holds`. */
export function sometimes<S>(name: string, holds: (state: S) => boolean, description?: string): Property<S> {
  return description === undefined
    ? { kind: 'sometimes', name, holds }
    : { kind: 'sometimes', name, holds, description };
}
