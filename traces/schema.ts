// The synod-trace JSON Schema (version 1) as a TypeScript value: the one source of truth for the
// format. `schema/synod-trace.schema.json` and `types.ts` are generated from it by
// `scripts/generate.ts`, and a test fails when either is stale.

/** The subset of JSON Schema (draft 2020-12) that the trace schema uses. */
export interface SchemaNode {
  $schema?: string;
  $id?: string;
  $ref?: string;
  $defs?: Record<string, SchemaNode>;
  $comment?: string;
  title?: string;
  description?: string;
  type?: SchemaType | SchemaType[];
  const?: string | number | boolean;
  enum?: (string | number)[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: boolean | SchemaNode;
  propertyNames?: SchemaNode;
  minProperties?: number;
  items?: SchemaNode;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  anyOf?: SchemaNode[];
  allOf?: SchemaNode[];
  if?: SchemaNode;
  then?: SchemaNode;
  else?: SchemaNode;
}

/** JSON Schema's primitive type names. */
export type SchemaType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

/** The format name every header carries. */
export const TRACE_FORMAT = 'synod-trace';
/** The format version this library reads and writes. */
export const TRACE_VERSION = 1;
/** The schema's `$id`: a name, not a download address. */
export const SCHEMA_ID = 'urn:synod:trace:1';

/** Largest integer a JSON number carries exactly in every language (2^53 - 1). */
export const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Event kinds of format version 1, in canonical order (the header's `kind` is `"header"`). */
export const EVENT_KINDS = [
  'send',
  'recv',
  'state',
  'persist',
  'decide',
  'timer',
  'crash',
  'restart',
  'fault',
  'heal',
  'reconfig',
  'invoke',
  'ok',
  'fail',
  'info',
] as const;

/** Protocols whose message bodies the schema types (others accept any object with a string `type`). */
export const TYPED_PROTOCOLS = ['paxos', 'multipaxos'] as const;

/** Fault names with a documented meaning (others must start with `x-`). */
export const FAULTS = [
  'partition',
  'pause',
  'loss',
  'duplicate',
  'delay',
  'reorder',
  'clock-skew',
  'byzantine',
  'disk',
] as const;

const ref = (name: string, description?: string): SchemaNode =>
  description === undefined ? { $ref: `#/$defs/${name}` } : { $ref: `#/$defs/${name}`, description };

const nat = (description: string): SchemaNode => ({
  type: 'integer',
  minimum: 0,
  maximum: MAX_SAFE,
  description,
});

const any = (description: string): SchemaNode => ({ description });

const nodeList = (description: string): SchemaNode => ({
  type: 'array',
  items: ref('nodeId'),
  uniqueItems: true,
  description,
});

const EXTENSION_PATTERN = '^x-';
const extensionName = (description: string): SchemaNode => ({
  type: 'string',
  pattern: EXTENSION_PATTERN,
  description,
});

/** `kind` (or `type`) of a known shape, or an `x-` extension name. */
const knownOrExtension = (names: readonly string[], description: string): SchemaNode => ({
  type: 'string',
  anyOf: [{ enum: [...names] }, { pattern: EXTENSION_PATTERN }],
  description,
});

/** An if/then branch dispatching on a discriminator field. */
const when = (field: string, value: string, def: string): SchemaNode => ({
  if: { type: 'object', properties: { [field]: { const: value } }, required: [field] },
  then: ref(def),
});

const whenExtension = (field: string, def: string): SchemaNode => ({
  if: {
    type: 'object',
    properties: { [field]: { type: 'string', pattern: EXTENSION_PATTERN } },
    required: [field],
  },
  then: ref(def),
});

/** The fields every event may carry, and their place in the canonical key order. */
function event(
  kind: string,
  title: string,
  description: string,
  node: 'required' | 'optional',
  fields: Record<string, SchemaNode>,
  required: string[],
): SchemaNode {
  return {
    title,
    description,
    type: 'object',
    properties: {
      kind: { const: kind },
      t: ref('time'),
      node: ref(
        'nodeId',
        node === 'required' ? 'The node that recorded the event.' : 'The node involved, when there is one.',
      ),
      ...fields,
      vc: ref('vectorClock'),
      adversarial: ref('adversarial'),
      x: ref('extras'),
    },
    required: ['kind', ...(node === 'required' ? ['node'] : []), ...required],
    additionalProperties: false,
  };
}

const clientFields = (withError: boolean): Record<string, SchemaNode> => ({
  process: {
    type: ['integer', 'string'],
    minimum: 0,
    maximum: MAX_SAFE,
    description: "The client process (Jepsen's `process`); one process runs one operation at a time.",
  },
  op: nat('Operation id: links an `invoke` to its completion (`ok`, `fail` or `info`); unique per trace.'),
  f: {
    type: 'string',
    minLength: 1,
    description: 'The operation: `read`, `write`, `cas` (value `[expected, new]`) or any other name.',
  },
  key: { type: 'string', description: 'The key, for keyed workloads.' },
  value: any("The operation's value: the argument on `invoke`, the result on `ok` (absent reads as null)."),
  class: {
    type: 'string',
    minLength: 1,
    description:
      'The criticality class of the operation (e.g. `critical`, `routine`); metrics are split by it.',
  },
  ...(withError ? { error: any('Why it failed, or why the outcome is unknown.') } : {}),
});

const clientEvent = (kind: string, title: string, description: string, withError: boolean): SchemaNode =>
  event(kind, title, description, 'optional', clientFields(withError), ['process', 'op', 'f']);

/** A protocol message: `type` first, then its fields, then `x`. */
function message(
  type: string,
  title: string,
  description: string,
  fields: Record<string, SchemaNode>,
  required: string[],
): SchemaNode {
  return {
    title,
    description,
    type: 'object',
    properties: { type: { const: type }, ...fields, x: ref('extras') },
    required: ['type', ...required],
    additionalProperties: false,
  };
}

const ballot = (description: string): SchemaNode => ref('ballot', description);

const PAXOS_MESSAGES: [string, string, string, Record<string, SchemaNode>, string[]][] = [
  [
    'prepare',
    'PaxosPrepare',
    'Phase 1a: a proposer asks the acceptors to promise `ballot`.',
    { ballot: ballot('The ballot to promise.') },
    ['ballot'],
  ],
  [
    'promise',
    'PaxosPromise',
    'Phase 1b: an acceptor promises `ballot` and reports its vote, if it has cast one.',
    {
      ballot: ballot('The ballot promised.'),
      accepted: ref('vote', 'The highest-ballot vote this acceptor has cast; absent when none.'),
    },
    ['ballot'],
  ],
  [
    'accept',
    'PaxosAccept',
    'Phase 2a: a proposer asks the acceptors to vote for `value` at `ballot`.',
    { ballot: ballot('The ballot of the proposal.'), value: any('The proposed value.') },
    ['ballot', 'value'],
  ],
  [
    'accepted',
    'PaxosAccepted',
    'Phase 2b: an acceptor has voted for the proposal at `ballot`.',
    { ballot: ballot('The ballot voted for.'), value: any('The value voted for (optional).') },
    ['ballot'],
  ],
  [
    'nack',
    'PaxosNack',
    'An acceptor refuses `ballot` because it has promised a higher one.',
    {
      ballot: ballot('The refused ballot.'),
      promised: ballot('The higher ballot the acceptor has promised, when it says.'),
    },
    ['ballot'],
  ],
  [
    'decide',
    'PaxosDecide',
    'A learner or proposer announces the chosen value (also called commit).',
    { value: any('The chosen value.'), ballot: ballot('The ballot that chose it, when known.') },
    ['value'],
  ],
];

const slot = (description: string): SchemaNode => ref('slot', description);

const MULTIPAXOS_MESSAGES: [string, string, string, Record<string, SchemaNode>, string[]][] = [
  [
    'prepare',
    'MultiPaxosPrepare',
    'Phase 1a for every slot from `fromSlot` on: a would-be leader asks for promises on `ballot`.',
    {
      ballot: ballot('The ballot to promise.'),
      fromSlot: slot('First slot the prepare covers (default 0).'),
    },
    ['ballot'],
  ],
  [
    'promise',
    'MultiPaxosPromise',
    'Phase 1b: an acceptor promises `ballot` and reports its votes at the slots the prepare covers.',
    {
      ballot: ballot('The ballot promised.'),
      fromSlot: slot('First slot the promise covers (default 0).'),
      accepted: {
        type: 'array',
        items: ref('slotVote'),
        description: 'For each covered slot where this acceptor voted, its highest-ballot vote.',
      },
    },
    ['ballot'],
  ],
  [
    'accept',
    'MultiPaxosAccept',
    'Phase 2a: the leader asks the acceptors to vote for `value` in `slot` at `ballot`.',
    {
      ballot: ballot("The leader's ballot."),
      slot: slot('The log slot.'),
      value: any('The proposed value (a command or a batch).'),
    },
    ['ballot', 'slot', 'value'],
  ],
  [
    'accepted',
    'MultiPaxosAccepted',
    'Phase 2b: an acceptor has voted in `slot` at `ballot`.',
    {
      ballot: ballot('The ballot voted for.'),
      slot: slot('The log slot.'),
      value: any('The value voted for (optional).'),
    },
    ['ballot', 'slot'],
  ],
  [
    'nack',
    'MultiPaxosNack',
    'An acceptor refuses `ballot` because it has promised a higher one.',
    {
      ballot: ballot('The refused ballot.'),
      promised: ballot('The higher ballot the acceptor has promised, when it says.'),
      slot: slot('The slot of the refused accept, for phase 2 refusals.'),
    },
    ['ballot'],
  ],
  [
    'decide',
    'MultiPaxosDecide',
    'The value of `slot` is chosen (also called commit).',
    {
      slot: slot('The log slot.'),
      value: any('The chosen value.'),
      ballot: ballot('The ballot that chose it, when known.'),
    },
    ['slot', 'value'],
  ],
  [
    'heartbeat',
    'MultiPaxosHeartbeat',
    'The leader is alive; followers reset their election timers.',
    {
      ballot: ballot("The leader's ballot."),
      decidedBelow: slot('Every slot below this one is decided at the leader.'),
    },
    ['ballot'],
  ],
  [
    'catchup',
    'MultiPaxosCatchup',
    'A lagging or restarted node asks for the decided entries from `fromSlot` on.',
    { fromSlot: slot('First slot wanted.') },
    ['fromSlot'],
  ],
  [
    'catchup-reply',
    'MultiPaxosCatchupReply',
    'Decided entries sent to a lagging node.',
    {
      entries: { type: 'array', items: ref('entry'), description: 'Decided entries, in slot order.' },
      decidedBelow: slot('Every slot below this one is decided at the sender.'),
    },
    ['entries'],
  ],
];

function messageDefs(
  protocol: string,
  title: string,
  description: string,
  messages: [string, string, string, Record<string, SchemaNode>, string[]][],
): Record<string, SchemaNode> {
  const defs: Record<string, SchemaNode> = {};
  for (const [type, t, d, fields, required] of messages) {
    defs[`${protocol}.${type}`] = message(type, t, d, fields, required);
  }
  defs[`message.${protocol}`] = {
    title,
    description,
    type: 'object',
    properties: {
      type: knownOrExtension(
        messages.map(([type]) => type),
        'The message type.',
      ),
    },
    required: ['type'],
    allOf: [
      ...messages.map(([type]) => when('type', type, `${protocol}.${type}`)),
      whenExtension('type', 'message.extension'),
    ],
  };
  return defs;
}

const QUORUM_KINDS = ['majority', 'threshold', 'explicit', 'weighted', 'grid', 'classes'] as const;

const members = nodeList('The voting nodes (acceptors); default: every node of the header.');

const quorumSets = (description: string): SchemaNode => ({
  type: 'array',
  minItems: 1,
  items: { type: 'array', minItems: 1, items: ref('nodeId') },
  description,
});

const weight = (description: string): SchemaNode => ({ type: 'number', minimum: 0, description });

/** The whole schema: one line of a trace (the header or one event). */
export const traceSchema: SchemaNode = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: SCHEMA_ID,
  title: 'TraceLine',
  description:
    'One line of a synod-trace file (format version 1): the header on line 1, then one event per line. ' +
    'Message bodies of typed protocols are checked against `#/$defs/message.<protocol>` (see traces/README.md).',
  type: 'object',
  properties: { kind: { type: 'string' } },
  required: ['kind'],
  if: { type: 'object', properties: { kind: { const: 'header' } }, required: ['kind'] },
  then: ref('header'),
  else: ref('event'),
  $defs: {
    header: {
      title: 'TraceHeader',
      description: 'Line 1 of every trace: what ran, on which nodes, under which quorum system.',
      type: 'object',
      properties: {
        kind: { const: 'header' },
        format: { const: TRACE_FORMAT, description: 'Always `synod-trace`.' },
        version: { const: TRACE_VERSION, description: 'Format version; this schema is version 1.' },
        protocol: {
          type: 'string',
          minLength: 1,
          description:
            '`paxos`, `multipaxos`, `pbft`, `adaptive` or any other name. ' +
            'Message bodies are typed for `paxos` and `multipaxos`.',
        },
        nodes: {
          ...nodeList('Every node that sends, receives or records events, in a fixed order.'),
          minItems: 1,
        },
        quorum: ref('quorum', 'The quorum system the nodes were configured with.'),
        params: {
          type: 'object',
          description: 'Protocol and harness parameters, free-form (timeouts, batch size, loss rate...).',
        },
        seed: {
          type: ['integer', 'string'],
          minimum: -MAX_SAFE,
          maximum: MAX_SAFE,
          description: 'The seed of a simulated run; use a string for seeds beyond 2^53 - 1.',
        },
        clock: {
          enum: ['virtual', 'wall', 'local', 'none'],
          description:
            'What `t` means: `virtual` (ms since the simulation began), `wall` (ms since the Unix epoch, UTC), ' +
            "`local` (ms on the recording node's own clock, not comparable across nodes) or `none` (no times).",
        },
        producer: ref('producer'),
        x: ref('extras'),
      },
      required: ['kind', 'format', 'version', 'protocol', 'nodes', 'quorum'],
      additionalProperties: false,
    },
    event: {
      title: 'TraceEvent',
      description: 'Any event line.',
      type: 'object',
      properties: {
        kind: knownOrExtension(EVENT_KINDS, 'What happened.'),
      },
      required: ['kind'],
      allOf: [
        ...EVENT_KINDS.map((k) => when('kind', k, `event.${k}`)),
        whenExtension('kind', 'event.extension'),
      ],
    },
    'event.send': event(
      'send',
      'SendEvent',
      '`node` sends `msg` to `to` (a broadcast is one send per receiver).',
      'required',
      {
        to: ref('nodeId', 'The receiver.'),
        id: ref('messageId'),
        msg: ref('message', 'The protocol message.'),
      },
      ['to', 'msg'],
    ),
    'event.recv': event(
      'recv',
      'RecvEvent',
      '`node` receives `msg` from `from` (a duplicated message is received twice).',
      'required',
      {
        from: ref('nodeId', 'The sender.'),
        id: ref('messageId'),
        msg: ref('message', 'The protocol message, as received.'),
      },
      ['from', 'msg'],
    ),
    'event.state': event(
      'state',
      'StateEvent',
      'Volatile state variables of `node` changed; `vars` holds the new values of the changed ones.',
      'required',
      { vars: ref('vars') },
      ['vars'],
    ),
    'event.persist': event(
      'persist',
      'PersistEvent',
      'Durable variables of `node` reached stable storage (they survive a crash).',
      'required',
      { vars: ref('vars') },
      ['vars'],
    ),
    'event.decide': event(
      'decide',
      'DecideEvent',
      '`node` learns that `value` is chosen for `slot`.',
      'required',
      {
        slot: slot('The log slot; 0 for single-decree Paxos.'),
        value: any('The chosen value.'),
        ballot: ballot('The ballot that chose it, when known.'),
      },
      ['slot', 'value'],
    ),
    'event.timer': event(
      'timer',
      'TimerEvent',
      'A timer of `node` is set, fires or is cancelled.',
      'required',
      {
        name: { type: 'string', minLength: 1, description: "The timer's name (e.g. `election`, `retry`)." },
        action: { enum: ['set', 'fire', 'cancel'], description: 'What happened to the timer.' },
        after: { type: 'number', minimum: 0, description: 'With `set`: the delay in ms.' },
      },
      ['name', 'action'],
    ),
    'event.crash': event(
      'crash',
      'CrashEvent',
      '`node` stops; its volatile state is lost, its persisted variables are kept.',
      'required',
      {},
      [],
    ),
    'event.restart': event(
      'restart',
      'RestartEvent',
      '`node` starts again from its persisted variables.',
      'required',
      {},
      [],
    ),
    'event.fault': event(
      'fault',
      'FaultEvent',
      'A harness starts a fault; it lasts until a `heal` with the same `id` (or the same `fault`).',
      'optional',
      {
        fault: knownOrExtension(FAULTS, 'The fault: one of the known names or an `x-` name.'),
        id: ref('faultId'),
        groups: {
          type: 'array',
          items: nodeList('One side of a partition.'),
          description: 'For `partition`: nodes talk only within their group.',
        },
        nodes: nodeList('The nodes affected (paused, byzantine, with a failing disk, ...).'),
        links: {
          type: 'array',
          items: { type: 'array', items: ref('nodeId'), minItems: 2, maxItems: 2 },
          description: 'Directed links `[from, to]` affected (for one-way faults).',
        },
        rate: { type: 'number', minimum: 0, maximum: 1, description: 'For `loss`/`duplicate`: probability.' },
        delay: weight('For `delay`: added latency in ms.'),
      },
      ['fault'],
    ),
    'event.heal': event(
      'heal',
      'HealEvent',
      'A fault ends: the one with `id`, else every fault named `fault`, else every fault.',
      'optional',
      {
        fault: knownOrExtension(FAULTS, 'The kind of fault healed.'),
        id: ref('faultId'),
      },
      [],
    ),
    'event.reconfig': event(
      'reconfig',
      'ReconfigEvent',
      'From `slot` on, the cluster uses `quorum` (and `nodes`, when membership changes).',
      'optional',
      {
        slot: slot('First slot decided under the new configuration.'),
        quorum: ref('quorum', 'The new quorum system.'),
        nodes: nodeList('The new membership; new nodes may appear in later events.'),
      },
      ['slot', 'quorum'],
    ),
    'event.invoke': clientEvent('invoke', 'InvokeEvent', 'A client process starts operation `op`.', false),
    'event.ok': clientEvent('ok', 'OkEvent', 'Operation `op` completed and took effect.', false),
    'event.fail': clientEvent(
      'fail',
      'FailEvent',
      'Operation `op` completed and certainly did not take effect.',
      true,
    ),
    'event.info': clientEvent(
      'info',
      'InfoEvent',
      'Operation `op` ended with an unknown outcome (e.g. a timeout): it may or may not take effect.',
      true,
    ),
    'event.extension': {
      title: 'ExtensionEvent',
      description: 'An implementation-specific event: its `kind` starts with `x-`; readers may skip it.',
      type: 'object',
      properties: {
        kind: extensionName('`x-` followed by a name.'),
        t: ref('time'),
        node: ref('nodeId'),
        vc: ref('vectorClock'),
        adversarial: ref('adversarial'),
      },
      required: ['kind'],
      additionalProperties: true,
    },
    quorum: {
      title: 'QuorumSystem',
      description: 'A quorum system as data. Phase-1 quorums (q1) must intersect every phase-2 quorum (q2).',
      type: 'object',
      properties: { kind: knownOrExtension(QUORUM_KINDS, 'The family of quorum system.') },
      required: ['kind'],
      allOf: [
        ...QUORUM_KINDS.map((k) => when('kind', k, `quorum.${k}`)),
        whenExtension('kind', 'quorum.extension'),
      ],
    },
    'quorum.majority': {
      title: 'MajorityQuorum',
      description: 'Any strict majority of `members` is a quorum in both phases.',
      type: 'object',
      properties: { kind: { const: 'majority' }, members, x: ref('extras') },
      required: ['kind'],
      additionalProperties: false,
    },
    'quorum.threshold': {
      title: 'ThresholdQuorum',
      description:
        'Any `q1` of `members` form a phase-1 quorum, any `q2` a phase-2 quorum (e.g. PBFT: 2f+1 of 3f+1).',
      type: 'object',
      properties: {
        kind: { const: 'threshold' },
        q1: { ...nat('Size of a phase-1 quorum.'), minimum: 1 },
        q2: { ...nat('Size of a phase-2 quorum.'), minimum: 1 },
        members,
        x: ref('extras'),
      },
      required: ['kind', 'q1', 'q2'],
      additionalProperties: false,
    },
    'quorum.explicit': {
      title: 'ExplicitQuorum',
      description: 'The minimal quorums listed one by one; any superset of a listed set is a quorum too.',
      type: 'object',
      properties: {
        kind: { const: 'explicit' },
        q1: quorumSets('Phase-1 quorums.'),
        q2: quorumSets('Phase-2 quorums.'),
        x: ref('extras'),
      },
      required: ['kind', 'q1', 'q2'],
      additionalProperties: false,
    },
    'quorum.weighted': {
      title: 'WeightedQuorum',
      description:
        "A set is a phase-1 (phase-2) quorum when its members' weights sum to at least `q1` (`q2`).",
      type: 'object',
      properties: {
        kind: { const: 'weighted' },
        weights: {
          type: 'object',
          additionalProperties: weight("A node's weight."),
          description: 'Weight of each voting node.',
        },
        q1: weight('Weight of a phase-1 quorum.'),
        q2: weight('Weight of a phase-2 quorum.'),
        x: ref('extras'),
      },
      required: ['kind', 'weights', 'q1', 'q2'],
      additionalProperties: false,
    },
    'quorum.grid': {
      title: 'GridQuorum',
      description:
        '`members` laid out row by row in a `rows` x `cols` grid: a full row is a phase-1 quorum, ' +
        'a full column a phase-2 quorum.',
      type: 'object',
      properties: {
        kind: { const: 'grid' },
        rows: { ...nat('Number of rows.'), minimum: 1 },
        cols: { ...nat('Number of columns.'), minimum: 1 },
        members: nodeList('The nodes in row-major order; default: every node of the header.'),
        x: ref('extras'),
      },
      required: ['kind', 'rows', 'cols'],
      additionalProperties: false,
    },
    'quorum.classes': {
      title: 'ClassesQuorum',
      description:
        'Adaptive quorums by criticality class: a phase-1 quorum must be a phase-1 quorum of every class ' +
        '(so it meets every phase-2 quorum any slot could have used); a slot of class C is decided by a ' +
        'phase-2 quorum of C. A slot whose accept names no class is accepted with a phase-2 quorum of any class; ' +
        'one naming a class the system does not define needs a phase-2 quorum of every class.',
      type: 'object',
      properties: {
        kind: { const: 'classes' },
        classes: {
          type: 'object',
          minProperties: 1,
          propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_-]*$' },
          additionalProperties: ref('quorum'),
          description: 'The quorum system of each class, by class name.',
        },
        x: ref('extras'),
      },
      required: ['kind', 'classes'],
      additionalProperties: false,
    },
    'quorum.extension': {
      title: 'ExtensionQuorum',
      description: 'An implementation-specific quorum system: its `kind` starts with `x-`.',
      type: 'object',
      properties: { kind: extensionName('`x-` followed by a name.') },
      required: ['kind'],
      additionalProperties: true,
    },
    message: {
      title: 'Message',
      description:
        'A protocol message: an object with a string `type`. Under `paxos` and `multipaxos` it must also match ' +
        '`message.paxos` or `message.multipaxos`.',
      type: 'object',
      properties: { type: { type: 'string', minLength: 1, description: 'The message type.' } },
      required: ['type'],
      additionalProperties: true,
    },
    'message.extension': {
      title: 'ExtensionMessage',
      description: 'An implementation-specific message under a typed protocol: its `type` starts with `x-`.',
      type: 'object',
      properties: { type: extensionName('`x-` followed by a name.') },
      required: ['type'],
      additionalProperties: true,
    },
    ...messageDefs(
      'paxos',
      'PaxosMessage',
      'A single-decree Paxos message (protocol `paxos`).',
      PAXOS_MESSAGES,
    ),
    ...messageDefs(
      'multipaxos',
      'MultiPaxosMessage',
      'A Multi-Paxos message (protocol `multipaxos`).',
      MULTIPAXOS_MESSAGES,
    ),
    ballot: {
      title: 'Ballot',
      description:
        'A ballot (proposal number): ordered by `round`, then by `node` (string order). ' +
        'The node makes ballots of different proposers distinct.',
      type: 'object',
      properties: {
        round: nat('The round number.'),
        node: ref('nodeId', 'The proposer that owns the ballot.'),
      },
      required: ['round', 'node'],
      additionalProperties: false,
    },
    vote: {
      title: 'Vote',
      description: 'A vote an acceptor has cast: `value` at `ballot`.',
      type: 'object',
      properties: { ballot: ref('ballot'), value: any('The value voted for.') },
      required: ['ballot', 'value'],
      additionalProperties: false,
    },
    slotVote: {
      title: 'SlotVote',
      description: 'A vote an acceptor has cast in one slot.',
      type: 'object',
      properties: { slot: ref('slot'), ballot: ref('ballot'), value: any('The value voted for.') },
      required: ['slot', 'ballot', 'value'],
      additionalProperties: false,
    },
    entry: {
      title: 'LogEntry',
      description: 'A decided log entry.',
      type: 'object',
      properties: { slot: ref('slot'), value: any('The decided value.') },
      required: ['slot', 'value'],
      additionalProperties: false,
    },
    producer: {
      title: 'Producer',
      description: 'The program that wrote the trace.',
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, description: 'Its name.' },
        version: { type: 'string', description: 'Its version.' },
      },
      required: ['name'],
      additionalProperties: false,
    },
    nodeId: {
      title: 'NodeId',
      description: "A node's name, as listed in the header.",
      type: 'string',
      minLength: 1,
    },
    slot: nat('A log slot (0-based).'),
    time: {
      type: 'number',
      minimum: 0,
      description: "Time of the event in milliseconds; its meaning is the header's `clock`.",
    },
    messageId: {
      type: ['integer', 'string'],
      minimum: 0,
      maximum: MAX_SAFE,
      description: 'Links a `recv` to its `send`; unique per sent message.',
    },
    faultId: {
      type: ['integer', 'string'],
      minimum: 0,
      maximum: MAX_SAFE,
      description: 'Links a `heal` to its `fault`.',
    },
    vectorClock: {
      title: 'VectorClock',
      description: 'A vector clock: node -> count of events at that node known to this one.',
      type: 'object',
      additionalProperties: nat('An event count.'),
    },
    vars: {
      type: 'object',
      description: 'Variable name -> value (any JSON).',
    },
    adversarial: {
      type: 'boolean',
      description:
        'True when the event was forged, equivocating or replayed by a Byzantine actor or the harness.',
    },
    extras: {
      type: 'object',
      description: 'Implementation-specific data; readers ignore it.',
    },
  },
};
