// Generates the artifacts derived from `traces/schema.ts`: the JSON Schema file that other
// implementations validate against, `traces/types.ts` (both formatted with the repository's
// prettier config), and `traces/validators.generated.ts`, the checker's ajv validators compiled
// ahead of time (not formatted: it is machine-read code). The committed files equal the
// generator's output byte for byte (traces/schema.test.ts).
import { Ajv2020 } from 'ajv/dist/2020.js';
import standalone from 'ajv/dist/standalone/index.js';
import { format, resolveConfig } from 'prettier';
import type { SchemaNode } from '../schema.js';
import { traceSchema } from '../schema.js';
import { TRACE_AJV_OPTIONS, validatorId, validatorKeys, validatorSchema } from '../validatorSchemas.js';

/** Where the generated files live. */
export const SCHEMA_JSON_URL = new URL('../schema/synod-trace.schema.json', import.meta.url);
export const TYPES_URL = new URL('../types.ts', import.meta.url);
export const VALIDATORS_URL = new URL('../validators.generated.ts', import.meta.url);

const EXTENSION_PATTERN = '^x-';

/**
 * TypeScript declarations for every titled definition of a schema (and the schema itself), for the
 * subset of JSON Schema that `schema.ts` uses: `$ref`, `const`, `enum`, `anyOf`, if/then dispatch
 * (a union of the `then` branches), primitive types, arrays, and objects with or without extra keys.
 */
export function schemaToTypes(root: SchemaNode): string {
  const defs = root.$defs ?? {};
  const defOf = (ref: string): SchemaNode => {
    const m = /^#\/\$defs\/(.+)$/.exec(ref);
    const def = m === null ? undefined : defs[m[1]!];
    if (def === undefined) throw new Error(`unresolvable $ref ${ref}`);
    return def;
  };

  const doc = (text: string | undefined, indent: string): string =>
    text === undefined ? '' : `${indent}/** ${text.replace(/\*\//g, '*\\/')} */\n`;

  const union = (parts: string[]): string => {
    const unique = [...new Set(parts)];
    return unique.includes('unknown') ? 'unknown' : unique.join(' | ');
  };

  const literal = (v: string | number | boolean): string => JSON.stringify(v);

  const typeOf = (node: SchemaNode): string => {
    if (node.$ref !== undefined) {
      const def = defOf(node.$ref);
      return def.title ?? typeOf(def);
    }
    if (node.const !== undefined) return literal(node.const);
    if (node.enum !== undefined) return union(node.enum.map(literal));
    if (node.anyOf !== undefined) return union(node.anyOf.map(typeOf));
    if (node.allOf !== undefined && node.allOf.every((b) => b.then !== undefined)) {
      return union(node.allOf.map((b) => typeOf(b.then!)));
    }
    if (node.then !== undefined && node.else !== undefined)
      return union([typeOf(node.then), typeOf(node.else)]);
    if (node.pattern === EXTENSION_PATTERN) return '`x-${string}`';
    const types = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
    if (types.length === 0) return 'unknown';
    return union(types.map((t) => primitive(t, node)));
  };

  const primitive = (t: string, node: SchemaNode): string => {
    switch (t) {
      case 'string':
        return 'string';
      case 'number':
      case 'integer':
        return 'number';
      case 'boolean':
        return 'boolean';
      case 'null':
        return 'null';
      case 'array': {
        const item = node.items === undefined ? 'unknown' : typeOf(node.items);
        return /[|&]/.test(item) ? `(${item})[]` : `${item}[]`;
      }
      case 'object':
        return objectType(node);
      default:
        throw new Error(`unsupported type ${t}`);
    }
  };

  /** A property's doc: its own description, else that of the definition it refers to. */
  const describe = (prop: SchemaNode): string | undefined =>
    prop.description ?? (prop.$ref === undefined ? undefined : defOf(prop.$ref).description);

  const objectType = (node: SchemaNode): string => {
    const props = Object.entries(node.properties ?? {});
    const extra = node.additionalProperties;
    if (props.length === 0) return `Record<string, ${typeof extra === 'object' ? typeOf(extra) : 'unknown'}>`;
    const required = new Set(node.required ?? []);
    let out = '{\n';
    for (const [name, prop] of props) {
      out += doc(describe(prop), '  ');
      out += `  ${name}${required.has(name) ? '' : '?'}: ${typeOf(prop)};\n`;
    }
    if (extra === true || extra === undefined) out += '  [field: string]: unknown;\n';
    return out + '}';
  };

  // Type aliases rather than interfaces: they have implicit index signatures, so a PaxosPrepare is
  // assignable to the open Message type (and any event to Record<string, unknown>).
  const declare = (node: SchemaNode): string => {
    const { title, ...body } = node;
    return title === undefined
      ? ''
      : `${doc(node.description, '')}export type ${title} = ${typeOf(body)};\n\n`;
  };

  let out =
    '// Generated from traces/schema.ts by traces/scripts/generate.ts: do not edit by hand.\n' +
    '// Run `npx tsx traces/scripts/generate.ts` after changing the schema; a test checks this file is current.\n\n';
  out += declare({ ...root, $defs: undefined });
  for (const node of Object.values(defs)) out += declare(node);
  return out;
}

async function prettify(text: string, url: URL): Promise<string> {
  const filepath = url.pathname;
  const config = (await resolveConfig(filepath)) ?? {};
  return format(text, { ...config, filepath });
}

/** The JSON Schema file's expected content. */
export function renderSchemaJson(): Promise<string> {
  return prettify(JSON.stringify(traceSchema, null, 2) + '\n', SCHEMA_JSON_URL);
}

/** `types.ts`'s expected content. */
export function renderTypes(): Promise<string> {
  return prettify(schemaToTypes(traceSchema), TYPES_URL);
}

/**
 * `validators.generated.ts`'s expected content: ajv's standalone code for every validator of
 * traces/validatorSchemas.ts, exported as `validators` (key -> function). ajv writes `require()`
 * for its runtime helpers even in ES-module mode, so the module makes a `require` of its own (an
 * import of the CommonJS helper would be read differently by Node and by bundlers).
 */
export function renderValidators(): string {
  const ajv = new Ajv2020({ ...TRACE_AJV_OPTIONS, code: { source: true, esm: true } });
  ajv.addSchema(traceSchema);
  const exports: Record<string, string> = {};
  const keys = validatorKeys();
  keys.forEach((key, i) => {
    const id = validatorId(key);
    ajv.addSchema({ ...validatorSchema(key), $id: id });
    exports[`v${i}`] = id;
  });
  const code = standalone.default(ajv, exports).replace(/^"use strict";/, '');
  const table = keys.map((key, i) => `  ${JSON.stringify(key)}: v${i},\n`).join('');
  return (
    '// GENERATED by traces/scripts/generate.ts from traces/schema.ts and traces/validatorSchemas.ts:\n' +
    "// do not edit. The trace checker's ajv validators, compiled ahead of time (ajv standalone code).\n" +
    '// @ts-nocheck\n' +
    '/* eslint-disable */\n' +
    "import { createRequire } from 'node:module';\n" +
    'const require = createRequire(import.meta.url);\n' +
    code +
    '\n/** The validators by key (see validatorKeys()). */\n' +
    `export const validators = {\n${table}};\n`
  );
}
