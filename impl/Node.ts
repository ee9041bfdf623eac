// The node contract of the reference implementation: a node is a set of pure handlers that take
// the node's state and an input (start, message, timer, client request) and return the next state
// and effects. No clock, randomness or I/O inside a handler: the runtime (the simulator, a real
// network runtime, or the model checker's ActorModel) performs the effects.
//
// Time is an input, not a clock read: every handler may get the runtime's current time as an
// optional trailing argument `now` (ms; virtual time in the simulator, wall time on a network, and
// absent under the model checker). A handler that uses it must also work without it; nodes that
// need no time ignore it.

import type { QuorumSystem } from '../traces/index.js';

/** A node's name, e.g. `n1`. */
export type NodeId = string;

/** What every node is started with. */
export interface NodeConfig<P = Record<string, unknown>> {
  /** This node. */
  readonly id: NodeId;
  /** Every node of the cluster, this one included, in a fixed order. */
  readonly nodes: readonly NodeId[];
  /** Protocol parameters (batch size, timeouts, ...). */
  readonly params: P;
}

/** A client operation handed to a node: `op` links the reply to the request. */
export interface ClientRequest<R> {
  /** Unique per operation in a run. */
  readonly op: number;
  /** The client process that issued it. */
  readonly client: number | string;
  readonly request: R;
}

/**
 * What a handler asks the runtime to do. The runtime applies a step's effects in this order:
 * `persist` first (a durable write completes before anything else leaves the node), then sends,
 * timers, decisions and replies in the order given.
 */
export type Effect<M, Rep = unknown> =
  | { readonly kind: 'send'; readonly to: NodeId; readonly msg: M }
  /** Send to every node; to this node too only when `self` is true. */
  | { readonly kind: 'broadcast'; readonly msg: M; readonly self?: boolean }
  /**
   * Fire `onTimer(state, name)` after `after` ms (replacing a timer of the same name). `jitter`
   * adds a delay drawn by the runtime uniformly from [0, jitter): randomized backoff without
   * randomness in the handler.
   */
  | { readonly kind: 'setTimer'; readonly name: string; readonly after: number; readonly jitter?: number }
  | { readonly kind: 'cancelTimer'; readonly name: string }
  /**
   * Durable variables, written (and fsynced, on a real runtime) before the step's sends go out.
   * Each write replaces the named variables; a restarted node gets the merged result in `init`.
   */
  | { readonly kind: 'persist'; readonly vars: Readonly<Record<string, unknown>> }
  /** The node learned that `value` is decided in `slot` (0 for single-decree consensus). */
  | { readonly kind: 'decide'; readonly slot: number; readonly value: unknown; readonly ballot?: unknown }
  /** Answer a client operation. `ok: false` is a definite failure; `ok: 'unknown'` an indefinite one. */
  | { readonly kind: 'reply'; readonly op: number; readonly ok: boolean | 'unknown'; readonly result?: Rep }
  /**
   * The node's quorum system changes from `slot` on (a reconfiguration it applied). The runtime
   * records it (the trace's `reconfig` event); it changes nothing in the runtime itself.
   */
  | { readonly kind: 'reconfig'; readonly slot: number; readonly quorum: QuorumSystem };

/** A handler's result: the next state and what to do. */
export interface Step<S, M, Rep = unknown> {
  readonly state: S;
  readonly effects: readonly Effect<M, Rep>[];
}

/**
 * A protocol node. `S` is its state, `M` its messages, `Req`/`Rep` its client requests and replies,
 * `P` its parameters. Every handler is pure and deterministic.
 */
export interface NodeBehavior<S, M, Req = unknown, Rep = unknown, P = Record<string, unknown>> {
  /** The protocol's name as written in trace headers, e.g. `multipaxos`. */
  readonly protocol: string;
  /**
   * Start (or restart) the node. `durable` holds what it persisted before a crash (undefined on a
   * first start); volatile state is lost. `now` (in every handler): the runtime's current time in
   * ms, when it gives one (see the file comment).
   */
  init(
    config: NodeConfig<P>,
    durable: Readonly<Record<string, unknown>> | undefined,
    now?: number,
  ): Step<S, M, Rep>;
  onMessage(state: S, from: NodeId, msg: M, now?: number): Step<S, M, Rep>;
  onTimer(state: S, name: string, now?: number): Step<S, M, Rep>;
  onRequest(state: S, req: ClientRequest<Req>, now?: number): Step<S, M, Rep>;
}

/** A step with no effects. */
export function noEffects<S>(state: S): Step<S, never, never> {
  return { state, effects: [] };
}
