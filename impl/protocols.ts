// The protocols of the reference implementation, by the name `synod simulate <protocol>` takes:
// each with its node behaviour, its typed and described parameters, and what to write as the trace
// header's quorum system. Parameter text from `--param k=v` is parsed and checked here, so every
// runtime (simulator, network, model checker) sees the same validated values.

import type { QuorumSystem } from '../traces/index.js';
import {
  ADAPTIVE_PARAMS,
  adaptiveNode,
  adaptiveQuorum,
  batchClass,
  resolveAdaptiveParams,
} from './adaptive/AdaptiveNode.js';
import { multiPaxosNode, MULTIPAXOS_PARAMS } from './multipaxos/MultiPaxosNode.js';
import type { ClientRequest, NodeBehavior } from './Node.js';
import { quorumSizes } from './paxos/ballot.js';
import { parseParam, resolveParams, type ParamSpecs } from './paxos/params.js';
import { PAXOS_PARAMS, paxosNode } from './paxos/PaxosNode.js';
import { BYZANTINE_KINDS, parseByzantine, pbftByzantineNode, toleratedFaults } from './pbft/byzantine.js';
import { PBFT_PARAMS, pbftQuorum, resolvePbftParams } from './pbft/PbftNode.js';
import {
  pbftClientRule,
  pbftCounters,
  pbftFigures,
  pbftHeaderParams,
  pbftSignRequest,
} from './pbft/runtime.js';

export type { ParamSpec, ParamSpecs } from './paxos/params.js';

/** One protocol of the registry. */
export interface ProtocolEntry {
  /** The node, as the runtimes take it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly behavior: NodeBehavior<any, any, any, any, Record<string, unknown>>;
  /** Every parameter: kind, default, bounds, description. */
  readonly params: ParamSpecs;
  /** The default value of every parameter. */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** One paragraph for `synod simulate --help` and the docs. */
  readonly describe: string;
  /** The quorum system for a trace header, given the resolved parameters and the nodes. */
  quorum(params: Readonly<Record<string, unknown>>, nodes: readonly string[]): QuorumSystem;
  /** Cross-parameter checks for `nodes` nodes (throws a RangeError naming the parameter). */
  readonly check?: (params: Readonly<Record<string, unknown>>, nodes: number) => void;
  /** The criticality classes client requests may carry (`class`), strictest first. */
  readonly classes?: readonly string[];
  /** The class of a decided value (a slot), for per-class figures. */
  readonly classOf?: (value: unknown) => string | undefined;
  /** Node names are `<nodePrefix>1..N` (default `n`; PBFT replicas are `r1..rN`). */
  readonly nodePrefix?: string;
  /** The cluster size when none is given (default 5). */
  readonly defaultNodes?: number;
  /**
   * The trace header's `params` (default: the parameters as given), e.g. PBFT's effective f and
   * public keys, which a trace checker needs.
   */
  readonly headerParams?: (
    params: Readonly<Record<string, unknown>>,
    nodes: readonly string[],
  ) => Record<string, unknown>;
  /**
   * The client rule (default: the first reply completes an op): `replies` matching replies from
   * distinct nodes complete it, and an op unanswered for `retry` ms is re-sent to every node.
   * The runtimes pass it as the workload's `replies` and `retry`.
   */
  readonly client?: (
    params: Readonly<Record<string, unknown>>,
    nodes: readonly string[],
  ) => { readonly replies: number; readonly retry: number };
  /**
   * The client's part of a request (default: none): what a client does to a request it issues
   * before handing it to a node, e.g. PBFT clients sign it. The runtimes pass it as the
   * simulator's `signRequest`.
   */
  readonly signRequest?: (
    req: ClientRequest<object>,
    params: Readonly<Record<string, unknown>>,
  ) => ClientRequest<object>;
  /** Figures of a finished run from the nodes' final states (rows of `synod simulate`'s table). */
  readonly figures?: (finalStates: Readonly<Record<string, unknown>>) => Record<string, number>;
  /** Process-wide monotonic counters (e.g. signatures); a runtime shows their growth over a run. */
  readonly counters?: () => Record<string, number>;
  /**
   * Byzantine replicas: `parse` reads the `--byzantine` text for the nodes (throws a RangeError
   * naming the bad replica or behaviour) into the value of the `byzantine` parameter;
   * `tolerated` is the number of faulty replicas the parameters guarantee safety for.
   */
  readonly byzantine?: {
    readonly kinds: readonly string[];
    parse(text: string, nodes: readonly string[]): Readonly<Record<string, unknown>>;
    tolerated(params: Readonly<Record<string, unknown>>, nodes: readonly string[]): number;
  };
}

function withoutByzantine(params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const rest = { ...params };
  delete rest['byzantine'];
  return rest;
}

const defaultsOf = (specs: ParamSpecs): Record<string, unknown> =>
  Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, s.default]));

function quorumOf(protocol: string) {
  return (params: Readonly<Record<string, unknown>>, nodes: readonly string[]): QuorumSystem => {
    const p1 = typeof params['phase1Quorum'] === 'number' ? params['phase1Quorum'] : 0;
    const p2 = typeof params['phase2Quorum'] === 'number' ? params['phase2Quorum'] : 0;
    if (p1 === 0 && p2 === 0) return { kind: 'majority' };
    const { q1, q2 } = quorumSizes(protocol, nodes.length, p1, p2);
    return { kind: 'threshold', q1, q2 };
  };
}

