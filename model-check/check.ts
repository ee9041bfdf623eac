// The search: breadth-first (shortest counterexamples) or depth-first over a Model's reachable
// states, with depth and state bounds, deadlock detection and property checking. It never prints:
// progress and discoveries go through hooks, and the outcome is returned as data.

import { fingerprintInto } from './fingerprint.js';
import { Frontier } from './Frontier.js';
import type { Model, Property, PropertyKind } from './Model.js';
import { PredecessorStore } from './PredecessorStore.js';
import { replay, type Path } from './replay.js';
import { SeenSet } from './SeenSet.js';

/** Search order. */
export type Strategy = 'bfs' | 'dfs';

/** Counters of a search, reported in progress and in the result. */
export interface CheckStats {
  /** Distinct states found (fingerprints stored). */
  distinctStates: number;
  /** Successor states computed, duplicates included, plus the initial states (as TLC counts). */
  generatedStates: number;
  /**
   * Length of the longest path explored, counted in states with an initial state at depth 1 (as
   * TLC counts). For BFS this is the eccentricity of the reachable graph from the initial states.
   */
  depth: number;
  /** States waiting in the frontier. */
  queueSize: number;
  /** Wall-clock seconds since the search started. */
  seconds: number;
  /** Distinct states per second. */
  statesPerSecond: number;
  /** Peak resident set size of the process sampled during the search, in bytes. */
  peakMemoryBytes: number;
  /** Bytes held by the seen-set and predecessor store. */
  storeBytes: number;
  /** `storeBytes` divided by distinct states. */
  bytesPerState: number;
}

/** Progress snapshot, passed to {@link CheckHooks.progress}. */
export type CheckProgress = Omit<CheckStats, 'storeBytes' | 'bytesPerState'>;

/** Observers of a running search. None may throw; the engine itself never prints. */
export interface CheckHooks<S, A> {
  /** Called about every `progressIntervalMs` while the search runs. */
  progress?(progress: CheckProgress): void;
  /** Called when a property is first decided: a violation, or the first witness of `sometimes`. */
  discovery?(discovery: {
    property: string;
    kind: PropertyKind | 'deadlock';
    found: 'violation' | 'witness';
  }): void;
  /** Called once with the result, just before `check` returns it. */
  done?(result: CheckResult<S, A>): void;
}

/** Options of {@link check}. Every CLI flag of `synod check` has its field here. */
export interface CheckOptions<S = unknown, A = unknown> {
  /** `'bfs'` (default; counterexamples are shortest) or `'dfs'`. */
  strategy?: Strategy;
  /** Do not expand states at this depth (counted in states, initial = 1). Default: unbounded. */
  maxDepth?: number;
  /** Stop after this many distinct states. Default: unbounded. */
  maxStates?: number;
  /** Report a state with no enabled action as a deadlock. Default: true. */
  deadlock?: boolean;
  /**
   * Watch a sample of `actions` and `next` calls (the first 256, then one in 1024) for a model
   * that mutates the state passed in; such a call ends the search with `status: 'error'`.
   * Default: true.
   */
  detectMutation?: boolean;
  /** Progress, discovery and completion observers. */
  hooks?: CheckHooks<S, A>;
  /** Milliseconds between progress calls. Default: 1000. */
  progressIntervalMs?: number;
}

/** A reachability witness found for a `sometimes` property. */
export interface Witness<S, A> {
  property: string;
  path: Path<S, A>;
}

interface ResultBase<S, A> {
  stats: CheckStats;
  /** `sometimes` properties that have an example, with the path to it. */
  witnesses: Witness<S, A>[];
  /** The strategy used. */
  strategy: Strategy;
}

/** Every property held on every state explored. */
export interface CheckOk<S, A> extends ResultBase<S, A> {
  ok: true;
  status: 'ok';
  /** False when a bound (`maxDepth`, `maxStates`) cut the search short. */
  complete: boolean;
  /** `sometimes` properties with no example within the bounds (only when not complete). */
  unwitnessed: string[];
}

