// A synthetic Multi-Paxos trace of any length, for the conformance benchmark: a stable leader on
// five nodes, batches of client commands, every phase-2 message sent and received, decisions
// broadcast, heartbeats, and now and then a follower crash with catch-up after its restart and a
// partition that heals. Deterministic (no randomness): the same length gives the same bytes.
import { closeSync, openSync, writeSync } from 'node:fs';

/** Options of {@link writeSyntheticTrace}. */
export interface SyntheticOptions {
  /** Approximate number of events (the trace stops at the first slot boundary past it). */
  events: number;
  nodes?: number;
  /** Commands per decided slot. */
  batch?: number;
}

/** Writes the trace to `file`; returns the number of event lines written (header excluded). */
export function writeSyntheticTrace(file: string, options: SyntheticOptions): number {
  const n = options.nodes ?? 5;
  const batch = options.batch ?? 2;
  const nodes = Array.from({ length: n }, (_, i) => `n${i + 1}`);
  const leader = 'n1';
  const ballot = '{"round":1,"node":"n1"}';
  const fd = openSync(file, 'w');
  let buf = '';
  let count = 0;
  const emit = (line: string): void => {
    buf += line;
    buf += '\n';
    count++;
    if (buf.length > 1 << 20) {
      writeSync(fd, buf);
      buf = '';
    }
  };
  emit(
    `{"kind":"header","format":"synod-trace","version":1,"protocol":"multipaxos","nodes":${JSON.stringify(nodes)},"quorum":{"kind":"majority"},"params":{"batchSize":${batch}},"seed":0,"clock":"virtual","producer":{"name":"synod bench synthetic"}}`,
  );
  count = 0;
  let t = 0;
  let msgId = 0;
  let op = 0;
  const down = new Set<string>(); // crashed followers
  const missed = new Map<string, number[]>(); // follower -> slots it missed while down
  const decidedValue: string[] = [];
  // Phase 1 once.
  for (const f of nodes.slice(1)) {
    const id = ++msgId;
    emit(
      `{"kind":"send","t":${t},"node":"${leader}","to":"${f}","id":${id},"msg":{"type":"prepare","ballot":${ballot},"fromSlot":0}}`,
    );
    emit(
      `{"kind":"recv","t":${t + 1},"node":"${f}","from":"${leader}","id":${id},"msg":{"type":"prepare","ballot":${ballot},"fromSlot":0}}`,
    );
    emit(`{"kind":"persist","t":${t + 1},"node":"${f}","vars":{"promised":${ballot}}}`);
    const id2 = ++msgId;
    emit(
      `{"kind":"send","t":${t + 1},"node":"${f}","to":"${leader}","id":${id2},"msg":{"type":"promise","ballot":${ballot},"fromSlot":0}}`,
    );
    emit(
      `{"kind":"recv","t":${t + 2},"node":"${leader}","from":"${f}","id":${id2},"msg":{"type":"promise","ballot":${ballot},"fromSlot":0}}`,
    );
  }
  t += 3;
  for (let slot = 0; count < options.events; slot++) {
    // Faults: every 20,000 slots a follower crashes for 200 slots; every 30,000 a partition.
    if (slot % 20_000 === 10_000) {
      const f = nodes[1 + (((slot / 20_000) | 0) % (n - 1))] as string;
      down.add(f);
      missed.set(f, []);
      emit(`{"kind":"crash","t":${t},"node":"${f}"}`);
    }
    if (slot % 20_000 === 10_200) {
      for (const f of down) {
        emit(`{"kind":"restart","t":${t},"node":"${f}"}`);
        const slots = missed.get(f) ?? [];
        const id = ++msgId;
        const entries = slots.map((s) => `{"slot":${s},"value":${decidedValue[s % 1024]}}`).join(',');
        emit(
          `{"kind":"send","t":${t},"node":"${leader}","to":"${f}","id":${id},"msg":{"type":"catchup-reply","entries":[${entries}]}}`,
        );
        emit(
          `{"kind":"recv","t":${t + 2},"node":"${f}","from":"${leader}","id":${id},"msg":{"type":"catchup-reply","entries":[${entries}]}}`,
        );
        for (const s of slots)
          emit(`{"kind":"decide","t":${t + 2},"node":"${f}","slot":${s},"value":${decidedValue[s % 1024]}}`);
      }
      down.clear();
      missed.clear();
    }
    if (slot % 30_000 === 25_000) {
      emit(
        `{"kind":"fault","t":${t},"fault":"partition","id":"p${slot}","groups":[${JSON.stringify(nodes.slice(0, n - 1))},["${nodes[n - 1]}"]]}`,
      );
    }
    if (slot % 30_000 === 25_050) emit(`{"kind":"heal","t":${t},"id":"p${slot - 50}"}`);
    // Clients.
    const cmds: string[] = [];
    for (let b = 0; b < batch; b++) {
      const o = ++op;
      const key = `k${(o >> 1) % 8}`;
      const write = o % 2 === 0;
      emit(
        write
          ? `{"kind":"invoke","t":${t},"node":"${leader}","process":${o % 8},"op":${o},"f":"write","key":"${key}","value":${o}}`
          : `{"kind":"invoke","t":${t},"node":"${leader}","process":${o % 8},"op":${o},"f":"read","key":"${key}"}`,
      );
      cmds.push(
        write
          ? `{"f":"write","key":"${key}","value":${o},"op":${o},"client":${o % 8}}`
          : `{"f":"read","key":"${key}","op":${o},"client":${o % 8}}`,
      );
    }
    const value = `[${cmds.join(',')}]`;
    decidedValue[slot % 1024] = value;
    const partitioned = slot % 30_000 >= 25_000 && slot % 30_000 < 25_050;
    const live = nodes.slice(1).filter((f) => !down.has(f) && !(partitioned && f === nodes[n - 1]));
    // Phase 2.
    emit(
      `{"kind":"persist","t":${t},"node":"${leader}","vars":{"v.${slot}":{"ballot":${ballot},"value":${value}}}}`,
    );
    const ids: number[] = [];
    for (const f of nodes.slice(1)) {
      const id = ++msgId;
      ids.push(id);
      emit(
        `{"kind":"send","t":${t},"node":"${leader}","to":"${f}","id":${id},"msg":{"type":"accept","ballot":${ballot},"slot":${slot},"value":${value}}}`,
      );
    }
    for (let i = 0; i < n - 1; i++) {
      const f = nodes[i + 1] as string;
      if (!live.includes(f)) continue;
      emit(
        `{"kind":"recv","t":${t + 2},"node":"${f}","from":"${leader}","id":${ids[i]},"msg":{"type":"accept","ballot":${ballot},"slot":${slot},"value":${value}}}`,
      );
      emit(
        `{"kind":"persist","t":${t + 2},"node":"${f}","vars":{"v.${slot}":{"ballot":${ballot},"value":${value}}}}`,
      );
      const id = ++msgId;
      emit(
        `{"kind":"send","t":${t + 2},"node":"${f}","to":"${leader}","id":${id},"msg":{"type":"accepted","ballot":${ballot},"slot":${slot}}}`,
      );
      emit(
        `{"kind":"recv","t":${t + 4},"node":"${leader}","from":"${f}","id":${id},"msg":{"type":"accepted","ballot":${ballot},"slot":${slot}}}`,
      );
    }
    emit(
      `{"kind":"decide","t":${t + 4},"node":"${leader}","slot":${slot},"value":${value},"ballot":${ballot}}`,
    );
    for (let b = 0; b < batch; b++) {
      const o = op - batch + 1 + b;
      const key = `k${(o >> 1) % 8}`;
      // Even ops write, odd ops read; op 2m+1 reads the key op 2m wrote just before it.
      const last = o >= 3 ? String(o - 1) : 'null';
      emit(
        o % 2 === 0
          ? `{"kind":"ok","t":${t + 4},"node":"${leader}","process":${o % 8},"op":${o},"f":"write","key":"${key}","value":${o}}`
          : `{"kind":"ok","t":${t + 4},"node":"${leader}","process":${o % 8},"op":${o},"f":"read","key":"${key}","value":${last}}`,
      );
    }
    for (const f of nodes.slice(1)) {
      if (down.has(f)) {
        missed.get(f)?.push(slot);
        continue;
      }
      if (!live.includes(f)) {
        // Partitioned: catches up when the partition heals (decides arrive late, as catch-up).
        continue;
      }
      const id = ++msgId;
      emit(
        `{"kind":"send","t":${t + 4},"node":"${leader}","to":"${f}","id":${id},"msg":{"type":"decide","slot":${slot},"value":${value}}}`,
      );
      emit(
        `{"kind":"recv","t":${t + 6},"node":"${f}","from":"${leader}","id":${id},"msg":{"type":"decide","slot":${slot},"value":${value}}}`,
      );
      emit(`{"kind":"decide","t":${t + 6},"node":"${f}","slot":${slot},"value":${value}}`);
    }
    if (partitioned) {
      const f = nodes[n - 1] as string;
      const pending = pendingPartition.get(f) ?? [];
      pending.push(slot);
      pendingPartition.set(f, pending);
    } else {
      for (const [f, slots] of pendingPartition) {
        if (down.has(f)) continue;
        for (const s of slots)
          emit(`{"kind":"decide","t":${t + 6},"node":"${f}","slot":${s},"value":${decidedValue[s % 1024]}}`);
        pendingPartition.delete(f);
      }
    }
    if (slot % 10 === 0) {
      for (const f of nodes.slice(1)) {
        if (down.has(f)) continue;
        emit(`{"kind":"timer","t":${t + 6},"node":"${f}","name":"election","action":"set","after":300}`);
      }
    }
    t += 5;
  }
  writeSync(fd, buf);
  closeSync(fd);
  return count;
}

const pendingPartition = new Map<string, number[]>();
