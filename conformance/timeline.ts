// The timeline collector: turns a trace's events into the compact rows of the HTML report's
// space-time diagram (one lane per node, message arrows, decide/crash/restart markers, fault bands).
// It runs on every event of traces of millions of events, so it does little per event and stops at a cap.
import type { Ballot, FaultEvent, Message, TraceEvent } from '../traces/index.js';
import type { Timeline, TraceContext, TraceEnd, TraceObserver } from './types.js';

/**
 * The `kind` codes of timeline rows. Extension events (`x-...`) keep their own kind.
 * Fault and heal events are not rows: they become `faults` intervals.
 */
export const TIMELINE_KIND = {
  send: 's',
  recv: 'r',
  decide: 'd',
  crash: 'c',
  restart: 'R',
  timer: 't',
  state: 'v',
  persist: 'p',
  reconfig: 'g',
  invoke: 'i',
  ok: 'o',
  fail: 'f',
  info: 'n',
} as const;

const DEFAULT_MAX_EVENTS = 200_000;

interface OpenFault {
  key: string;
  fault: string;
  from: number;
  label: string;
  nodes: number[];
}

/**
 * Collects the {@link Timeline} of one trace for the space-time diagram.
 *
 * - Rows are `[t, nodeIndex, kind, peerIndex, line, label]`: a `send`'s peer is its `to`, a `recv`'s
 *   its `from`; `kind` is a code of {@link TIMELINE_KIND}; labels are short (`accept b1.n3 s4`).
 *   Events with no node (a client event without `node`) are not drawn and get no row.
 * - `clock` is `time` when events carry `t` and the header's clock is comparable across nodes
 *   (`virtual`, `wall` or unset); otherwise (`local`, `none`, or no `t` anywhere) rows are placed by
 *   event index. An event without `t` in a timed trace takes the last time seen before it.
 * - `fault` events open intervals, closed by the `heal` with the same `id`, else every open fault of
 *   the healed `fault` name, else every open fault; those never healed end at the end of the trace.
 *   Their node indexes are the partition's groups, `nodes`, `links` or `node`; empty means the whole
 *   cluster (loss, delay, ...).
 * - Past `options.maxEvents` rows (default 200,000), rows are dropped and `truncated` is set
 *   (faults are still tracked).
 *
 * @example
 * ```ts
 * const tl = createTimeline({ header });
 * for (const { line, event } of records) tl.event(event, line);
 * const timeline = tl.finish({ lastTime, events });
 * ```
 */