/** A property failed. */
export interface CheckViolation<S, A> extends ResultBase<S, A> {
  ok: false;
  status: 'violation';
  property: { name: string; kind: PropertyKind; description?: string };
  /**
   * For `always`: the path to the first state found that breaks it (shortest under BFS).
   * For `sometimes`: undefined; no reachable state satisfies it.
   */
  counterexample: Path<S, A> | undefined;
}

/** A reachable state has no enabled action. */
export interface CheckDeadlock<S, A> extends ResultBase<S, A> {
  ok: false;
  status: 'deadlock';
  counterexample: Path<S, A>;
}

/** The model threw: where, and what. */
export interface CheckError<S, A> extends ResultBase<S, A> {
  ok: false;
  status: 'error';
  /** What the model threw. */
  error: unknown;
  /**
   * Which model function threw; `'replay'` when a path found by the search did not replay to the
   * same state (the model is not deterministic).
   */
  phase: 'init' | 'actions' | 'next' | 'property' | 'boundary' | 'fingerprint' | 'replay';
  /** The property being evaluated, when `phase` is `'property'`. */
  property?: string;
  /** Path to the state being handled when it threw (absent in `init`). */
  at?: Path<S, A>;
  /** The action being taken, when `phase` is `'next'`, `'boundary'` or `'fingerprint'`. */
  action?: A;
}

/** The outcome of {@link check}. Discriminate on `status`. */
export type CheckResult<S, A> = CheckOk<S, A> | CheckViolation<S, A> | CheckDeadlock<S, A> | CheckError<S, A>;

function positiveIntOption(name: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 1)) {
    throw new RangeError(`check: ${name} must be a positive integer, got ${String(v)}`);
  }
}

type Phase = CheckError<unknown, unknown>['phase'];

/** Thrown (and reported as `status: 'error'`) when a model mutates the state passed to it. */
export class StateMutationError extends Error {
  override readonly name = 'StateMutationError';
}

/**
 * Explore the reachable states of `model` and check its properties.
 *
 * @returns `status: 'ok'` when every invariant holds (and every `sometimes` has an example, if the
 * search was complete); otherwise the violation, deadlock or model error with a replayable path.
 *
 * @example
 * ```ts
 * const result = check(paxos({ acceptors: 3, values: 2, maxBallot: 1 }));
 * if (result.status === 'violation') console.log(result.property.name, result.counterexample?.replay);
 * ```
 */
export function check<S, A>(model: Model<S, A>, options: CheckOptions<S, A> = {}): CheckResult<S, A> {
  const strategy = options.strategy ?? 'bfs';
  if (strategy !== 'bfs' && strategy !== 'dfs') {
    throw new RangeError(`check: strategy must be 'bfs' or 'dfs', got ${JSON.stringify(strategy)}`);
  }
  positiveIntOption('maxDepth', options.maxDepth);
  positiveIntOption('maxStates', options.maxStates);
  return new Search(model, options, strategy).run();
}

class Search<S, A> {
  readonly model: Model<S, A>;
  readonly strategy: Strategy;
  readonly maxDepth: number;
  readonly maxStates: number;
  readonly deadlock: boolean;
  readonly hooks: CheckHooks<S, A>;
  readonly interval: number;

  readonly seen = new SeenSet();
  readonly preds = new PredecessorStore();
  readonly fp = new Uint32Array(2);
  readonly before = new Uint32Array(2);
  readonly after = new Uint32Array(2);
  readonly detectMutation: boolean;
  samples = 0;
  /** States expanded (BFS) or successors taken (DFS), to pace progress reports. */
  expanded = 0;
  readonly invariants: Property<S>[];
  /** `sometimes` properties not yet witnessed. */
  pending: Property<S>[];
  readonly witnesses: Witness<S, A>[] = [];

  generated = 0;
  depth = 0;
  queueSize = 0;
  truncated = false;
  readonly start = performance.now();
  lastProgress = performance.now();
  peakRss = process.memoryUsage.rss();

  phase: Phase = 'init';
  /** Index of the state being handled, for error reports. */
  current = -1;
  currentAction: A | undefined;
  currentProperty: string | undefined;
  /** Set when a property fails or a deadlock is found. */
  outcome: CheckResult<S, A> | undefined;

