// The event windows violations show: the events that make a violation visible, by line, each once,
// in trace order. Shared by the protocol checkers.
import type { TraceEvent } from '../../traces/index.js';
import type { WindowEvent } from '../types.js';

/** An event a checker remembers: its line, and the event itself unless only lines are kept. */
export interface Rec {
  line: number;
  event: TraceEvent | undefined;
}

/** The window of the given events: the defined ones, sorted by line, one per line. */
export function windowOf(...recs: Array<Rec | undefined>): WindowEvent[] {
  const out = recs.filter((r): r is Rec => r !== undefined);
  out.sort((a, b) => a.line - b.line);
  const seen = new Set<number>();
  return out
    .filter((r) => (seen.has(r.line) ? false : (seen.add(r.line), true)))
    .map((r) => ({ line: r.line, event: r.event as TraceEvent }));
}
