// Checks of the TLA+ twins without TLC: every module parses (tree-sitter-tlaplus), every config
// names only what its module declares or defines, every header names its TypeScript twin, and the
// figures each config promises are the ones synod's own checker finds on the same instance.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import Parser from 'tree-sitter';
import TLA from '@tlaplus/tree-sitter-tlaplus';
import { describe, expect, test } from 'vitest';
import { check, type AnyModel } from '../model-check/index.js';
import { adaptive, paxos, type QuorumMode } from '../spec/index.js';

const TLA_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(TLA_DIR);

const parser = new Parser();
parser.setLanguage(TLA);

/** Files under tla/ (recursively) whose name ends with `ext`, as paths relative to the package root. */
function filesWith(ext: string): string[] {
  return readdirSync(TLA_DIR, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(ext))
    .map((f) => relative(ROOT, join(TLA_DIR, f)))
    .sort();
}

/** The first ERROR or MISSING node in document order, as `line:column` (both 1-based), or null. */
function firstSyntaxError(text: string): string | null {
  const tree = parser.parse(text);
  if (!tree.rootNode.hasError) return null;
  const visit = (node: Parser.SyntaxNode): Parser.SyntaxNode | null => {
    if (node.isError || node.isMissing) return node;
    if (!node.hasError) return null;
    for (const child of node.children) {
      const bad = visit(child);
      if (bad !== null) return bad;
    }
    return null;
  };
  const bad = visit(tree.rootNode) ?? tree.rootNode;
  const { row, column } = bad.startPosition;
  const what = bad.isMissing ? `missing ${bad.type}` : 'syntax error';
  return `${row + 1}:${column + 1}: ${what}`;
}

/** Names a module declares (CONSTANTS, VARIABLES) or defines (operators, functions), from its parse tree. */
function declaredNames(text: string): Set<string> {
  const names = new Set<string>();
  const visit = (node: Parser.SyntaxNode): void => {
    switch (node.type) {
      case 'constant_declaration':
      case 'variable_declaration':
        for (const child of node.namedChildren) {
          if (child.type === 'identifier') names.add(child.text);
          // A constant declared with arity, such as `F(_)`, is an operator_declaration.
          const name = child.childForFieldName('name');
          if (name !== null) names.add(name.text);
        }
        return;
      case 'operator_definition':
      case 'function_definition': {
        const name = node.childForFieldName('name');
        if (name !== null) names.add(name.text);
        return;
      }
      default:
        for (const child of node.namedChildren) visit(child);
    }
  };
  visit(parser.parse(text).rootNode);
  return names;
}

/** The CONSTANTS a module declares (the ones a config must assign). */
function declaredConstants(text: string): string[] {
  const out: string[] = [];
  for (const decl of parser.parse(text).rootNode.descendantsOfType('constant_declaration')) {
    for (const child of decl.namedChildren) if (child.type === 'identifier') out.push(child.text);
  }
  return out;
}

/** The comments that open a module, right after its `---- MODULE Name ----` line. */
function headerComment(text: string): string {
  const module = parser.parse(text).rootNode.descendantsOfType('module')[0];
  if (module === undefined) return '';
  const parts: string[] = [];
  let headerLines = 0;
  for (const child of module.children) {
    if (child.type === 'header_line') headerLines++;
    else if (headerLines < 2) continue;
    else if (child.type === 'block_comment' || child.type === 'comment') parts.push(child.text);
    else break;
  }
  return parts.join('\n');
}

/** A TLC config read textually: constant assignments and the names listed under each keyword. */
interface Cfg {
  /** `Name = value` and `Name <- Definition`, by name. */
  constants: Map<string, string>;
  /** Every identifier a keyword section names (INVARIANT TypeOK, SPECIFICATION Spec, ...). */
  referenced: { keyword: string; name: string }[];
  /** The `\*` comment lines before the first keyword. */
  header: string;
}

const KEYWORD =
  /^(CONSTANTS?|INIT|NEXT|SPECIFICATION|INVARIANTS?|PROPERTY|PROPERTIES|SYMMETRY|CONSTRAINTS?|ACTION_CONSTRAINTS?|VIEW|ALIAS|POSTCONDITION|CHECK_DEADLOCK)\b/;