  constructor(model: Model<S, A>, options: CheckOptions<S, A>, strategy: Strategy) {
    this.model = model;
    this.strategy = strategy;
    this.maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
    this.maxStates = options.maxStates ?? Number.POSITIVE_INFINITY;
    this.deadlock = options.deadlock ?? true;
    this.detectMutation = options.detectMutation ?? true;
    this.hooks = options.hooks ?? {};
    this.interval = options.progressIntervalMs ?? 1000;
    this.invariants = model.properties.filter((p) => p.kind === 'always');
    this.pending = model.properties.filter((p) => p.kind === 'sometimes');
  }

  run(): CheckResult<S, A> {
    let result: CheckResult<S, A>;
    try {
      if (this.strategy === 'bfs') this.bfs();
      else this.dfs();
      result = this.outcome ?? this.finish();
    } catch (error) {
      result = this.errorResult(error);
    }
    this.hooks.done?.(result);
    return result;
  }

  /**
   * Fingerprint `state`, store it if new, and check its properties.
   * @returns the new state's index, or -1 when already seen, outside the boundary, or when the
   * search must stop (`outcome` set, or the state bound reached).
   */
  visit(state: S, parent: number, action: number): number {
    this.phase = 'boundary';
    if (this.model.boundary !== undefined && !this.model.boundary(state)) return -1;
    this.phase = 'fingerprint';
    fingerprintInto(state, this.fp);
    const id = this.preds.size;
    if (this.seen.insert(this.fp[0]!, this.fp[1]!, id) !== -1) return -1;
    this.preds.add(parent, action);
    const parentId = this.current;
    this.current = id; // a property that throws is reported at this state
    this.phase = 'property';
    for (const p of this.invariants) {
      this.currentProperty = p.name;
      if (!p.holds(state)) {
        this.hooks.discovery?.({ property: p.name, kind: 'always', found: 'violation' });
        this.outcome = this.base<CheckViolation<S, A>>({
          ok: false,
          status: 'violation',
          property: describe(p),
          counterexample: this.path(id),
        });
        return -1;
      }
    }
    if (this.pending.length > 0) this.checkWitnesses(state, id);
    this.currentProperty = undefined;
    this.current = parentId;
    if (this.seen.size >= this.maxStates) {
      this.truncated = true;
      return -1;
    }
    return id;
  }

  checkWitnesses(state: S, id: number): void {
    const still: Property<S>[] = [];
    for (const p of this.pending) {
      this.currentProperty = p.name;
      if (p.holds(state)) {
        this.witnesses.push({ property: p.name, path: this.path(id) });
        this.hooks.discovery?.({ property: p.name, kind: 'sometimes', found: 'witness' });
      } else {
        still.push(p);
      }
    }
    this.pending = still;
  }

  /** True when the search must stop now. */
  stopped(): boolean {
    return this.outcome !== undefined || (this.truncated && this.seen.size >= this.maxStates);
  }

  initial(push: (state: S, id: number) => void): void {
    this.phase = 'init';
    const inits = this.model.init();
    this.depth = 1;
    for (let i = 0; i < inits.length; i++) {
      this.generated++;
      const id = this.visit(inits[i]!, -1, i);
      if (id >= 0) push(inits[i]!, id);
      if (this.stopped()) return;
    }
  }