/** The protocols, by name. */
export const protocols = {
  paxos: {
    behavior: paxosNode,
    params: PAXOS_PARAMS,
    defaults: defaultsOf(PAXOS_PARAMS),
    describe:
      'Single-decree Paxos: every node is proposer, acceptor and learner; one value is decided (slot 0). ' +
      'Values come from the `propose` parameter or from client requests `{ value }`. Twins: spec/paxos, tla/Paxos.tla.',
    quorum: quorumOf('paxos'),
  },
  multipaxos: {
    behavior: multiPaxosNode,
    params: MULTIPAXOS_PARAMS,
    defaults: defaultsOf(MULTIPAXOS_PARAMS),
    describe:
      'Multi-Paxos with a stable leader (one phase 1 for all slots), batching, pipelining, elections with randomized ' +
      'backoff, catch-up, client forwarding, and a linearizable key-value store (read, write, cas) on the log.',
    quorum: quorumOf('multipaxos'),
  },
  adaptive: {
    behavior: adaptiveNode,
    params: ADAPTIVE_PARAMS,
    defaults: defaultsOf(ADAPTIVE_PARAMS),
    describe:
      'Multi-Paxos with per-class quorums (a critical command is decided by a majority, a routine one by routineQ2 ' +
      'votes), reconfiguration through the log (effective alpha slots later), and election timeouts from measured ' +
      'round trips (SRTT/RTTVAR as in TCP). Twins: spec/adaptive, tla/AdaptiveQuorums.tla.',
    quorum: adaptiveQuorum,
    check: (params: Readonly<Record<string, unknown>>, nodes: number) => {
      resolveAdaptiveParams(params, nodes);
    },
    classes: ['critical', 'routine'],
    classOf: (value: unknown) => (Array.isArray(value) ? batchClass(value) : undefined),
  },
  pbft: {
    behavior: pbftByzantineNode,
    params: PBFT_PARAMS,
    defaults: defaultsOf(PBFT_PARAMS),
    describe:
      'PBFT (Castro-Liskov): 3f+1 replicas r1..rN, Ed25519-signed messages, pre-prepare/prepare/commit, ' +
      'checkpoints, view change and state transfer, a key-value store; clients take f+1 matching replies. ' +
      `Byzantine replicas with --byzantine "r1:equivocate,r3:forge" (${BYZANTINE_KINDS.join(', ')}). ` +
      'Twins: spec/pbft, tla/PBFT.tla.',
    quorum: (params: Readonly<Record<string, unknown>>, nodes: readonly string[]) =>
      pbftQuorum(withoutByzantine(params), nodes),
    check: (params: Readonly<Record<string, unknown>>, nodes: number) => {
      resolvePbftParams(withoutByzantine(params), nodes);
    },
    nodePrefix: 'r',
    defaultNodes: 4,
    headerParams: pbftHeaderParams,
    client: pbftClientRule,
    signRequest: pbftSignRequest,
    figures: pbftFigures,
    counters: pbftCounters,
    byzantine: { kinds: BYZANTINE_KINDS, parse: parseByzantine, tolerated: toleratedFaults },
  },
} as const satisfies Record<string, ProtocolEntry>;

/** A protocol name. */
export type ProtocolName = keyof typeof protocols;

/** The protocol names, in a fixed order. */
export const PROTOCOL_NAMES = Object.keys(protocols) as ProtocolName[];

/** The entry of `name`, or undefined when there is no such protocol. */
export function protocolEntry(name: string): ProtocolEntry | undefined {
  return Object.prototype.hasOwnProperty.call(protocols, name) ? protocols[name as ProtocolName] : undefined;
}

/** What {@link parseProtocolParams} gives: the full parameter set, or a sentence on what is wrong. */
export type ParsedParams =
  | { readonly ok: true; readonly params: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly message: string };

/**
 * Parse `--param name=value` texts for `protocol`, fill in the defaults and check the whole set
 * (including cross-parameter rules such as intersecting quorums for `nodes` nodes).
 *
 * @example
 * ```ts
 * parseProtocolParams('multipaxos', ['batchSize=32', 'forward=false'], 5);
 * // { ok: true, params: { batchSize: 32, forward: false, pipeline: 4, ... } }
 * ```
 */
export function parseProtocolParams(protocol: string, pairs: readonly string[], nodes: number): ParsedParams {
  const entry = protocolEntry(protocol);
  if (entry === undefined) {
    return {
      ok: false,
      message: `unknown protocol ${JSON.stringify(protocol)} (known: ${PROTOCOL_NAMES.join(', ')})`,
    };
  }
  try {
    const given: Record<string, unknown> = {};
    for (const pair of pairs) {
      const eq = pair.indexOf('=');
      if (eq <= 0) return { ok: false, message: `--param wants name=value, got ${JSON.stringify(pair)}` };
      const name = pair.slice(0, eq).trim();
      given[name] = parseParam(protocol, entry.params, name, pair.slice(eq + 1).trim());
    }
    const params = resolveParams(protocol, entry.params, given);
    entry.check?.(params, nodes);
    const p1 = params['phase1Quorum'];
    const p2 = params['phase2Quorum'];
    if (typeof p1 === 'number' && typeof p2 === 'number') quorumSizes(protocol, nodes, p1, p2);
    return { ok: true, params };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}
