// `synod quorums` through the real binary: safe systems exit 0, unsafe ones 10 with a disjoint
// pair, bad notation 150 with one line and no stack trace, --json for machines.
import { describe, expect, it } from 'vitest';
import { synod } from '../test/cli.js';

describe('synod quorums', () => {
  it('intersecting families: exit 0, both families and their fault tolerance', () => {
    const r = synod(['quorums', '--acceptors', '5', '--q1', 'any:4', '--q2', '2']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('phase 1    any 4 of 5: 5 minimal quorums');
    expect(r.stdout).toContain('{a1,a2,a3,a4}  {a1,a2,a3,a5}');
    expect(r.stdout).toContain('phase 2    any 2 of 5: 10 minimal quorums');
    expect(r.stdout).toContain('... and 2 more');
    expect(r.stdout).toContain('survives any 1 acceptor failure; some 2 failed acceptors can stop phase 1');
    expect(r.stdout).toContain('survives any 3 acceptor failures; some 4 failed acceptors can stop phase 2');
    expect(r.stdout).toContain('✓ safe: every phase-1 quorum meets every phase-2 quorum');
  });

  it('defaults: 3 acceptors, majorities', () => {
    const r = synod(['quorums']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('majority of 3');
  });

  it('non-intersecting families: exit 10 with a witness and the command to reproduce', () => {
    const r = synod(['quorums', '--acceptors', 'x,y,z', '--q1', 'x,y|y,z|x,z', '--q2', 'x|y']);
    expect(r.code).toBe(10);
    expect(r.stdout).toContain('✗ unsafe: phase-1 quorum {x,z} and phase-2 quorum {y} do not meet');
    expect(r.stdout).toContain('reproduce: synod quorums --acceptors x,y,z --q1 "x,y|y,z|x,z" --q2 "x|y"');
  });

  it("the issue's example: 5 acceptors in a 2x3 grid leave an empty cell, and a row misses a column", () => {
    const r = synod(['quorums', '--acceptors', '5', '--q1', 'grid:2x3', '--q2', 'grid:2x3']);
    expect(r.code).toBe(10);
    expect(r.stdout).toContain('phase 1    rows of grid 2x3 (1 empty cell): 2 minimal quorums');
    expect(r.stdout).toContain('{a1,a2,a3}  {a4,a5}');
    expect(r.stdout).toContain('phase 2    columns of grid 2x3 (1 empty cell): 3 minimal quorums');
    expect(r.stdout).toContain('{a1,a4}  {a2,a5}  {a3}');
    expect(r.stdout).toContain('phase-1 quorum {a4,a5} and phase-2 quorum {a3} do not meet');
    const full = synod(['quorums', '--acceptors', '6', '--q1', 'grid:2x3', '--q2', 'grid:2x3']);
    expect(full.code).toBe(0);
    expect(full.stdout).toContain('survives any 1 acceptor failure');
    expect(full.stdout).toContain('survives any 2 acceptor failures');
  });

  it.each([
    [['--acceptors', '3', '--q1', 'a1|a9'], '--q1 "a1|a9": a9 is not an acceptor (acceptors: a1, a2, a3)'],
    [['--acceptors', '7', '--q2', 'grid:2x3'], '--q2: grid:2x3 needs at most 6 members, got 7'],
    [['--q1', 'a1||a2'], '--q1: empty quorum in "a1||a2"'],
    [['--q1', 'nope:3'], '--q1 "nope:3": unknown form "nope:"'],
    [['--acceptors', '0'], '--acceptors must be between 1 and 10000, got 0'],
    [['--acceptors', 'a,,b'], '--acceptors: empty name in "a,,b"'],
    [['--acceptors', 'a,b,a'], '--acceptors: a is listed twice'],
    [['--q3', 'x'], 'unknown option --q3'],
    [['majority'], 'unexpected argument "majority"'],
  ])('bad arguments %j: exit 150, one clear line, no stack trace', (args, message) => {
    const r = synod(['quorums', ...args]);
    expect(r.code).toBe(150);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--json: the report as data, with the system as a trace header writes it', () => {
    const r = synod(['quorums', '--acceptors', '5', '--q1', 'grid:2x3', '--q2', 'grid:2x3', '--json']);
    expect(r.code).toBe(10);
    const j = JSON.parse(r.stdout);
    expect(j.acceptors).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    expect(j.q1).toEqual({
      notation: 'grid:2x3',
      describe: 'rows of grid 2x3 (1 empty cell)',
      minimal: [
        ['a1', 'a2', 'a3'],
        ['a4', 'a5'],
      ],
      minimalCount: 2,
      faultTolerance: 1,
    });
    expect(j.q2.faultTolerance).toBe(2);
    expect(j.intersect).toBe(false);
    expect(j.witness).toEqual({ q1: ['a4', 'a5'], q2: ['a3'] });
    expect(j.quorum.kind).toBe('explicit');
    const ok = JSON.parse(synod(['quorums', '--acceptors', '5', '--json']).stdout);
    expect(ok.intersect).toBe(true);
    expect(ok.witness).toBeUndefined();
    expect(ok.quorum).toEqual({ kind: 'majority', members: ['a1', 'a2', 'a3', 'a4', 'a5'] });
  });

  it('--help teaches the notation', () => {
    const r = synod(['quorums', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('grid:RxC');
    expect(r.stdout).toContain('weighted:K:a1=2');
    expect(r.stdout).toContain('Exit codes: 0');
  });
});
