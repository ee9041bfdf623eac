// QuorumAnswers remembers quorum answers by node set: every answer equals the quorum system's own,
// for phase 1 and phase 2, per class, in any order of questions, and after its tables start over.
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { QuorumSystem } from '../quorums/index.js';
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
const question = fc.record({
  system: fc.nat({ max: quorums.length - 1 }),
  phase: fc.constantFrom(1, 2),
  mask: fc.nat({ max: 2 ** nodes.length - 1 }),
  cls: fc.constantFrom(undefined, 'routine', 'critical', 'unknown'),
});

describe('QuorumAnswers', () => {
  test.prop([fc.array(question, { minLength: 1, maxLength: 300 })])(
    'answers what the quorum system answers, however often it is asked',
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
