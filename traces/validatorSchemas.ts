// The schemas the trace checker validates lines against, one per key, and the ajv options it uses.
// Shared by the checker (traces/check.ts), which runs the validators precompiled from them, and by
// the generator (traces/scripts/codegen.ts), which compiles them once into validators.generated.ts:
// compiling them with ajv at startup took ~0.2 s of every process (and of every worker thread).
import { EVENT_KINDS, SCHEMA_ID, TYPED_PROTOCOLS, traceSchema, type SchemaNode } from './schema.js';

/** The ajv options of every trace validator (verbose: the error messages read `parentSchema` and `data`). */
export const TRACE_AJV_OPTIONS = {
  strict: true,
  allErrors: true,
  verbose: true,
  allowUnionTypes: true,
} as const;

const defRef = (def: string): string => `${SCHEMA_ID}#/$defs/${def}`;

/** The message types the schema defines for a typed protocol (`$defs` named `<protocol>.<type>`). */
export function messageTypes(protocol: string): string[] {
  const prefix = `${protocol}.`;
  return Object.keys(traceSchema.$defs ?? {})
    .filter((d) => d.startsWith(prefix))
    .map((d) => d.slice(prefix.length));
}

/**
 * Every validator key: `header`, each event kind, `extension` (any `x-` event), `send@P` and
 * `recv@P` for each protocol P whose messages the schema types, and `send@P/T`, `recv@P/T` for each
 * of P's message types T. The last ones check a message of a known type against that type's schema
 * alone (half the work of `send@P`, which tries every type's `if`); for such a message they give
 * the same verdict and errors as `send@P` (traces/validators.test.ts).
 */
export function validatorKeys(): string[] {
  return [
    'header',
    ...EVENT_KINDS,
    'extension',
    ...TYPED_PROTOCOLS.flatMap((p) => [
      `send@${p}`,
      `recv@${p}`,
      ...messageTypes(p).flatMap((t) => [`send@${p}/${t}`, `recv@${p}/${t}`]),
    ]),
  ];
}

/** The `$id` validator `key` is compiled under (ajv's errors show it in a top-level `parentSchema`). */
export const validatorId = (key: string): string => `synod-validator:${key}`;

/** The schema of validator `key` (it refers into the trace schema, `SCHEMA_ID`). */
export function validatorSchema(key: string): SchemaNode {
  if (key === 'header') return { $ref: defRef('header') };
  if (key === 'extension') return { $ref: defRef('event.extension') };
  const at = key.indexOf('@');
  if (at !== -1) {
    // Under a typed protocol, send/recv also check the message body: any of the protocol's
    // messages (`send@P`), or one type of them (`send@P/T`).
    const kind = key.slice(0, at);
    const [protocol, type] = key.slice(at + 1).split('/');
    return {
      type: 'object',
      allOf: [{ $ref: defRef(`event.${kind}`) }],
      properties: {
        msg: { $ref: defRef(type === undefined ? `message.${protocol}` : `${protocol}.${type}`) },
      },
    };
  }
  return { $ref: defRef(`event.${key}`) };
}
