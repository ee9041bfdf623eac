// The precompiled validators (validators.generated.ts) are what the generator makes of the schema
// now, and they judge every line exactly as validators compiled at run time from the same schemas
// would: same verdict, same errors (path, keyword, parameters, message, data, schema). A send or
// recv checked by its message type's validator gets the verdict and error sentences the
// protocol-wide validator gives.
import { readdirSync, readFileSync } from 'node:fs';
import { fc, test as fcTest } from '@fast-check/vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { describe, expect, test } from 'vitest';
import { fromAjv } from './check.js';
import { renderValidators, VALIDATORS_URL } from './scripts/codegen.js';
import { traceSchema, TYPED_PROTOCOLS } from './schema.js';
import {
  messageTypes,
  TRACE_AJV_OPTIONS,
  validatorId,
  validatorKeys,
  validatorSchema,
} from './validatorSchemas.js';
import { validators as generated } from './validators.generated.js';

const precompiled = generated as unknown as Record<string, ValidateFunction>;

const runtime: Record<string, ValidateFunction> = (() => {
  const ajv = new Ajv2020({ ...TRACE_AJV_OPTIONS });
  ajv.addSchema(traceSchema);
  return Object.fromEntries(
    validatorKeys().map((k) => [k, ajv.compile({ ...validatorSchema(k), $id: validatorId(k) })]),
  );
})();

/** Every line that parses as JSON in the corpus and the fixtures (at most 80 per file). */
const samples: unknown[] = (() => {
  const dirs = ['./corpus/', './__fixtures__/malformed/', './__fixtures__/'];
  const out: unknown[] = [];
  for (const dir of dirs.map((d) => new URL(d, import.meta.url))) {
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.ndjson'))) {
      const lines = readFileSync(new URL(name, dir), 'utf8').split('\n').slice(0, 80);
      for (const line of lines) {
        try {
          out.push(JSON.parse(line));
        } catch {
          // not JSON: the reader rejects it before any validator runs
        }
      }
    }
  }
  return out;
})();

/** Verdict and errors of validator `key` of one kind on `value`. */
function judge(validators: Record<string, ValidateFunction>, key: string, value: unknown): unknown {
  const v = validators[key]!;
  const ok = v(value);
  return { ok, errors: v.errors ?? null };
}

describe('precompiled trace validators', () => {
  test('validators.generated.ts equals what the generator makes of the schema now', () => {
    expect(readFileSync(VALIDATORS_URL, 'utf8')).toBe(renderValidators());
  });

  test('there is one per key', () => {
    expect(Object.keys(precompiled).sort()).toEqual(validatorKeys().sort());
  });

  test('judge every corpus and fixture line as run-time compiled ones do, under every key', () => {
    expect(samples.length).toBeGreaterThan(1000);
    let rejected = 0;
    for (const key of validatorKeys()) {
      for (const value of samples) {
        const want = judge(runtime, key, value);
        expect(judge(precompiled, key, value)).toEqual(want);
        if (!(want as { ok: boolean }).ok) rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(1000); // most lines are of another kind than most keys
  });

  // A sample with one field replaced, removed or added, anywhere in it.
  const json = fc.jsonValue({ maxDepth: 2 });
  const mutated = fc
    .tuple(fc.constantFrom(...samples), fc.nat(), fc.nat(), json, fc.constantFrom('set', 'delete', 'add'))
    .map(([sample, pick, keyPick, value, how]) => {
      const copy = structuredClone<unknown>(sample);
      const containers: Record<string, unknown>[] = [];
      const walk = (v: unknown): void => {
        if (v !== null && typeof v === 'object') {
          containers.push(v as Record<string, unknown>);
          for (const child of Object.values(v)) walk(child);
        }
      };
      walk(copy);
      if (containers.length === 0) return value;
      const target = containers[pick % containers.length]!;
      const keys = Object.keys(target);
      if (how === 'add' || keys.length === 0) target[`k${keyPick % 3}`] = value;
      else if (how === 'set') target[keys[keyPick % keys.length]!] = value;
      else if (Array.isArray(target)) target.splice(keyPick % target.length, 1);
      else delete target[keys[keyPick % keys.length]!];
      return copy;
    });

  fcTest.prop([mutated, fc.constantFrom(...validatorKeys())], { numRuns: 2000 })(
    'judge mutated lines as run-time compiled ones do',
    (value, key) => {
      expect(judge(precompiled, key, value)).toEqual(judge(runtime, key, value));
    },
  );

  /** The sentences the checker makes of validator `key`'s errors on `value` (none: valid). */
  const sentences = (key: string, value: unknown): unknown => {
    const v = precompiled[key]!;
    return v(value) ? [] : fromAjv(v.errors ?? [], 'invalid-event', 7);
  };

  fcTest.prop([mutated, fc.constantFrom(...TYPED_PROTOCOLS)], { numRuns: 3000 })(
    "a send or recv of a known message type: its type's validator says what the protocol's says",
    (value, protocol) => {
      const e = value as { kind?: unknown; msg?: { type?: unknown } };
      const kind = e?.kind === 'recv' ? 'recv' : 'send';
      const type = e?.msg?.type;
      const typed = `${kind}@${protocol}/${String(type)}`;
      if (typeof type !== 'string' || precompiled[typed] === undefined) return;
      expect(sentences(typed, value)).toEqual(sentences(`${kind}@${protocol}`, value));
    },
  );

  test('every message type of the typed protocols has its send and recv validator', () => {
    for (const p of TYPED_PROTOCOLS) {
      expect(messageTypes(p).length).toBeGreaterThan(3);
      for (const t of messageTypes(p)) {
        expect(precompiled[`send@${p}/${t}`]).toBeTypeOf('function');
        expect(precompiled[`recv@${p}/${t}`]).toBeTypeOf('function');
      }
    }
  });
});