  bfs(): void {
    const frontier = new Frontier<S>();
    this.initial((s, id) => frontier.push(s, id));
    const actions: A[] = [];
    // States are indexed in discovery order, so a BFS level ends where the next one's first index begins.
    let levelEnd = this.preds.size;
    let depth = 1;
    while (frontier.size > 0 && !this.stopped()) {
      const id = frontier.peekId();
      const state = frontier.shift();
      if (id >= levelEnd) {
        depth++;
        levelEnd = this.preds.size;
      }
      if (depth >= this.maxDepth) {
        this.truncated = true;
        continue;
      }
      this.current = id;
      this.phase = 'actions';
      actions.length = 0;
      this.callActions(state, actions);
      let successors = 0;
      for (let a = 0; a < actions.length; a++) {
        this.phase = 'next';
        this.currentAction = actions[a];
        const next = this.callNext(state, actions[a]!);
        if (next === undefined) continue;
        successors++;
        this.generated++;
        if (next === state) continue; // a stuttering step: already seen
        const nid = this.visit(next, id, a);
        if (nid >= 0) {
          frontier.push(next, nid);
          if (depth + 1 > this.depth) this.depth = depth + 1;
        }
        if (this.stopped()) break;
      }
      this.currentAction = undefined;
      if (successors === 0 && this.deadlock && this.outcome === undefined) {
        this.foundDeadlock(id);
        break;
      }
      // Look at the clock every 64 expansions (counting expansions, not successors, so no
      // branching factor can skip it).
      if ((++this.expanded & 63) === 0 || frontier.size === 0) this.tick(frontier.size);
    }
    this.queueSize = frontier.size;
  }

  dfs(): void {
    // One frame per state on the current path: the state, its index, its actions and a cursor.
    const states: S[] = [];
    const ids: number[] = [];
    const acts: A[][] = [];
    const cursor: number[] = [];
    const successors: number[] = [];
    const push = (s: S, id: number): void => {
      const depth = states.length + 1;
      if (depth > this.depth) this.depth = depth;
      this.current = id;
      const out: A[] = [];
      if (depth < this.maxDepth) {
        this.phase = 'actions';
        this.callActions(s, out);
      } else {
        this.truncated = true;
      }
      states.push(s);
      ids.push(id);
      acts.push(out);
      cursor.push(0);
      successors.push(depth < this.maxDepth ? 0 : -1);
    };
    const roots: [S, number][] = [];
    this.initial((s, id) => roots.push([s, id]));
    for (const [root, rootId] of roots) {
      if (this.stopped()) break;
      push(root, rootId);
      while (states.length > 0 && !this.stopped()) {
        const top = states.length - 1;
        const out = acts[top]!;
        const c = cursor[top]!;
        if (c >= out.length) {
          if (successors[top] === 0 && this.deadlock) {
            this.foundDeadlock(ids[top]!);
            break;
          }
          states.pop();
          ids.pop();
          acts.pop();
          cursor.pop();
          successors.pop();
          continue;
        }
        cursor[top] = c + 1;
        const state = states[top]!;
        this.current = ids[top]!;
        this.phase = 'next';
        this.currentAction = out[c];
        const next = this.callNext(state, out[c]!);
        if (next === undefined) continue;
        successors[top]!++;
        this.generated++;
        if (next === state) continue; // a stuttering step: already seen
        const nid = this.visit(next, ids[top]!, c);
        this.currentAction = undefined;
        if (nid >= 0) push(next, nid);
        if ((++this.expanded & 63) === 0) this.tick(states.length);
      }
    }
    this.queueSize = states.length;
  }

  /** `model.actions`, watched for mutation of `state` on sampled calls. */
  callActions(state: S, out: A[]): void {
    if (!this.sample(state)) {
      this.model.actions(state, out);
      return;
    }
    this.model.actions(state, out);
    this.assertUnchanged(state, 'actions');
  }

  /** `model.next`, watched for mutation of `state` on sampled calls. */
  callNext(state: S, action: A): S | undefined {
    if (!this.sample(state)) return this.model.next(state, action);
    const next = this.model.next(state, action);
    this.assertUnchanged(state, 'next');
    return next;
  }

  /**
   * Whether to watch this call for mutation of its input: the first 256 calls, then one in 1024.
   * When it returns true it has fingerprinted `state` into `before`.
   */
  sample(state: S): boolean {
    if (!this.detectMutation) return false;
    const k = this.samples++;
    if (k >= 256 && (k & 1023) !== 0) return false;
    fingerprintInto(state, this.before);
    return true;
  }

