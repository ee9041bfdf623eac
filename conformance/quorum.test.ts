// QuorumAnswers remembers quorum answers by node set: every answer equals the quorum system's own,
// for phase 1 and phase 2, per class, in any order of questions, and after its tables start over.
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { QuorumSystem } from '../traces/index.js';
import { QuorumAnswers, namesOf, quorumsOf } from './quorum.js';

const nodes = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'];
const systems: QuorumSystem[] = [
  { kind: 'majority' },
  { kind: 'grid', rows: 2, cols: 3 },
  {
    kind: 'classes',
    classes: { routine: { kind: 'grid', rows: 2, cols: 3 }, critical: { kind: 'majority' } },
  },
];
const quorums = systems.map((s) => quorumsOf(s, nodes));
// Every question: each system, phase, node set and class (3 x 2 x 64 x 4).
const all: Array<{ system: number; phase: number; mask: number; cls: string | undefined }> = [];
for (let system = 0; system < quorums.length; system++)
  for (const phase of [1, 2])
    for (let mask = 0; mask < 2 ** nodes.length; mask++)
      for (const cls of [undefined, 'routine', 'critical', 'unknown']) all.push({ system, phase, mask, cls });

describe('QuorumAnswers', () => {
  test.prop([fc.shuffledSubarray(all, { minLength: all.length })], { numRuns: 20 })(
    'answers what the quorum system answers, in any order of questions, asked twice',
    (questions) => {
      const answers = new QuorumAnswers();
      for (const { system, phase, mask, cls } of [...questions, ...questions]) {
        const q = quorums[system]!;
        const names = namesOf(mask, nodes);
        if (phase === 1) expect(answers.isQ1(q, mask, nodes)).toBe(q.isQ1(names));
        else expect(answers.isQ2(q, mask, nodes, cls)).toBe(q.isQ2(names, cls));
      }
    },
  );

  test('a table that fills up starts over and still answers right', () => {
    const q = quorumsOf(
      { kind: 'majority' },
      Array.from({ length: 14 }, (_, i) => `m${i}`),
    );
    const members = q.members;
    const answers = new QuorumAnswers();
    for (let round = 0; round < 2; round++) {
      for (let mask = 0; mask < 2 ** 14; mask += 3) {
        expect(answers.isQ2(q, mask, members, undefined)).toBe(q.isQ2(namesOf(mask, members)));
      }
    }
  });
});