export function createTimeline(
  ctx: TraceContext,
  options: { maxEvents?: number } = {},
): TraceObserver<Timeline> {
  const maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
  if (!Number.isInteger(maxEvents) || maxEvents < 0) {
    throw new RangeError(
      `createTimeline: maxEvents must be a non-negative integer, got ${String(maxEvents)}`,
    );
  }
  const nodes = [...ctx.header.nodes];
  const nodeIndex = new Map<string, number>();
  for (let i = 0; i < nodes.length; i++) nodeIndex.set(nodes[i] as string, i);
  const indexOf = (name: string | undefined): number => {
    if (name === undefined) return -1;
    let i = nodeIndex.get(name);
    if (i === undefined) {
      // A reconfiguration may bring nodes the header did not list: give them a lane too.
      i = nodes.length;
      nodes.push(name);
      nodeIndex.set(name, i);
    }
    return i;
  };
  const clock = ctx.header.clock;
  const timed = clock !== 'local' && clock !== 'none';
  const events: Timeline['events'] = [];
  const faults: Timeline['faults'] = [];
  const open: OpenFault[] = [];
  let truncated = false;
  let index = 0;
  let sawTime = false;
  let lastT = 0;

  /** The x of the current event: its time, the last time seen, or its index (fixed up later). */
  const timeOf = (ev: TraceEvent): number => {
    if (timed && ev.t !== undefined) {
      if (!sawTime) {
        sawTime = true;
        // Events before the first time are placed at it rather than at their index.
        for (const row of events) row[0] = ev.t;
        for (const f of open) f.from = ev.t;
        for (const f of faults) {
          f[0] = ev.t;
          f[1] = ev.t;
        }
      }
      lastT = ev.t;
      return ev.t;
    }
    return sawTime ? lastT : index;
  };

  const closeFaults = (which: (f: OpenFault) => boolean, to: number): void => {
    for (let i = 0; i < open.length;) {
      const f = open[i] as OpenFault;
      if (which(f)) {
        faults.push([f.from, Math.max(f.from, to), f.label, f.nodes]);
        open.splice(i, 1);
      } else i++;
    }
  };

  return {
    event(ev: TraceEvent, line: number): void {
      const t = timeOf(ev);
      index++;
      if (ev.kind === 'fault') {
        const { label, nodes: affected } = faultOf(ev, indexOf);
        const key = ev.id === undefined ? '' : `${typeof ev.id}:${String(ev.id)}`;
        open.push({ key, fault: ev.fault, from: t, label, nodes: affected });
        return;
      }
      if (ev.kind === 'heal') {
        if (ev.id !== undefined) {
          const key = `${typeof ev.id}:${String(ev.id)}`;
          closeFaults((f) => f.key === key, t);
        } else if (ev.fault !== undefined) {
          const name = ev.fault;
          closeFaults((f) => f.fault === name, t);
        } else closeFaults(() => true, t);
        return;
      }
      if (events.length >= maxEvents) {
        truncated = true;
        return;
      }
      const node = typeof ev.node === 'string' ? indexOf(ev.node) : -1;
      if (node < 0) return;
      switch (ev.kind) {
        case 'send':
          events.push([t, node, TIMELINE_KIND.send, indexOf(ev.to), line, messageLabel(ev.msg)]);
          return;
        case 'recv':
          events.push([t, node, TIMELINE_KIND.recv, indexOf(ev.from), line, messageLabel(ev.msg)]);
          return;
        case 'decide':
          events.push([
            t,
            node,
            TIMELINE_KIND.decide,
            -1,
            line,
            `decide s${ev.slot} ${shortValue(ev.value)}`,
          ]);
          return;
        case 'crash':
          events.push([t, node, TIMELINE_KIND.crash, -1, line, 'crash']);
          return;
        case 'restart':
          events.push([t, node, TIMELINE_KIND.restart, -1, line, 'restart']);
          return;
        case 'timer':
          events.push([t, node, TIMELINE_KIND.timer, -1, line, `timer ${ev.name} ${ev.action}`]);
          return;
        case 'state':
        case 'persist':
          events.push([
            t,
            node,
            TIMELINE_KIND[ev.kind],
            -1,
            line,
            `${ev.kind} ${Object.keys(ev.vars).join(',')}`,
          ]);
          return;
        case 'reconfig':
          events.push([t, node, TIMELINE_KIND.reconfig, -1, line, `reconfig s${ev.slot} ${ev.quorum.kind}`]);
          return;
        case 'invoke':
        case 'ok':
        case 'fail':
        case 'info':
          events.push([t, node, TIMELINE_KIND[ev.kind], -1, line, `${ev.kind} ${ev.f} op${ev.op}`]);
          return;
        default:
          events.push([t, node, ev.kind, -1, line, ev.kind]);
      }
    },
    finish(end: TraceEnd): Timeline {
      const last = sawTime ? Math.max(lastT, end.lastTime) : index;
      closeFaults(() => true, last);
      faults.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      return { nodes, clock: sawTime ? 'time' : 'index', events, faults, truncated };
    },
  };
}

/** A fault's label and the node indexes it touches. */
function faultOf(ev: FaultEvent, indexOf: (name: string) => number): { label: string; nodes: number[] } {
  const names: string[] = [];
  let label: string = ev.fault;
  if (ev.groups !== undefined) {
    label += ` ${ev.groups.map((g) => g.join(' ')).join(' | ')}`;
    for (const g of ev.groups) names.push(...g);
  }
  if (ev.nodes !== undefined) {
    label += ` ${ev.nodes.join(' ')}`;
    names.push(...ev.nodes);
  }
  if (ev.links !== undefined) {
    label += ` ${ev.links.map((l) => l.join('→')).join(' ')}`;
    for (const l of ev.links) names.push(...l);
  }
  if (ev.node !== undefined) {
    if (names.length === 0) label += ` ${ev.node}`;
    names.push(ev.node);
  }
  if (ev.rate !== undefined) label += ` ${ev.rate}`;
  if (ev.delay !== undefined) label += ` +${ev.delay}ms`;
  const idx = [...new Set(names.map(indexOf))].sort((a, b) => a - b);
  return { label, nodes: idx };
}

/** `b3.n2` for a ballot `{ round: 3, node: 'n2' }`. */
export function ballotLabel(b: Ballot): string {
  return `b${b.round}.${b.node}`;
}

/** A message in a few words: its type, ballot and slot, e.g. `accept b1.n3 s4`. */
export function messageLabel(msg: Message): string {
  let s = msg.type;
  const ballot = msg['ballot'];
  if (isBallot(ballot)) s += ` ${ballotLabel(ballot)}`;
  // View-based protocols (PBFT) number views and sequence numbers instead.
  const view = msg['view'];
  if (typeof view === 'number') s += ` v${view}`;
  const slot = msg['slot'] ?? msg['fromSlot'] ?? msg['seq'];
  if (typeof slot === 'number') s += ` s${slot}`;
  return s;
}

function isBallot(v: unknown): v is Ballot {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Ballot).round === 'number' &&
    typeof (v as Ballot).node === 'string'
  );
}

/** A JSON value cut to `max` characters (with `…`), for labels and event text. */
export function shortValue(v: unknown, max = 24): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? 'null';
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
