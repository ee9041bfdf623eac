// Fidelity under adversarial input: for each `recv` marked `adversarial: true`, did the receiver
// reject it (no reaction of its own in the handler that followed) and did it change no decision
// (no slot decided a value that only adversarial messages carried)? Under PBFT a validly signed
// adversarial message may be acted on; only its effect on honest executions, and any reaction to an
// invalid one, count against it. See docs/metrics-and-thresholds.md.
import type { RecvEvent, TraceEvent } from '../../traces/index.js';
import { canonicalJson } from '../commands.js';
import { digestsCarried, slotOfSeq } from '../pbftMessages.js';
import type { MetricResult } from '../types.js';
import { METRICS } from './catalog.js';

/** One judged adversarial receive. */
interface Judged {
  line: number;
  node: string;
  /** Index of the receiver. */
  receiver: number;
  /** A reaction makes it unfaithful (always, except validly signed PBFT messages). */
  strict: boolean;
  from: string;
  type: string;
  t: number | undefined;
  /** Line of the receiver's first reaction (state, persist, decide, send, timer set, reply). */
  reactedAt: number;
  reaction: string;
  /** Slot and line of a decision that took a value only adversarial messages carried. */
  effectSlot: number;
  effectLine: number;
  bad: boolean;
}

/** A value an adversarial message carried for a slot. */
interface Suspect {
  canon: string;
  judged: Judged;
}

const MAX_ITEMS = 20;

/** How PBFT traces are judged (see {@link Fidelity}). */
export interface PbftFidelityRules {
  /** True when the message is invalid (bad signature, forged sender, wrong digest): it must cause no reaction. */
  invalid(msg: Record<string, unknown>): boolean;
  /** True when replica `i` is faulty; asked at the end of the trace. */
  faulty(i: number): boolean;
}

/** Watches adversarial receives and the receivers' reactions; one per trace. */
export class Fidelity {
  /** Open reaction windows: how many nodes have one. Callers skip {@link Fidelity.observe} at 0. */
  openCount = 0;
  /** Slots with values carried by adversarial messages. Callers skip checks while it is empty. */
  readonly suspects = new Map<number, Suspect[]>();
  private readonly open: Array<Judged | undefined> = [];
  private judged = 0;
  private unfaithful = 0;
  private rejectedCount = 0;
  private effects = 0;
  private notJudged = 0;
  private readonly flagged: Judged[] = [];
  // Per receiver (PBFT: only honest receivers count in the end).
  private readonly judgedBy: number[] = [];
  private readonly unfaithfulBy: number[] = [];
  private readonly rejectedBy: number[] = [];
  private invalidCount = 0;
  /** PBFT: executions of a value only adversarial messages carried, judged once the honest set is known. */
  private readonly pendingEffects: Array<{ judged: Judged; decider: number; slot: number; line: number }> =
    [];

  /** `pbft`: judge by the PBFT rules; otherwise every reaction is unfaithful. */
  constructor(private readonly pbft?: PbftFidelityRules) {}

  /** An adversarial event that is not a `recv` (not judged, only counted). */
  other(): void {
    this.notJudged++;
  }

  /**
   * Called for every event at node `i` (before its own handling) while a window is open: a reaction
   * marks the open adversarial receive as accepted; a new input (recv, timer fire, crash, restart,
   * invoke) or a later time closes the window with the receive rejected.
   */
  observe(ev: TraceEvent, i: number, line: number, timed: boolean): void {
    const w = this.open[i];
    if (w === undefined) return;
    if (timed && ev.t !== undefined && w.t !== undefined && ev.t !== w.t) {
      this.close(i);
      return;
    }
    switch (ev.kind) {
      case 'recv':
      case 'crash':
      case 'restart':
      case 'invoke':
        this.close(i);
        return;
      case 'timer':
        if (ev.action === 'fire') this.close(i);
        else this.react(i, line, `timer ${ev.action} ${ev.name}`);
        return;
      case 'send':
        if (ev.adversarial !== true && ev.msg.type !== 'nack') this.react(i, line, `send ${ev.msg.type}`);
        return;
      case 'state':
      case 'persist':
      case 'decide':
      case 'ok':
      case 'fail':
      case 'info':
        if (ev.adversarial !== true) this.react(i, line, ev.kind);
        return;
      case 'fault':
      case 'heal':
      case 'reconfig':
      default:
        // Harness events and `x-` events are neither inputs nor reactions.
        return;
    }
  }

