// Durations as people write them (`250ms`, `10s`, `3min`, `2h`, or a bare number of ms) and back.

const UNITS: Record<string, number> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 };
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|min|h)$/;

/** Milliseconds of a duration such as `250ms`, `1.5s`, `3min`, `2h` (a number is ms); undefined if malformed. */
export function parseDuration(raw: string | number): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) && raw >= 0 ? raw : undefined;
  const m = DURATION.exec(raw.trim());
  if (m === null) return undefined;
  const ms = Number(m[1]) * UNITS[m[2]!]!;
  return Number.isFinite(ms) ? ms : undefined;
}

/** The accepted forms, for error messages. */
export const DURATION_HELP = 'a number with a unit: ms, s, min or h (e.g. 250ms, 10s, 3min, 2h)';

/** A short, exact rendering of `ms` (`1500ms`, `10s`, `3min`, `2h`). */
export function formatDuration(ms: number): string {
  if (ms > 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms > 0 && ms % 60_000 === 0) return `${ms / 60_000}min`;
  if (ms > 0 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** A rendering for people: `850ms`, `12.4s`, `7.2min`, `3.1h`. */
export function humanDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)}min`;
  return `${(ms / 3_600_000).toFixed(2)}h`;
}
