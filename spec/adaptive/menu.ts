// The command-line notation of adaptive quorums: one quorum system from `--q1`/`--q2`, or a menu
// of named modes from `--modes "routine=all/1;critical=1/all"`, each family in the notation of
// quorums/ (majority, all, any:K, a1,a2|a3, grid:RxC, weighted:K:...). Acceptors are a1..aN.

import { parseQuorumFamily, QuorumError, type QuorumRole } from '../../quorums/index.js';
import type { QuorumMode } from './adaptive.js';

/** The grammar of `--modes`, for help texts. */
export const MODES_NOTATION =
  'NAME=Q1/Q2;NAME=Q1/Q2;...  one mode per ";", its phase-1 and phase-2 quorums split by "/"';

/** The names a1..aN of `acceptors` acceptors. */
export function acceptorNames(acceptors: number): string[] {
  return Array.from({ length: acceptors }, (_, i) => `a${i + 1}`);
}

/** The minimal quorums of a family written in the quorum notation, as acceptor indexes. */
export function parseQuorums(text: string, acceptors: number, role: QuorumRole): number[][] {
  const members = acceptorNames(acceptors);
  return parseQuorumFamily(text, members, role)
    .minimal()
    .map((q) => q.map((name) => members.indexOf(name)));
}

/** One mode from its Q1 and Q2 notations; a QuorumError names `what` (e.g. the flag). */
export function parseMode(name: string, q1: string, q2: string, acceptors: number): QuorumMode {
  const family = (text: string, role: QuorumRole, what: string): number[][] => {
    try {
      return parseQuorums(text, acceptors, role);
    } catch (e) {
      if (e instanceof QuorumError) throw new QuorumError(`${what}: ${e.message}`);
      throw e;
    }
  };
  return { name, q1: family(q1, 'q1', 'Q1'), q2: family(q2, 'q2', 'Q2') };
}

/**
 * A menu written as `NAME=Q1/Q2;NAME=Q1/Q2;...`, e.g. `routine=all/1;critical=1/all` (routine
 * decisions: every acceptor in phase 1, any one in phase 2; critical ones the other way round).
 * Throws a {@link QuorumError} naming the mode and the phase that is wrong.
 */
export function parseModes(text: string, acceptors: number): QuorumMode[] {
  const parts = text.split(';').map((p) => p.trim());
  if (parts.every((p) => p === '')) throw new QuorumError(`no modes given; expected ${MODES_NOTATION}`);
  const seen = new Set<string>();
  return parts
    .filter((p) => p !== '')
    .map((part) => {
      const m = /^([A-Za-z0-9_-]+)\s*=(.*)$/.exec(part);
      if (m === null) {
        throw new QuorumError(
          `"${part}": expected NAME=Q1/Q2, e.g. routine=all/1 (names: letters, digits, _, -)`,
        );
      }
      const name = m[1]!;
      if (seen.has(name)) throw new QuorumError(`two modes are called ${name}`);
      seen.add(name);
      const phases = m[2]!.split('/');
      if (phases.length !== 2) {
        throw new QuorumError(
          `mode ${name}: expected Q1/Q2 (one "/" between the two families), got "${m[2]!.trim()}"`,
        );
      }
      try {
        return parseMode(name, phases[0]!, phases[1]!, acceptors);
      } catch (e) {
        if (e instanceof QuorumError) throw new QuorumError(`mode ${name}, ${e.message}`);
        throw e;
      }
    });
}