  /** An adversarial `recv` at node index `i`: opens its reaction window, records what it carried. */
  recv(ev: RecvEvent, i: number, line: number, t: number | undefined): void {
    if (this.open[i] !== undefined) this.close(i);
    const strict = this.pbft === undefined || this.pbft.invalid(ev.msg);
    if (strict && this.pbft !== undefined) this.invalidCount++;
    const j: Judged = {
      line,
      node: ev.node,
      receiver: i,
      strict,
      from: ev.from,
      type: ev.msg.type,
      t,
      reactedAt: 0,
      reaction: '',
      effectSlot: -1,
      effectLine: 0,
      bad: false,
    };
    this.judged++;
    while (this.judgedBy.length <= i) {
      this.judgedBy.push(0);
      this.unfaithfulBy.push(0);
      this.rejectedBy.push(0);
    }
    this.judgedBy[i]!++;
    while (this.open.length <= i) this.open.push(undefined);
    this.open[i] = j;
    this.openCount++;
    if (this.pbft !== undefined) {
      // What it proposes or votes for: (seq, digest) pairs, nested certificates included.
      // Keyed by slot, as decide events are: seq n is slot n - 1.
      for (const { seq, digest } of digestsCarried(ev.msg)) {
        if (seq >= 1) this.suspectKey(slotOfSeq(seq), digest, j);
      }
      return;
    }
    const msg = ev.msg as { slot?: unknown; value?: unknown; entries?: unknown; accepted?: unknown };
    if (msg.value !== undefined) this.suspect(typeof msg.slot === 'number' ? msg.slot : 0, msg.value, j);
    for (const list of [msg.entries, msg.accepted]) {
      if (Array.isArray(list)) {
        for (const e of list) {
          const s = e as { slot?: unknown; value?: unknown };
          if (s !== null && typeof s === 'object' && s.value !== undefined) {
            this.suspect(typeof s.slot === 'number' ? s.slot : 0, s.value, j);
          }
        }
      } else if (
        list !== null &&
        typeof list === 'object' &&
        (list as { value?: unknown }).value !== undefined
      ) {
        // A single-decree promise carries one Vote.
        this.suspect(0, (list as { value: unknown }).value, j);
      }
    }
  }

  /**
   * A decide of `slot` with `value` at `line`: every adversarial receive that carried this value
   * for this slot, when no honest proposal (`honest`: values of non-adversarial phase-2 sends for
   * the slot) carried it, had an effect on a decision.
   */
  decided(slot: number, value: unknown, honest: readonly unknown[] | undefined, line: number): void {
    const list = this.suspects.get(slot);
    if (list === undefined) return;
    const canon = canonicalJson(value);
    let honestCarried: boolean | undefined;
    for (const s of list) {
      if (s.canon !== canon || s.judged.effectSlot >= 0) continue;
      honestCarried ??= (honest ?? []).some((h) => canonicalJson(h) === canon);
      if (honestCarried) return;
      s.judged.effectSlot = slot;
      s.judged.effectLine = line;
      this.effects++;
      this.mark(s.judged);
    }
  }

  /**
   * PBFT: replica `decider` executed `digest` at `seq` (at `line`). Every adversarial receive that
   * carried that digest for that seq had an effect, unless a non-adversarial pre-prepare
   * (`honest`: digests of the seq's honest pre-prepares, new-views included) carried it too. Counted
   * at the end, and only when the decider is honest.
   */
  executed(
    seq: number,
    digest: string,
    honest: readonly unknown[] | undefined,
    decider: number,
    line: number,
  ): void {
    const list = this.suspects.get(seq);
    if (list === undefined) return;
    if ((honest ?? []).includes(digest)) return;
    for (const s of list) {
      if (s.canon === digest) this.pendingEffects.push({ judged: s.judged, decider, slot: seq, line });
    }
  }

  /** The slot is decided by every live node: no later decision can take an adversarial value. */
  forget(slot: number): void {
    this.suspects.delete(slot);
  }

