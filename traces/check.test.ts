// LineChecker on quorum systems: every node a quorum system names, nested `classes` included, must
// be one of the header's nodes, and each problem names its JSON pointer.
import { describe, expect, it } from 'vitest';
import { LineChecker } from './check.js';

const header = (quorum: unknown): Record<string, unknown> => ({
  kind: 'header',
  format: 'synod-trace',
  version: 1,
  protocol: 'adaptive',
  nodes: ['n1', 'n2', 'n3'],
  quorum,
});

describe('LineChecker: quorum systems of the header', () => {
  it('accepts a classes system whose classes name header nodes', () => {
    const q = {
      kind: 'classes',
      classes: {
        critical: { kind: 'majority' },
        routine: { kind: 'explicit', q1: [['n1', 'n2', 'n3']], q2: [['n1'], ['n2'], ['n3']] },
      },
    };
    expect(new LineChecker().checkHeader(header(q), 1).errors).toEqual([]);
  });

  it('reports an unknown node inside a class, and a grid of the wrong size, with their pointers', () => {
    const q = {
      kind: 'classes',
      classes: {
        routine: { kind: 'explicit', q1: [['n1', 'n9']], q2: [['n1']] },
        critical: { kind: 'grid', rows: 2, cols: 2 },
      },
    };
    const errors = new LineChecker().checkHeader(header(q), 1).errors;
    expect(errors.map((e) => [e.code, e.field])).toEqual([
      ['unknown-node', '/quorum/classes/routine/q1/0/1'],
      ['invalid-header', '/quorum/classes/critical'],
    ]);
    expect(errors[1]?.message).toBe('/quorum/classes/critical: a 2 x 2 grid needs 4 members, got 3');
  });

  it('rejects an empty classes object through the schema', () => {
    const errors = new LineChecker().checkHeader(header({ kind: 'classes', classes: {} }), 1).errors;
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]?.code).toBe('invalid-header');
  });
});

describe('LineChecker: quorum systems of reconfig events', () => {
  it('a grid without members spans the membership the reconfig names, not every node ever seen', () => {
    const c = new LineChecker();
    const h = header({ kind: 'majority' });
    h['nodes'] = ['n1', 'n2', 'n3', 'n4', 'n5'];
    expect(c.checkHeader(h, 1).errors).toEqual([]);
    const ok = {
      kind: 'reconfig',
      slot: 3,
      nodes: ['n1', 'n2', 'n3', 'n4'],
      quorum: { kind: 'grid', rows: 2, cols: 2 },
    };
    expect(c.checkEvent(ok, 'reconfig', 2)).toEqual([]);
    // The membership stays at 4 until another reconfig names nodes.
    const again = { kind: 'reconfig', slot: 9, quorum: { kind: 'grid', rows: 1, cols: 5 } };
    expect(c.checkEvent(again, 'reconfig', 3).map((e) => e.message)).toEqual([
      '/quorum: a 1 x 5 grid needs 5 members, got 4',
    ]);
  });
});
