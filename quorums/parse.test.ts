// The command-line notation: every form, every error message, and formatQuorumFamily's round trip.
import { test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { family, names, table } from './__test-helpers__/arbitraries.js';
import { formatQuorumFamily, parseQuorumFamily, QuorumError } from './index.js';

const m3 = names(3);
const m5 = names(5);
const parse = (text: string, members = m5, role: 'q1' | 'q2' = 'q1') =>
  parseQuorumFamily(text, members, role);

describe('parseQuorumFamily: forms', () => {
  it.each([
    ['majority', m5, 'majority of 5', [3, 10]],
    ['  majority ', m3, 'majority of 3', [2, 3]],
    ['all', m3, 'all of 3', [3, 1]],
    ['any:2', m3, 'any 2 of 3', [2, 3]],
    ['2', m3, 'any 2 of 3', [2, 3]],
    ['any: 1', m3, 'any 1 of 3', [1, 3]],
    ['3', m3, 'all of 3', [3, 1]],
  ] as const)('%j over %j: %s', (text, members, describe, [size, count]) => {
    const f = parse(text, members);
    expect(f.describe).toBe(describe);
    expect(f.members).toEqual(members);
    const min = f.minimal();
    expect(min).toHaveLength(count);
    expect(min.every((q) => q.length === size)).toBe(true);
  });

  it('explicit: | between quorums, , between members; supersets and duplicates dropped', () => {
    expect(parse('a1|a2').minimal()).toEqual([['a1'], ['a2']]);
    expect(parse('a1|a2').describe).toBe('{a1} | {a2}');
    expect(parse('a1,a2').minimal()).toEqual([['a1', 'a2']]);
    expect(parse('a3,a1|a2,a3|a1,a3 | a1, a2, a3').minimal()).toEqual([
      ['a1', 'a3'],
      ['a2', 'a3'],
    ]);
    expect(parse('a2,a2').minimal()).toEqual([['a2']]);
    const f = parse('a1,a2|a2,a3|a1,a3', m3);
    expect(f.has(['a1', 'a3', 'x9'])).toBe(true);
    expect(f.has(['a2'])).toBe(false);
  });

  it('grid: rows for q1, columns for q2', () => {
    const m6 = names(6);
    const rows = parse('grid:2x3', m6, 'q1');
    const cols = parse('grid:2x3', m6, 'q2');
    expect(rows.describe).toBe('rows of grid 2x3');
    expect(cols.describe).toBe('columns of grid 2x3');
    expect(rows.minimal()).toEqual([
      ['a1', 'a2', 'a3'],
      ['a4', 'a5', 'a6'],
    ]);
    expect(cols.minimal()).toEqual([
      ['a1', 'a4'],
      ['a2', 'a5'],
      ['a3', 'a6'],
    ]);
  });

  it('grid with empty cells: empty lines are not quorums, describe counts the empty cells', () => {
    const rows = parse('grid:3x2', m3, 'q1');
    expect(rows.describe).toBe('rows of grid 3x2 (3 empty cells)');
    expect(rows.minimal()).toEqual([['a1', 'a2'], ['a3']]);
    expect(rows.has([])).toBe(false);
    const cols = parse('grid:2x3', m5, 'q2');
    expect(cols.describe).toBe('columns of grid 2x3 (1 empty cell)');
    expect(cols.minimal()).toEqual([['a1', 'a4'], ['a2', 'a5'], ['a3']]);
    expect(parse('grid:1X5', m5, 'q2').minimal()).toHaveLength(5);
  });

  it('a grid far larger than its members costs what the members cost, not rows x cols', () => {
    // Once enumerated all 10^10 (or 10^11) cells: out of memory from `synod quorums grid:...`.
    const rows = parse('grid:100000x100000', m3, 'q1');
    const cols = parse('grid:1x99999999999', m3, 'q2');
    expect(rows.minimal()).toEqual([['a1', 'a2', 'a3']]);
    expect(rows.has(['a1', 'a2'])).toBe(false);
    expect(cols.minimal()).toEqual([['a1'], ['a2'], ['a3']]);
    expect(cols.has(['a3'])).toBe(true);
  });

  it('weighted: sets whose weights reach K; unlisted members weigh 0', () => {
    const f = parse('weighted:3:a1=2,a2=1,a3=1');
    expect(f.describe).toBe('weight >= 3 of a1=2, a2=1, a3=1');
    expect(f.minimal()).toEqual([
      ['a1', 'a2'],
      ['a1', 'a3'],
    ]);
    expect(f.has(['a2', 'a3', 'a4', 'a5'])).toBe(false);
    expect(parse('weighted:1.5:a1=0.5, a2 = 1,a3=1').minimal()).toEqual([
      ['a1', 'a2'],
      ['a1', 'a3'],
      ['a2', 'a3'],
    ]);
  });
});

describe('parseQuorumFamily: errors name the token and what was expected', () => {
  it.each([
    ['a1|a9', m3, '"a1|a9": a9 is not an acceptor (acceptors: a1, a2, a3)'],
    ['a1||a2', m3, 'empty quorum in "a1||a2"'],
    ['|a1', m3, 'empty quorum in "|a1"'],
    ['a1,,a2', m3, 'empty member name in "a1,,a2"'],
    ['', m3, /^empty quorum notation; expected majority, all, any:K, K, grid:RxC/],
    ['   ', m3, /^empty quorum notation/],
    ['grid:2x3', names(7), 'grid:2x3 needs at most 6 members, got 7'],
    ['grid:2by3', m3, '"grid:2by3": expected grid:RxC with whole numbers, e.g. grid:2x3'],
    ['grid:0x3', m3, 'grid:0x3: rows and columns must be whole numbers of at least 1'],
    ['any:0', m3, 'any:0: K must be a whole number of at least 1'],
    ['0', m3, 'any:0: K must be a whole number of at least 1'],
    ['any:x', m3, '"any:x": K must be a whole number, got "x"'],
    ['any:4', m3, 'any:4 needs at least 4 acceptors, there are 3'],
    ['7', m3, 'any:7 needs at least 7 acceptors, there are 3'],
    ['weighted:3', m3, '"weighted:3": expected weighted:K:a1=W,a2=W,... e.g. weighted:3:a1=2,a2=1,a3=1'],
    ['weighted:x:a1=1', m3, '"weighted:x:a1=1": K must be a number, got "x"'],
    ['weighted:0:a1=1', m3, 'weighted:0: K must be a number above 0'],
    ['weighted:2:a1', m3, '"weighted:2:a1": expected name=weight, got "a1"'],
    ['weighted:2:a9=1', m3, '"weighted:2:a9=1": a9 is not an acceptor (acceptors: a1, a2, a3)'],
    ['weighted:2:a1=-1', m3, '"weighted:2:a1=-1": the weight of a1 must be a number >= 0, got "-1"'],
    ['weighted:2:a1=1,a1=2', m3, '"weighted:2:a1=1,a1=2": a1 has two weights'],
    ['weighted:5:a1=1,a2=1', m3, 'weighted:5: the weights sum to 2, so no set reaches 5'],
    ['quorum:3', m3, /^"quorum:3": unknown form "quorum:"; expected majority/],
  ] as const)('%j', (text, members, message) => {
    const run = () => parse(text, members);
    expect(run).toThrow(QuorumError);
    expect(run).toThrow(message);
  });

  it('bad member lists', () => {
    expect(() => parse('majority', [])).toThrow('a quorum family needs at least one acceptor');
    expect(() => parse('majority', ['a1', 'a1'])).toThrow('acceptor a1 is listed twice');
    expect(() => parse('majority', ['a1', ''])).toThrow('an acceptor name is empty');
  });

  it('long member lists are shortened in messages', () => {
    expect(() => parse('a99', names(20))).toThrow(
      '"a99": a99 is not an acceptor (acceptors: a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, ...)',
    );
  });
});

describe('formatQuorumFamily', () => {
  test.prop([family], { numRuns: 300 })('parses back to the same family', ({ n, role, f }) => {
    const text = formatQuorumFamily(f);
    const g = parseQuorumFamily(text, names(n), role);
    expect(g.describe).toBe(f.describe);
    expect(table(g, names(n))).toEqual(table(f, names(n)));
    expect(formatQuorumFamily(g)).toBe(text);
  });

  test.prop([family])(
    'a family built elsewhere is written as its explicit minimal quorums',
    ({ n, role, f }) => {
      const opaque = { describe: 'mine', members: f.members, has: f.has.bind(f), minimal: () => f.minimal() };
      const g = parseQuorumFamily(formatQuorumFamily(opaque), names(n), role);
      expect(table(g, names(n))).toEqual(table(f, names(n)));
    },
  );

  it('examples', () => {
    expect(formatQuorumFamily(parse('2'))).toBe('any:2');
    expect(formatQuorumFamily(parse('5'))).toBe('all');
    expect(formatQuorumFamily(parse('a2,a1|a3'))).toBe('a1,a2|a3');
    expect(formatQuorumFamily(parse('weighted:3:a2=1,a1=2,a4=0'))).toBe('weighted:3:a1=2,a2=1');
    expect(formatQuorumFamily(parse('grid:2x3', m5, 'q2'))).toBe('grid:2x3');
  });
});
