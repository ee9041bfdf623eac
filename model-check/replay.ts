// Replaying a path of action indices through a Model: how counterexamples are rebuilt from the
// predecessor store, and how a user re-runs one from the command line (`synod check --replay`).

import { fingerprint } from './fingerprint.js';
import type { Model } from './Model.js';

/** One step of a path: the action taken (absent for the initial state) and the state reached. */
export interface Step<S, A> {
  /** The action, or undefined for the initial state. */
  action: A | undefined;
  /** Index of the action among those enabled in the previous state (for the initial state: its index among the initial states). */
  index: number;
  state: S;
}

/** A path through a model: its steps and the indices that replay it. */
export interface Path<S, A> {
  /** Initial-state index, then one action index per step. */
  replay: number[];
  steps: Step<S, A>[];
}

/** The outcome of {@link replay}. */
export type ReplayResult<S, A> =
  { ok: true; path: Path<S, A> } | { ok: false; message: string; path: Path<S, A> };

/**
 * Follow `indices` (initial-state index, then action indices) through `model`.
 * Fails with a message naming the step when an index is out of range or an action is not enabled;
 * `path` then holds the steps that did replay.
 */
export function replay<S, A>(model: Model<S, A>, indices: readonly number[]): ReplayResult<S, A> {
  const path: Path<S, A> = { replay: [], steps: [] };
  const inits = model.init();
  const first = indices[0];
  if (first === undefined) return { ok: false, message: 'the path is empty', path };
  const init = inits[first];
  if (init === undefined) {
    return {
      ok: false,
      message: `initial state ${first} does not exist (the model has ${inits.length})`,
      path,
    };
  }
  path.replay.push(first);
  path.steps.push({ action: undefined, index: first, state: init });
  let state = init;
  const actions: A[] = [];
  for (let k = 1; k < indices.length; k++) {
    const i = indices[k]!;
    actions.length = 0;
    model.actions(state, actions);
    const action = actions[i];
    if (action === undefined) {
      return {
        ok: false,
        message: `step ${k}: action ${i} does not exist (${actions.length} enabled)`,
        path,
      };
    }
    const next = model.next(state, action);
    if (next === undefined) return { ok: false, message: `step ${k}: action ${i} is not enabled`, path };
    path.replay.push(i);
    path.steps.push({ action, index: i, state: next });
    state = next;
  }
  return { ok: true, path };
}

/** True when two states have the same fingerprint (structurally equal, up to 2^-64 collisions). */
export function sameState(a: unknown, b: unknown): boolean {
  const fa = fingerprint(a);
  const fb = fingerprint(b);
  return fa.hi === fb.hi && fa.lo === fb.lo;
}
