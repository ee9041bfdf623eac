// Trace-header quorum systems: families and predicates for every kind (with `classes`), and
// toQuorumSystem's JSON read back by familiesOf / quorumsOf to the same quorums.
import { test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { QuorumSystem } from '../traces/index.js';
import { names, pair, table } from './__test-helpers__/arbitraries.js';
import { familiesOf, parseQuorumFamily, QuorumError, quorumsOf, toQuorumSystem } from './index.js';

const n3 = names(3).map((x) => x.replace('a', 'n'));
const n5 = names(5).map((x) => x.replace('a', 'n'));

describe('quorumsOf', () => {
  it('majority, over the header nodes or its own members', () => {
    const q = quorumsOf({ kind: 'majority' }, n5);
    expect(q.describe).toBe('majority of 5');
    expect(q.isQ1(['n1', 'n2', 'n3'])).toBe(true);
    expect(q.isQ2(['n1', 'n2'])).toBe(false);
    expect(q.minQ2).toBe(3);
    expect(q.classes).toBeUndefined();
    const m = quorumsOf({ kind: 'majority', members: ['n1', 'n2', 'n3'] }, n5);
    expect(m.members).toEqual(['n1', 'n2', 'n3']);
    expect(m.isQ1(['n1', 'n2', 'n4', 'n5'])).toBe(true);
    expect(m.isQ1(['n1', 'n4', 'n5'])).toBe(false);
  });

  it('threshold', () => {
    const q = quorumsOf({ kind: 'threshold', q1: 4, q2: 2 }, n5);
    expect(q.describe).toBe('threshold q1=4 q2=2 of 5');
    expect(q.isQ1(['n1', 'n2', 'n3'])).toBe(false);
    expect(q.isQ2(['n4', 'n5'])).toBe(true);
    expect(q.minQ2).toBe(2);
    expect(() => quorumsOf({ kind: 'threshold', q1: 6, q2: 2 }, n5)).toThrow(QuorumError);
  });

  it('explicit: members are the named nodes, in header order', () => {
    const q = quorumsOf({ kind: 'explicit', q1: [['n3', 'n1']], q2: [['n1'], ['n3', 'n2']] }, n5);
    expect(q.describe).toBe('explicit (1 phase-1, 2 phase-2 quorums)');
    expect(q.members).toEqual(['n1', 'n2', 'n3']);
    expect(q.isQ1(['n1', 'n3'])).toBe(true);
    expect(q.isQ2(['n2'])).toBe(false);
    expect(q.minQ2).toBe(1);
  });

  it('weighted', () => {
    const q = quorumsOf({ kind: 'weighted', weights: { n2: 1, n1: 3, n3: 1 }, q1: 3, q2: 2 }, n5);
    expect(q.describe).toBe('weighted q1=3 q2=2');
    expect(q.members).toEqual(['n1', 'n2', 'n3']);
    expect(q.isQ1(['n1'])).toBe(true);
    expect(q.isQ1(['n2', 'n3'])).toBe(false);
    expect(q.isQ2(['n2', 'n3'])).toBe(true);
    expect(q.minQ2).toBe(1);
  });

  it('grid, full or with empty cells; more members than cells is an error', () => {
    const full = quorumsOf({ kind: 'grid', rows: 2, cols: 3 }, names(6));
    expect(full.describe).toBe('grid 2x3');
    expect(full.isQ1(['a4', 'a5', 'a6'])).toBe(true);
    expect(full.isQ2(['a3', 'a6'])).toBe(true);
    expect(full.minQ2).toBe(2);
    const partial = quorumsOf({ kind: 'grid', rows: 2, cols: 3 }, names(5));
    expect(partial.isQ2(['a3'])).toBe(true);
    expect(partial.minQ2).toBe(1);
    expect(() => quorumsOf({ kind: 'grid', rows: 2, cols: 2 }, names(5))).toThrow(
      'grid:2x2 needs at most 4 members, got 5',
    );
  });

  it('an x- system is implementation-specific', () => {
    expect(() => quorumsOf({ kind: 'x-mine' }, n3)).toThrow(
      new QuorumError('quorum system "x-mine" is implementation-specific'),
    );
  });

  describe('classes', () => {
    const system: QuorumSystem = {
      kind: 'classes',
      classes: {
        routine: { kind: 'threshold', q1: 4, q2: 2 },
        critical: { kind: 'majority' },
      },
    };
    const q = quorumsOf(system, n5);

    it('describes each class and lists their names', () => {
      expect(q.describe).toBe('classes critical, routine');
      expect(q.classes).toEqual(['critical', 'routine']);
      expect(q.members).toEqual(n5);
    });

    it('a phase-1 quorum is a phase-1 quorum of every class', () => {
      expect(q.isQ1(['n1', 'n2', 'n3'])).toBe(false);
      expect(q.isQ1(['n1', 'n2', 'n3', 'n4'])).toBe(true);
      // An iterator is read once even though every class is asked.
      expect(q.isQ1(new Set(['n1', 'n2', 'n3', 'n4']).values())).toBe(true);
    });

    it("a slot's class picks the phase-2 quorums; no class takes any class's, an unknown one every class's", () => {
      expect(q.isQ2(['n1', 'n2'], 'routine')).toBe(true);
      expect(q.isQ2(['n1', 'n2'], 'critical')).toBe(false);
      expect(q.isQ2(['n1', 'n2', 'n3'], 'critical')).toBe(true);
      expect(q.isQ2(['n1', 'n2'])).toBe(true);
      expect(q.isQ2(['n1', 'n2'], 'critcal')).toBe(false);
      expect(q.isQ2(['n1', 'n2', 'n3'], 'critcal')).toBe(true);
      expect(q.isQ2(new Set(['n1', 'n2']).values())).toBe(true);
      expect(q.isQ2(['n1'])).toBe(false);
      expect(q.minQ2).toBe(2);
    });

    it('classes cannot nest, and need at least one class', () => {
      expect(() => quorumsOf({ kind: 'classes', classes: { outer: system } }, n5)).toThrow(
        'class outer: a classes system cannot nest another',
      );
      expect(() => quorumsOf({ kind: 'classes', classes: {} }, n5)).toThrow(QuorumError);
      expect(() => quorumsOf({ kind: 'classes', classes: { c: { kind: 'x-y' } } }, n5)).toThrow(
        'implementation-specific',
      );
    });

    it('familiesOf refuses a classes system', () => {
      expect(() => familiesOf(system, n5)).toThrow(QuorumError);
    });
  });
});

describe('toQuorumSystem', () => {
  const p = (text: string, role: 'q1' | 'q2', members = n5) => parseQuorumFamily(text, members, role);

  it.each([
    ['majority', 'majority', { kind: 'majority' }],
    ['any:4', 'any:2', { kind: 'threshold', q1: 4, q2: 2 }],
    ['3', 'majority', { kind: 'majority' }],
    [
      'weighted:3:n1=2,n2=1',
      'weighted:2:n1=2,n2=1',
      { kind: 'weighted', weights: { n1: 2, n2: 1, n3: 0, n4: 0, n5: 0 }, q1: 3, q2: 2 },
    ],
    ['n1|n2', 'n1,n2', { kind: 'explicit', q1: [['n1'], ['n2']], q2: [['n1', 'n2']] }],
    [
      'grid:2x3',
      'grid:2x3',
      {
        kind: 'explicit',
        q1: [
          ['n1', 'n2', 'n3'],
          ['n4', 'n5'],
        ],
        q2: [['n1', 'n4'], ['n2', 'n5'], ['n3']],
      },
    ],
    ['all', 'n1', { kind: 'explicit', q1: [n5], q2: [['n1']] }],
  ] as const)('%s / %s', (a, b, expected) => {
    expect(toQuorumSystem(p(a, 'q1'), p(b, 'q2'), n5)).toEqual(expected);
  });

  it('a full grid stays a grid; members are written unless they are the header nodes', () => {
    const m6 = names(6);
    expect(toQuorumSystem(p('grid:2x3', 'q1', m6), p('grid:2x3', 'q2', m6))).toEqual({
      kind: 'grid',
      rows: 2,
      cols: 3,
      members: m6,
    });
    expect(toQuorumSystem(p('majority', 'q1'), p('majority', 'q2'), ['c1', ...n5])).toEqual({
      kind: 'majority',
      members: n5,
    });
  });

  test.prop([pair], { numRuns: 200 })('familiesOf reads it back to the same quorums', (c) => {
    const system = toQuorumSystem(c.q1, c.q2, c.members);
    const back = familiesOf(system, c.members);
    expect(table(back.q1, c.members)).toEqual(table(c.q1, c.members));
    expect(table(back.q2, c.members)).toEqual(table(c.q2, c.members));
    const q = quorumsOf(system, c.members);
    expect(table({ ...back.q1, has: (s) => q.isQ1(s) }, c.members)).toEqual(table(c.q1, c.members));
    expect(table({ ...back.q2, has: (s) => q.isQ2(s) }, c.members)).toEqual(table(c.q2, c.members));
  });
});
