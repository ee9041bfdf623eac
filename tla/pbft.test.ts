// Checks of the PBFT twin without TLC: tla/PBFT.tla parses (tree-sitter-tlaplus), its header names
// spec/pbft/pbft.ts, every PBFT*.cfg assigns exactly the module's CONSTANTS and checks invariants
// named like the TypeScript properties, and each config promises what synod's checker finds.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Parser from 'tree-sitter';
import TLA from '@tlaplus/tree-sitter-tlaplus';
import { describe, expect, test } from 'vitest';
import { check, type Model } from '../model-check/index.js';
import {
  pbft,
  pbftSpecEntry,
  type PbftAction,
  type PbftState,
  type PbftVariant,
} from '../spec/pbft/index.js';

const TLA_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(TLA_DIR);
const MODULE = 'tla/PBFT.tla';
/** Configs too large for the test suite (about a minute each); their figures are checked by hand. */
const SLOW = new Set(['tla/PBFT.cfg']);

const parser = new Parser();
parser.setLanguage(TLA);

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const configs = readdirSync(TLA_DIR)
  .filter((f) => /^PBFT(_\w+)?\.cfg$/.test(f))
  .map((f) => `tla/${f}`)
  .sort();
const moduleText = read(MODULE);
const tree = parser.parse(moduleText);

/** The first ERROR or MISSING node, as `line:column`, or null. */
function firstSyntaxError(root: Parser.SyntaxNode): string | null {
  if (!root.hasError) return null;
  const visit = (node: Parser.SyntaxNode): Parser.SyntaxNode | null => {
    if (node.isError || node.isMissing) return node;
    if (!node.hasError) return null;
    for (const child of node.children) {
      const bad = visit(child);
      if (bad !== null) return bad;
    }
    return null;
  };
  const bad = visit(root) ?? root;
  return `${bad.startPosition.row + 1}:${bad.startPosition.column + 1}`;
}

/** The CONSTANTS the module declares. */
const constants = tree.rootNode
  .descendantsOfType('constant_declaration')
  .flatMap((d) => d.namedChildren.filter((c) => c.type === 'identifier').map((c) => c.text));

/** The operators the module defines. */
const definitions = new Set(
  tree.rootNode
    .descendantsOfType('operator_definition')
    .map((d) => d.childForFieldName('name')?.text)
    .filter((n): n is string => n !== undefined),
);

/** The block comment right after the MODULE line. */
const header = tree.rootNode.descendantsOfType('block_comment')[0]?.text ?? '';

interface Cfg {
  constants: Map<string, string>;
  /** Names listed under each keyword (SPECIFICATION, INVARIANTS, ...). */
  sections: Map<string, string[]>;
  /** The leading `\*` comment lines. */
  header: string;
}

/** A TLC config read textually (the subset of the syntax these configs use). */
function parseCfg(text: string): Cfg {
  const cfg: Cfg = { constants: new Map(), sections: new Map(), header: '' };
  const head: string[] = [];
  let keyword: string | undefined;
  for (const raw of text.split('\n')) {
    if (keyword === undefined && raw.startsWith('\\*')) head.push(raw.slice(2).trim());
    const line = raw.replace(/\\\*.*$/, '').trim();
    if (line === '') continue;
    const kw = /^([A-Z_]+)\b\s*(.*)$/.exec(line);
    let rest = line;
    if (
      kw !== null &&
      /^(CONSTANTS?|SPECIFICATION|INVARIANTS?|PROPERTY|PROPERTIES|INIT|NEXT)$/.test(kw[1]!)
    ) {
      keyword = kw[1]!.replace(/S$/, '');
      rest = kw[2]!;
      if (rest === '') continue;
    }
    if (keyword === undefined) throw new Error(`text before the first keyword: ${raw}`);
    if (keyword === 'CONSTANT') {
      const assign = /^(\w+)\s*=\s*(.+)$/.exec(rest);
      if (assign === null) throw new Error(`cannot read the constant assignment ${raw}`);
      cfg.constants.set(assign[1]!, assign[2]!.trim());
    } else {
      cfg.sections.set(keyword, [...(cfg.sections.get(keyword) ?? []), ...rest.split(/[\s,]+/)]);
    }
  }
  cfg.header = head.join('\n');
  return cfg;
}

/** The constants of the TypeScript twin for a config. */
function tsConstants(cfg: Cfg): {
  replicas: number;
  faulty: number;
  maxView: number;
  maxSeq: number;
  requests: number;
  variant: PbftVariant;
} {
  const set = /^\{(.*)\}$/.exec(cfg.constants.get('ClientRequest') ?? '');
  if (set === null) throw new Error('ClientRequest must be a set literal');
  return {
    replicas: Number(cfg.constants.get('NumReplicas')),
    faulty: Number(cfg.constants.get('NumFaulty')),
    maxView: Number(cfg.constants.get('MaxView')),
    maxSeq: Number(cfg.constants.get('MaxSeq')),
    requests: set[1]!.trim() === '' ? 0 : set[1]!.split(',').length,
    variant: JSON.parse(cfg.constants.get('Variant') ?? '""') as PbftVariant,
  };
}

const alwaysNames = pbft({ replicas: 4, faulty: 1, maxView: 1, maxSeq: 1, requests: 1 })
  .properties.filter((p) => p.kind === 'always')
  .map((p) => p.name);
const sometimesNames = pbft({ replicas: 4, faulty: 1, maxView: 1, maxSeq: 1, requests: 1 })
  .properties.filter((p) => p.kind === 'sometimes')
  .map((p) => p.name);