  /** Throw when `state` no longer has the fingerprint `sample` took. */
  assertUnchanged(state: S, fn: 'actions' | 'next'): void {
    fingerprintInto(state, this.after);
    if (this.after[0] === this.before[0] && this.after[1] === this.before[1]) return;
    throw new StateMutationError(
      `${fn}() changed the state passed to it. A model must leave its input state untouched and ` +
        `return a new one: copy an array or object before changing it (e.g. [...xs], { ...s }).`,
    );
  }

  foundDeadlock(id: number): void {
    this.hooks.discovery?.({ property: 'deadlock', kind: 'deadlock', found: 'violation' });
    this.outcome = this.base<CheckDeadlock<S, A>>({
      ok: false,
      status: 'deadlock',
      counterexample: this.path(id),
    });
  }

  tick(queueSize: number): void {
    const now = performance.now();
    if (now - this.lastProgress < this.interval) return;
    this.lastProgress = now;
    this.queueSize = queueSize;
    const rss = process.memoryUsage.rss();
    if (rss > this.peakRss) this.peakRss = rss;
    this.hooks.progress?.(this.progress());
  }

  progress(): CheckProgress {
    const seconds = (performance.now() - this.start) / 1000;
    const distinct = this.seen.size;
    return {
      distinctStates: distinct,
      generatedStates: this.generated,
      depth: this.depth,
      queueSize: this.queueSize,
      seconds,
      statesPerSecond: seconds > 0 ? distinct / seconds : 0,
      peakMemoryBytes: this.peakRss,
    };
  }

  stats(): CheckStats {
    const rss = process.memoryUsage.rss();
    if (rss > this.peakRss) this.peakRss = rss;
    const storeBytes = this.seen.bytes + this.preds.bytes;
    return {
      ...this.progress(),
      storeBytes,
      bytesPerState: this.seen.size > 0 ? storeBytes / this.seen.size : 0,
    };
  }

  base<R extends CheckResult<S, A>>(rest: Omit<R, 'stats' | 'witnesses' | 'strategy'>): R {
    return { ...rest, stats: this.stats(), witnesses: this.witnesses, strategy: this.strategy } as R;
  }

  finish(): CheckResult<S, A> {
    const complete = !this.truncated;
    const first = this.pending[0];
    if (complete && first !== undefined) {
      this.hooks.discovery?.({ property: first.name, kind: 'sometimes', found: 'violation' });
      return this.base<CheckViolation<S, A>>({
        ok: false,
        status: 'violation',
        property: describe(first),
        counterexample: undefined,
      });
    }
    return this.base<CheckOk<S, A>>({
      ok: true,
      status: 'ok',
      complete,
      unwitnessed: this.pending.map((p) => p.name),
    });
  }

  /** Rebuild the path to state `id` by replaying its actions from the initial state. */
  path(id: number): Path<S, A> {
    const steps = this.preds.path(id);
    const rebuilt = replay(this.model, steps);
    if (!rebuilt.ok) {
      this.phase = 'replay';
      throw new Error(
        `could not rebuild the path ${steps.join('.')}: ${rebuilt.message}. ` +
          'Is the model deterministic (same actions, in the same order, for equal states)?',
      );
    }
    return rebuilt.path;
  }

  errorResult(error: unknown): CheckError<S, A> {
    const phase = this.phase;
    const res: Omit<CheckError<S, A>, 'stats' | 'witnesses' | 'strategy'> = {
      ok: false,
      status: 'error',
      error,
      phase,
    };
    if (phase === 'property' && this.currentProperty !== undefined) res.property = this.currentProperty;
    if (phase !== 'init' && phase !== 'actions' && phase !== 'property' && this.currentAction !== undefined) {
      res.action = this.currentAction;
    }
    if (phase !== 'init' && phase !== 'replay' && this.current >= 0) {
      try {
        res.at = this.path(this.current);
      } catch {
        // The path cannot be rebuilt (the model throws again); report the error without it.
      }
    }
    return this.base<CheckError<S, A>>(res);
  }
}

function describe<S>(p: Property<S>): CheckViolation<S, unknown>['property'] {
  return p.description === undefined
    ? { name: p.name, kind: p.kind }
    : { name: p.name, kind: p.kind, description: p.description };
}
