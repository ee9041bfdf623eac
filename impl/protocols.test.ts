import { describe, expect, expectTypeOf, test } from 'vitest';
import type {
  MultiPaxosMessage as TraceMultiPaxosMessage,
  PaxosMessage as TracePaxosMessage,
} from '../traces/index.js';
import { Harness } from './__test-helpers__/harness.js';
import { kvWorkload } from './__test-helpers__/workload.js';
import type { MultiPaxosMessage, PaxosMessage } from './index.js';
import { validateTrace } from '../traces/index.js';
import { parseProtocolParams, PROTOCOL_NAMES, protocolEntry, protocols } from './protocols.js';

describe('protocol registry', () => {
  test('names, defaults and a description for every parameter', () => {
    expect(PROTOCOL_NAMES).toEqual(['paxos', 'multipaxos', 'adaptive', 'pbft']);
    for (const name of PROTOCOL_NAMES) {
      const entry = protocols[name];
      expect(entry.behavior.protocol).toBe(name);
      for (const [k, spec] of Object.entries(entry.params)) {
        expect(spec.description.length, k).toBeGreaterThan(10);
        expect(entry.defaults[k]).toEqual(spec.default);
      }
    }
    expect(protocols.multipaxos.defaults).toMatchObject({ batchSize: 16, pipeline: 4, forward: true });
  });

  test('--param texts are parsed and checked', () => {
    const ok = parseProtocolParams('multipaxos', ['batchSize=32', 'forward=false', 'batchDelayMs=2.5'], 5);
    expect(ok).toMatchObject({
      ok: true,
      params: { batchSize: 32, forward: false, batchDelayMs: 2.5, pipeline: 4 },
    });
    expect(parseProtocolParams('paxos', ['propose=first'], 3)).toMatchObject({
      ok: true,
      params: { propose: 'first' },
    });
    const bad = (proto: string, pairs: string[], n = 3): string => {
      const r = parseProtocolParams(proto, pairs, n);
      return r.ok ? 'ok' : r.message;
    };
    expect(bad('raft', [])).toBe('unknown protocol "raft" (known: paxos, multipaxos, adaptive, pbft)');
    expect(bad('multipaxos', ['batchSize=0'])).toBe('multipaxos: parameter batchSize must be >= 1, got 0');
    expect(bad('multipaxos', ['batchSize=1.5'])).toBe(
      'multipaxos: parameter batchSize must be an integer, got 1.5',
    );
    expect(bad('multipaxos', ['forward=yes'])).toBe(
      'multipaxos: parameter forward must be true or false, got "yes"',
    );
    expect(bad('paxos', ['propose=some'])).toBe(
      'paxos: parameter propose must be one of all, first, none, got "some"',
    );
    expect(bad('paxos', ['retryMs'])).toBe('--param wants name=value, got "retryMs"');
    expect(bad('paxos', ['speed=3'])).toMatch(/^paxos: unknown parameter speed \(known: propose, retryMs/);
    expect(bad('paxos', ['phase1Quorum=2', 'phase2Quorum=1'], 3)).toMatch(
      /must exceed the number of nodes \(3\)/,
    );
  });

  test('the trace header quorum system follows the quorum parameters', () => {
    expect(protocolEntry('paxos')!.quorum(protocols.paxos.defaults, ['n1', 'n2', 'n3'])).toEqual({
      kind: 'majority',
    });
    expect(
      protocolEntry('multipaxos')!.quorum({ phase1Quorum: 4, phase2Quorum: 2 }, ['a', 'b', 'c', 'd', 'e']),
    ).toEqual({
      kind: 'threshold',
      q1: 4,
      q2: 2,
    });
    expect(protocolEntry('nope')).toBeUndefined();
  });

  test('the node messages are the trace format messages', () => {
    expectTypeOf<PaxosMessage>().toExtend<TracePaxosMessage>();
    expectTypeOf<MultiPaxosMessage>().toExtend<TraceMultiPaxosMessage>();
  });

  test('every Multi-Paxos message matches the trace schema (message.multipaxos)', async () => {
    const h = new Harness({
      behavior: protocols.multipaxos.behavior,
      seed: 11,
      nodes: 5,
      loss: 0.1,
      recordMessages: true,
    });
    kvWorkload(h, { until: 3000, every: 5 });
    h.at(1000, () => h.crash('n2'));
    h.at(2000, () => h.restart('n2'));
    h.at(1500, () => h.split([['n1', 'n3']]));
    h.at(2500, () => h.heal());
    h.runUntil(4000);
    const types = new Set(h.messages.map((m) => (m.msg as { type: string }).type));
    expect([...types].sort()).toEqual([
      'accept',
      'accepted',
      'catchup',
      'catchup-reply',
      'decide',
      'heartbeat',
      'nack',
      'prepare',
      'promise',
      'x-forward',
    ]);
    const v = await validateTrace([h.traceText('multipaxos')]);
    expect(v.errors).toEqual([]);
    expect(v.ok).toBe(true);
  });
});