describe('tla/PBFT.tla', () => {
  test('parses without syntax errors', () => {
    expect(firstSyntaxError(tree.rootNode)).toBeNull();
  });

  test('its header names the TypeScript twin, which exists', () => {
    expect(header).toContain('spec/pbft/pbft.ts');
    expect(existsSync(join(ROOT, 'spec/pbft/pbft.ts'))).toBe(true);
    expect(pbftSpecEntry.tla).toBe(MODULE);
  });

  test('declares the constants the configs assign', () => {
    expect(constants).toEqual([
      'NumReplicas',
      'NumFaulty',
      'MaxView',
      'MaxSeq',
      'ClientRequest',
      'Null',
      'Free',
      'Variant',
    ]);
  });

  test('defines every property of the TypeScript twin, and an action per action kind', () => {
    for (const name of [...alwaysNames, ...sometimesNames, 'TypeOK', 'Init', 'Next', 'Spec']) {
      expect(definitions.has(name), `${name} is not defined in ${MODULE}`).toBe(true);
    }
    const kinds: PbftAction['kind'][] = [
      'Request',
      'PrePrepare',
      'Prepare',
      'Commit',
      'ViewChange',
      'NewView',
      'AcceptNewView',
    ];
    for (const kind of kinds) expect(definitions.has(kind), `action ${kind} is not defined`).toBe(true);
  });

  test('names the variants of the TypeScript twin', () => {
    for (const v of pbftSpecEntry.variants) expect(moduleText).toContain(`"${v.name}"`);
  });
});

describe('the PBFT configs', () => {
  test('are the headline instance, a small one and one per known-bad variant', () => {
    expect(configs).toEqual([
      'tla/PBFT.cfg',
      'tla/PBFT_ignore_prepared.cfg',
      'tla/PBFT_small.cfg',
      'tla/PBFT_small_quorums.cfg',
    ]);
    expect(tsConstants(parseCfg(read('tla/PBFT.cfg')))).toEqual({
      replicas: 4,
      faulty: 1,
      maxView: 1,
      maxSeq: 2,
      requests: 2,
      variant: 'correct',
    });
  });

  test.each(configs)('%s assigns exactly the module constants and checks the twin invariants', (path) => {
    const cfg = parseCfg(read(path));
    expect([...cfg.constants.keys()].sort()).toEqual([...constants].sort());
    expect(cfg.constants.get('Null')).toBe('Null');
    expect(cfg.constants.get('Free')).toBe('Free');
    expect(cfg.sections.get('SPECIFICATION')).toEqual(['Spec']);
    const invariants = cfg.sections.get('INVARIANT') ?? [];
    expect(invariants[0]).toBe('TypeOK');
    for (const name of invariants)
      expect(definitions.has(name), `${path}: ${name} is not defined`).toBe(true);
    for (const name of invariants.slice(1)) expect(alwaysNames).toContain(name);
    if (tsConstants(cfg).variant === 'correct') expect(invariants.slice(1)).toEqual(alwaysNames);
  });

  test.each(configs)('%s: its header names the twin and the synod command for the same instance', (path) => {
    const cfg = parseCfg(read(path));
    expect(cfg.header).toContain('spec/pbft/pbft.ts');
    expect(cfg.header).toMatch(/Expected with TLC:/);
    const command = /npx synod check pbft (.*)$/m.exec(cfg.header);
    expect(command, `${path}: no synod command in the header`).not.toBeNull();
    const args = command![1]!.trim().split(/\s+/);
    const given: Record<string, string> = {};
    for (let k = 0; k < args.length; k += 2) given[args[k]!] = args[k + 1]!;
    const { variant, ...numbers } = tsConstants(cfg);
    for (const c of pbftSpecEntry.constants) {
      expect(Number(given[c.flag]), `${path}: ${c.flag}`).toBe(numbers[c.name as keyof typeof numbers]);
    }
    expect(given['--variant'] ?? 'correct').toBe(variant);
  });
});

describe('the PBFT configs promise what synod check finds on the same instance', () => {
  test.each(configs.filter((c) => !SLOW.has(c)))('%s', (path) => {
    const cfg = parseCfg(read(path));
    const full = pbft(tsConstants(cfg));
    const invariants = new Set(cfg.sections.get('INVARIANT') ?? []);
    const model: Model<PbftState, PbftAction> = {
      ...full,
      properties: full.properties.filter((p) => p.kind === 'sometimes' || invariants.has(p.name)),
    };
    const result = check(model);
    const figures = /Expected with TLC: no error; ([\d,]+) distinct states; depth (\d+)\./.exec(cfg.header);
    if (figures !== null) {
      expect(result.status).toBe('ok');
      expect(result.stats.distinctStates).toBe(Number(figures[1]!.replaceAll(',', '')));
      expect(result.stats.depth).toBe(Number(figures[2]));
      return;
    }
    const violated = /Expected with TLC: Error: Invariant (\w+) is violated\./.exec(cfg.header);
    expect(violated, `${path}: the header states no expected result`).not.toBeNull();
    if (result.status !== 'violation') throw new Error(`${path}: expected a violation, got ${result.status}`);
    expect(result.property.name).toBe(violated![1]);
    const steps = /shortest counterexample of (\d+) steps/.exec(cfg.header);
    expect(steps).not.toBeNull();
    expect(result.counterexample!.steps.length - 1).toBe(Number(steps![1]));
  });
});