function parseCfg(text: string): Cfg {
  const header: string[] = [];
  let seenKeyword = false;
  const body: string[] = [];
  for (const line of text.split('\n')) {
    const comment = line.indexOf('\\*');
    if (!seenKeyword && comment === 0) header.push(line.slice(2).trim());
    const code = (comment >= 0 ? line.slice(0, comment) : line).trim();
    if (code === '') continue;
    if (KEYWORD.test(code)) seenKeyword = true;
    body.push(code);
  }
  const constants = new Map<string, string>();
  const referenced: Cfg['referenced'] = [];
  let keyword = '';
  for (const raw of body) {
    let line = raw;
    const k = KEYWORD.exec(line);
    if (k !== null) {
      keyword = k[1]!;
      line = line.slice(k[0].length).trim();
      if (line === '') continue;
    }
    if (keyword.startsWith('CONSTANT')) {
      const assign = /^([A-Za-z_]\w*)\s*(=|<-)\s*(.+)$/.exec(line);
      if (assign === null) throw new Error(`cannot read the constant assignment ${JSON.stringify(raw)}`);
      constants.set(assign[1]!, assign[3]!.trim());
    } else if (keyword === 'CHECK_DEADLOCK') {
      continue;
    } else {
      for (const name of line.split(/[\s,]+/)) if (name !== '') referenced.push({ keyword, name });
    }
  }
  return { constants, referenced, header: header.join('\n') };
}

/** The module a config belongs to: the longest `X.tla` in the same folder with the config named `X.cfg` or `X_*.cfg`. */
function moduleOf(cfgPath: string): string | undefined {
  const dir = dirname(cfgPath);
  const base = basename(cfgPath, '.cfg');
  return filesWith('.tla')
    .filter((t) => dirname(t) === dir)
    .map((t) => basename(t, '.tla'))
    .filter((m) => base === m || base.startsWith(`${m}_`))
    .sort((a, b) => b.length - a.length)
    .map((m) => join(dir, `${m}.tla`))[0];
}

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

describe('the TLA+ syntax check itself', () => {
  test('accepts a well-formed module', () => {
    const ok = "---- MODULE Ok ----\nEXTENDS Naturals\nVARIABLE x\nInit == x = 0\nNext == x' = x + 1\n====\n";
    expect(firstSyntaxError(ok)).toBeNull();
  });

  test('reports a broken module, with the line and column of the first bad node', () => {
    const broken = [
      '---- MODULE Broken ----',
      'VARIABLE x',
      'Init == x = 0',
      "Next == x' = x +", // the right operand is missing
      '====',
      '',
    ].join('\n');
    const error = firstSyntaxError(broken);
    expect(error).not.toBeNull();
    expect(error).toMatch(/^\d+:\d+: (syntax error|missing \w+)$/);
    const line = Number(error!.split(':')[0]);
    expect(line).toBeGreaterThanOrEqual(1);
    expect(line).toBeLessThanOrEqual(5);
  });

  test('reports an unterminated module (no ==== line)', () => {
    expect(firstSyntaxError('---- MODULE Cut ----\nVARIABLE x\nInit == x = \n')).not.toBeNull();
  });
});