  /** The metric at the end of the trace. */
  result(): MetricResult {
    for (let i = 0; i < this.open.length; i++) if (this.open[i] !== undefined) this.close(i);
    const spec = METRICS.fidelity;
    if (this.pbft !== undefined) return this.pbftResult(spec);
    const base = { name: 'fidelity', description: spec.description, unit: spec.unit } as const;
    if (this.judged === 0) {
      return {
        ...base,
        reason:
          this.notJudged === 0
            ? 'no adversarial events'
            : `no adversarial receives (${this.notJudged} adversarial events of other kinds are not judged)`,
        detail: { notJudged: this.notJudged },
      };
    }
    const items = this.flagged.map((j) => ({ line: j.line, text: describe(j) }));
    return {
      ...base,
      value: (this.judged - this.unfaithful) / this.judged,
      detail: {
        judged: this.judged,
        faithful: this.judged - this.unfaithful,
        accepted: this.judged - this.rejectedCount,
        decisionEffects: this.effects,
        notJudged: this.notJudged,
      },
      ...(items.length > 0 ? { items } : {}),
    };
  }

  private pbftResult(spec: (typeof METRICS)['fidelity']): MetricResult {
    const rules = this.pbft as PbftFidelityRules;
    for (const e of this.pendingEffects) {
      if (rules.faulty(e.decider) || e.judged.effectSlot >= 0) continue;
      e.judged.effectSlot = e.slot;
      e.judged.effectLine = e.line;
      this.effects++;
      this.mark(e.judged);
    }
    let judged = 0;
    let unfaithful = 0;
    let rejected = 0;
    for (let i = 0; i < this.judgedBy.length; i++) {
      if (rules.faulty(i)) continue;
      judged += this.judgedBy[i]!;
      unfaithful += this.unfaithfulBy[i]!;
      rejected += this.rejectedBy[i]!;
    }
    const atFaulty = this.judged - judged;
    const base = { name: 'fidelity', description: PBFT_FIDELITY, unit: spec.unit } as const;
    if (judged === 0) {
      return {
        ...base,
        reason:
          this.judged === 0
            ? 'no adversarial events'
            : `no adversarial receive at an honest replica (${atFaulty} at faulty replicas are not judged)`,
        detail: { notJudged: this.notJudged + atFaulty },
      };
    }
    const items = this.flagged
      .filter((j) => !rules.faulty(j.receiver))
      .map((j) => ({ line: j.line, text: describe(j) }));
    return {
      ...base,
      value: (judged - unfaithful) / judged,
      detail: {
        judged,
        faithful: judged - unfaithful,
        accepted: judged - rejected,
        invalid: this.invalidCount,
        decisionEffects: this.effects,
        notJudged: this.notJudged,
        atFaultyReplicas: atFaulty,
      },
      ...(items.length > 0 ? { items } : {}),
    };
  }

  private suspect(slot: number, value: unknown, judged: Judged): void {
    this.suspectKey(slot, canonicalJson(value), judged);
  }

  private suspectKey(slot: number, canon: string, judged: Judged): void {
    let list = this.suspects.get(slot);
    if (list === undefined) {
      list = [];
      this.suspects.set(slot, list);
    }
    list.push({ canon, judged });
  }

  private react(i: number, line: number, what: string): void {
    const w = this.open[i] as Judged;
    w.reactedAt = line;
    w.reaction = what;
    if (w.strict) this.mark(w);
    this.open[i] = undefined;
    this.openCount--;
  }

  private close(i: number): void {
    this.rejectedCount++;
    this.rejectedBy[i] = (this.rejectedBy[i] ?? 0) + 1;
    this.open[i] = undefined;
    this.openCount--;
  }

  private mark(j: Judged): void {
    if (j.bad) return;
    j.bad = true;
    this.unfaithful++;
    this.unfaithfulBy[j.receiver] = (this.unfaithfulBy[j.receiver] ?? 0) + 1;
    if (this.flagged.length < MAX_ITEMS) this.flagged.push(j);
  }
}

/** The fidelity metric's description under PBFT. */
const PBFT_FIDELITY =
  'Share of adversarial messages received by honest replicas that changed no honest execution (and, when invalid, caused no reaction)';

function describe(j: Judged): string {
  const parts: string[] = [];
  if (j.reactedAt > 0 && j.strict) parts.push(`${j.node} acted on it (${j.reaction} at line ${j.reactedAt})`);
  if (j.effectSlot >= 0) {
    parts.push(
      `slot ${j.effectSlot} decided a value only adversarial messages carried (line ${j.effectLine})`,
    );
  }
  return `adversarial ${j.type} from ${j.from} to ${j.node}: ${parts.join('; ')}`;
}
