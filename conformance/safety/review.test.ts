// Regression traces from a review of the checker: each once gave a wrong verdict or crashed (exit
// 255). Every one now gets the verdict below, and nothing throws.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { conform } from '../conform.js';

const dir = fileURLToPath(new URL('./__fixtures__/review/', import.meta.url));

/** Expected exit code and violated invariants (and what was wrong before). */
const expected: Record<string, { exit: number; violated: string[]; skipped?: string[]; why: string }> = {
  'A-33nodes': {
    exit: 0,
    violated: [],
    skipped: ['agreement'],
    why: '33 nodes: masks aliased; now not judged (up to 30 nodes)',
  },
  'A2-3nodes': { exit: 10, violated: ['agreement'], why: 'decide events only: a false quorum violation' },
  'B-slot1': {
    exit: 0,
    violated: [],
    why: 'a log starting at slot 1: a false client-exactly-once violation',
  },
  'C-null-ballot': { exit: 0, violated: [], why: 'a null ballot under an untyped protocol: crash' },
  'C2-accepted-true': { exit: 0, violated: [], why: 'a promise with accepted: true: crash' },
  'C3-accepted-list': { exit: 0, violated: [], why: 'a promise with accepted: [1]: crash' },
  'D-stale-leader': {
    exit: 0,
    violated: [],
    why: "a stale leader's rejected self-vote counted: false proposer-value",
  },
  'E-reconfig-newnode': {
    exit: 10,
    violated: ['proposer-value', 'quorum'],
    why: 'a node added by reconfig: crash (then ignored; now judged: no phase 1, and 2 votes of 4)',
  },
  'H-33-integrity': {
    exit: 0,
    violated: [],
    skipped: ['integrity'],
    why: '33 nodes: a false integrity violation',
  },
  'I-reconfig-quorum': {
    exit: 0,
    violated: [],
    why: "judged against the header's quorum after a reconfig (now: under the reconfiguration's)",
  },
  'J-deep-3000': { exit: 150, violated: [], why: 'nesting 3,000 deep: stack overflow in the reports' },
  'K-takeover': {
    exit: 0,
    violated: [],
    why: 'a leader takeover re-proposing a value written with other key order',
  },
  'L-hole': {
    exit: 0,
    violated: [],
    why: 'an op behind a never-decided slot: a false client-exactly-once violation',
  },
  'M-adversarial-replay': {
    exit: 0,
    violated: [],
    why: 'a replayed (adversarial) promise blamed on the honest sender',
  },
  'N-pbft': {
    exit: 10,
    violated: ['certificates'],
    skipped: ['signatures', 'validity', 'new-view'],
    why: "a PBFT trace judged by Paxos message rules (now by the PBFT checker: commits without any prepare, a digest that is not the request's)",
  },
  'O-self-promise-backwards': {
    exit: 10,
    violated: ['proposer-value', 'quorum'],
    why: "a leader's own backwards promise was missed",
  },
  'Q-settled-integrity': {
    exit: 10,
    violated: ['integrity'],
    why: 'a second decision after a restart on a settled slot was missed',
  },
  'Q2-unsettled-integrity': { exit: 10, violated: ['integrity'], why: 'the same before the slot settles' },
  'R1-reconfig-adds-voter': {
    exit: 0,
    violated: [],
    why: 'a reconfiguration adding n4 (majority of 4): its promise and vote were ignored, false proposer-value and quorum',
  },
  'R2-reconfig-added-voter-short': {
    exit: 10,
    violated: ['quorum'],
    why: 'the same with only n1 and n4 voting: 2 of 4 is caught once n4 counts',
  },
  'R3-reconfig-new-acceptor-leads': {
    exit: 0,
    violated: [],
    why: 'a leader that is an acceptor only under the reconfiguration: its own promise and vote were not counted',
  },
  'R4-reconfig-from-x-header': {
    exit: 0,
    violated: [],
    why: "an x- header system, then a majority from slot 0: the leader's own promise and vote were not counted",
  },
  'R5-reconfig-conflict': {
    exit: 0,
    violated: [],
    skipped: ['proposer-value', 'quorum'],
    why: 'two reconfigurations of slot 1 to different systems: the first was used silently (now: skipped, the system is unknown)',
  },
  'R6-reconfig-past-30-nodes': {
    exit: 0,
    violated: [],
    skipped: ['proposer-value', 'quorum'],
    why: 'a reconfiguration to 32 nodes: now skipped with that reason (not "no phase-2 messages")',
  },
  'R7-pbft-far-checkpoint': {
    exit: 10,
    violated: ['certificates'],
    why: 'stable checkpoints near seq 10^8: the compacted-seq table allocated 2.6 GB (now paged)',
  },
  'single-node-multipaxos': {
    exit: 0,
    violated: [],
    why: 'a one-node cluster (no phase-2 messages): a false quorum violation',
  },
};

describe('review regressions', () => {
  it('every fixture has an expectation', () => {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.ndjson'))
      .map((f) => f.replace(/\.ndjson$/, ''));
    expect(files.sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [name, want] of Object.entries(expected)) {
    it(`${name}: ${want.why}`, async () => {
      const r = await conform(`${dir}${name}.ndjson`, { deterministic: true, toolVersion: '0.0.0' });
      const t = r.traces[0]!;
      expect(r.exitCode).toBe(want.exit);
      expect(t.invariants.filter((i) => i.status === 'violated').map((i) => i.name)).toEqual(want.violated);
      for (const s of want.skipped ?? []) {
        expect(t.invariants.find((i) => i.name === s)?.status, s).toBe('skipped');
      }
    });
  }
});