describe('tla/', () => {
  const modules = filesWith('.tla');
  const configs = filesWith('.cfg');

  test('has the Paxos twin and its three configs', () => {
    expect(modules).toContain('tla/Paxos.tla');
    expect(configs).toEqual(
      expect.arrayContaining(['tla/Paxos.cfg', 'tla/Paxos_small.cfg', 'tla/Paxos_ignore_promises.cfg']),
    );
  });

  test('has the AdaptiveQuorums twin and its three configs', () => {
    expect(modules).toContain('tla/AdaptiveQuorums.tla');
    expect(configs).toEqual(
      expect.arrayContaining([
        'tla/AdaptiveQuorums_fpaxos.cfg',
        'tla/AdaptiveQuorums_switch.cfg',
        'tla/AdaptiveQuorums_own_pair.cfg',
      ]),
    );
  });

  test.each(modules)('%s parses without syntax errors', (path) => {
    const error = firstSyntaxError(read(path));
    // On failure the message reads like `tla/Paxos.tla:12:5: syntax error`.
    expect(error, `${path}:${error ?? ''}`).toBeNull();
  });

  test.each(modules)('%s names its TypeScript twin in its header, and the twin exists', (path) => {
    const header = headerComment(read(path));
    expect(header, `${path} has no header comment`).not.toBe('');
    const twin = /\bspec\/[\w/-]+\.ts\b/.exec(header);
    expect(twin, `${path}: the header comment must name its twin under spec/`).not.toBeNull();
    expect(existsSync(join(ROOT, twin![0])), `${path}: twin ${twin![0]} does not exist`).toBe(true);
  });

  test.each(configs)('%s assigns every constant and names only what its module defines', (path) => {
    const module = moduleOf(path);
    expect(module, `${path}: no module X.tla for this config`).toBeDefined();
    const text = read(module!);
    const names = declaredNames(text);
    const cfg = parseCfg(read(path));
    for (const name of cfg.constants.keys()) {
      expect(names.has(name), `${path}: constant ${name} is not declared in ${module}`).toBe(true);
    }
    for (const c of declaredConstants(text)) {
      expect(cfg.constants.has(c), `${path}: constant ${c} of ${module} has no value`).toBe(true);
    }
    expect(cfg.referenced.length).toBeGreaterThan(0);
    for (const { keyword, name } of cfg.referenced) {
      expect(names.has(name), `${path}: ${keyword} ${name} is not defined in ${module}`).toBe(true);
    }
  });

  test.each(configs)('%s has a header naming its twin and the expected result', (path) => {
    const { header } = parseCfg(read(path));
    const twin = /\bspec\/[\w/-]+\.ts\b/.exec(header);
    expect(twin, `${path}: the header must name the TypeScript twin`).not.toBeNull();
    expect(existsSync(join(ROOT, twin![0]))).toBe(true);
    expect(header).toMatch(/Expected with TLC:/);
  });
});

/** A finite set literal of model values, such as `{a1, a2, a3}`: its size. */
function setSize(literal: string | undefined): number {
  const inner = /^\{(.*)\}$/.exec(literal?.trim() ?? '');
  if (inner === null) throw new Error(`expected a set literal, got ${String(literal)}`);
  return inner[1]!.trim() === '' ? 0 : inner[1]!.split(',').length;
}

describe('the Paxos configs promise what synod check finds on the same instance', () => {
  test.each(filesWith('.cfg').filter((c) => moduleOf(c) === 'tla/Paxos.tla'))('%s', (path) => {
    const cfg = parseCfg(read(path));
    const model = paxos({
      acceptors: setSize(cfg.constants.get('Acceptor')),
      values: setSize(cfg.constants.get('Value')),
      maxBallot: Number(cfg.constants.get('MaxBallot')),
      variant: cfg.constants.get('IgnorePromises') === 'TRUE' ? 'ignore-promises' : 'correct',
    });
    const result = check(model);
    const figures = /Expected with TLC: no error; ([\d,]+) distinct states; depth (\d+)\./.exec(cfg.header);
    if (figures !== null) {
      expect(result.status).toBe('ok');
      expect(result.stats.distinctStates).toBe(Number(figures[1]!.replaceAll(',', '')));
      expect(result.stats.depth).toBe(Number(figures[2]));
    } else {
      const violated = /Expected with TLC: Error: Invariant (\w+) is violated\./.exec(cfg.header);
      expect(violated, `${path}: the header states no expected figures`).not.toBeNull();
      expect(result.status).toBe('violation');
      if (result.status === 'violation') expect(result.property.name).toBe(violated![1]);
    }
  });
});

/** The members of a set literal of model values, such as `{a1, a2, a3}`, in the order written. */
function setMembers(literal: string | undefined): string[] {
  const inner = /^\{(.*)\}$/.exec(literal?.trim() ?? '');
  if (inner === null) throw new Error(`expected a set literal, got ${String(literal)}`);
  return inner[1]!.trim() === '' ? [] : inner[1]!.split(',').map((x) => x.trim());
}

/** A set of sets of model values, such as `{{m, a1}, {m, a2}}`: its inner sets. */
function setOfSets(literal: string | undefined): string[][] {
  const inner = /^\{(.*)\}$/.exec(literal?.trim() ?? '');
  if (inner === null) throw new Error(`expected a set literal, got ${String(literal)}`);
  return [...inner[1]!.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!.split(',').map((x) => x.trim()));
}

