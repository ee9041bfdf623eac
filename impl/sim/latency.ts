// Latency distributions as data: `fixed:20ms`, `uniform:5ms..40ms`, `exponential:mean=20ms`.
// Parsed once; sampled in the hot path with the simulator's PRNG.

import { DURATION_HELP, formatDuration, parseDuration } from './duration.js';
import type { Prng } from './prng.js';

/** A one-way message latency distribution (milliseconds). */
export type Latency =
  | { readonly kind: 'fixed'; readonly ms: number }
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number }
  | { readonly kind: 'exponential'; readonly mean: number };

/** How a latency is written, for error messages. */
export const LATENCY_HELP = 'fixed:20ms, uniform:5ms..40ms or exponential:mean=20ms';

/** Parse a latency spec; returns an error sentence instead of throwing. */
export function parseLatency(raw: string): Latency | string {
  const s = raw.trim();
  const colon = s.indexOf(':');
  const kind = colon < 0 ? s : s.slice(0, colon);
  const arg = colon < 0 ? '' : s.slice(colon + 1);
  const dur = (x: string): number | string => {
    const ms = parseDuration(x);
    return ms === undefined
      ? `bad duration ${JSON.stringify(x)} in latency ${JSON.stringify(raw)} (${DURATION_HELP})`
      : ms;
  };
  switch (kind) {
    case 'fixed': {
      const ms = dur(arg);
      return typeof ms === 'string' ? ms : { kind: 'fixed', ms };
    }
    case 'uniform': {
      const parts = arg.split('..');
      if (parts.length !== 2)
        return `uniform latency takes min..max, e.g. uniform:5ms..40ms, got ${JSON.stringify(raw)}`;
      const min = dur(parts[0]!);
      if (typeof min === 'string') return min;
      const max = dur(parts[1]!);
      if (typeof max === 'string') return max;
      if (max < min) return `uniform latency ${JSON.stringify(raw)}: max is below min`;
      return { kind: 'uniform', min, max };
    }
    case 'exponential': {
      const mean = dur(arg.startsWith('mean=') ? arg.slice(5) : arg);
      return typeof mean === 'string' ? mean : { kind: 'exponential', mean };
    }
    default:
      return `unknown latency ${JSON.stringify(raw)} (use ${LATENCY_HELP})`;
  }
}

/** The spec string of a latency (parses back to the same latency). */
export function formatLatency(l: Latency): string {
  switch (l.kind) {
    case 'fixed':
      return `fixed:${formatDuration(l.ms)}`;
    case 'uniform':
      return `uniform:${formatDuration(l.min)}..${formatDuration(l.max)}`;
    case 'exponential':
      return `exponential:mean=${formatDuration(l.mean)}`;
  }
}

/** The mean of a latency distribution. */
export function meanLatency(l: Latency): number {
  switch (l.kind) {
    case 'fixed':
      return l.ms;
    case 'uniform':
      return (l.min + l.max) / 2;
    case 'exponential':
      return l.mean;
  }
}

/** Draw one latency, rounded to microseconds so traces stay short. */
export function sampleLatency(l: Latency, prng: Prng): number {
  let ms: number;
  switch (l.kind) {
    case 'fixed':
      return l.ms;
    case 'uniform':
      ms = l.min + (l.max - l.min) * prng.next();
      break;
    case 'exponential':
      ms = prng.exponential(l.mean);
      break;
  }
  return Math.round(ms * 1000) / 1000;
}