/** The menu of an AdaptiveQuorums config: Quorum1/Quorum2 list quorums tagged with their mode. */
function menuOf(cfg: Cfg): QuorumMode[] {
  const acceptors = setMembers(cfg.constants.get('Acceptor'));
  const family = (tagged: string[][], mode: string): number[][] =>
    tagged
      .filter((t) => t.includes(mode))
      .map((t) => t.filter((x) => x !== mode).map((a) => acceptors.indexOf(a)));
  const q1 = setOfSets(cfg.constants.get('Quorum1'));
  const q2 = setOfSets(cfg.constants.get('Quorum2'));
  return setMembers(cfg.constants.get('Mode')).map((name) => ({
    name,
    q1: family(q1, name),
    q2: family(q2, name),
  }));
}

/** Check a config's promised figures against synod's checker on the model built from it. */
function expectFigures(path: string, cfg: Cfg, model: AnyModel): void {
  const result = check(model);
  const figures = /Expected with TLC: no error; ([\d,]+) distinct states; depth (\d+)\./.exec(cfg.header);
  if (figures !== null) {
    expect(result.status).toBe('ok');
    expect(result.stats.distinctStates).toBe(Number(figures[1]!.replaceAll(',', '')));
    expect(result.stats.depth).toBe(Number(figures[2]));
  } else {
    const violated = /Expected with TLC: Error: Invariant (\w+) is violated\./.exec(cfg.header);
    expect(violated, `${path}: the header states no expected figures`).not.toBeNull();
    expect(result.status).toBe('violation');
    if (result.status === 'violation') expect(result.property.name).toBe(violated![1]);
    const steps = /shortest counterexample of (\d+) steps/.exec(cfg.header);
    if (steps !== null && result.status === 'violation') {
      expect(result.counterexample!.replay.length - 1).toBe(Number(steps[1]));
    }
  }
}

describe('the AdaptiveQuorums configs promise what synod check finds on the same instance', () => {
  test('the tagged quorums of a config read back as the menu', () => {
    expect(menuOf(parseCfg(read('tla/AdaptiveQuorums_switch.cfg')))).toEqual([
      { name: 'routine', q1: [[0, 1, 2]], q2: [[0], [1], [2]] },
      { name: 'critical', q1: [[0], [1], [2]], q2: [[0, 1, 2]] },
    ]);
  });

  test.each(filesWith('.cfg').filter((c) => moduleOf(c) === 'tla/AdaptiveQuorums.tla'))('%s', (path) => {
    const cfg = parseCfg(read(path));
    const model = adaptive({
      acceptors: setSize(cfg.constants.get('Acceptor')),
      values: setSize(cfg.constants.get('Value')),
      maxBallot: Number(cfg.constants.get('MaxBallot')),
      modes: menuOf(cfg),
      variant: cfg.constants.get('OwnPairOnly') === 'TRUE' ? 'own-pair' : 'correct',
    });
    expectFigures(path, cfg, model as AnyModel);
  });
});

describe('each TLA+ module defines the actions and invariants of its TypeScript twin', () => {
  /** The kinds of every action the model enables over its reachable states. */
  function actionKinds(model: AnyModel): string[] {
    const kinds = new Set<string>();
    check({
      ...model,
      actions(state: unknown, out: unknown[]) {
        model.actions(state, out);
        for (const a of out) kinds.add((a as { kind: string }).kind);
      },
    });
    return [...kinds].sort();
  }

  test.each([
    ['tla/Paxos.tla', paxos({ acceptors: 2, values: 2, maxBallot: 1 }) as AnyModel],
    [
      'tla/AdaptiveQuorums.tla',
      adaptive({
        acceptors: 3,
        values: 2,
        maxBallot: 1,
        modes: [
          { name: 'routine', q1: [[0, 1, 2]], q2: [[0], [1], [2]] },
          { name: 'critical', q1: [[0], [1], [2]], q2: [[0, 1, 2]] },
        ],
      }) as AnyModel,
    ],
  ])('%s', (path, model) => {
    const names = declaredNames(read(path));
    const kinds = actionKinds(model);
    expect(kinds).toEqual(['Phase1a', 'Phase1b', 'Phase2a', 'Phase2b']);
    for (const kind of kinds) expect(names.has(kind), `${path} does not define ${kind}`).toBe(true);
    for (const p of model.properties.filter((x) => x.kind === 'always')) {
      expect(names.has(p.name), `${path} does not define the invariant ${p.name}`).toBe(true);
    }
  });

  test('AdaptiveQuorums.tla also defines the reachability property ValueChosen', () => {
    expect(declaredNames(read('tla/AdaptiveQuorums.tla')).has('ValueChosen')).toBe(true);
  });
});
