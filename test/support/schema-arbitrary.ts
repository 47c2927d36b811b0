import fc from 'fast-check';

/** The part of JSON Schema (2020-12, as the OpenAPI document writes it) that request bodies use. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

/** Values a field of this name must hold to get past validation and reach the deeper layers. */
export type Hints = Record<string, fc.Arbitrary<unknown>>;

/** Strings that have broken parsers, stores and renderers before. */
export const nastyStrings = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  'x\ud800y',
  '\udfff',
  '\ufeff',
  '%ff',
  '%00',
  '..%2f..%2fetc%2fpasswd',
  '${upper(join([0,0,0], "x"))}',
  '${allValues}',
  '__proto__',
  'constructor',
  '<script>alert(1)</script>',
  '👍🏽‍'.repeat(50),
  'e\u0301'.repeat(300),
  'x'.repeat(70_000),
  '9'.repeat(400),
  '-1',
  'null',
];

const anyString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 2, arbitrary: fc.constantFrom(...nastyStrings) },
);

const anyNumber = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 1e308, -1e308, 2 ** 53 + 1, 0.1));

/** Any JSON value, nasty strings and extreme numbers included. */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    anyString,
    anyNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor')), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/**
 * Values that satisfy `schema` (mostly: patterns and formats are not followed, and strings come
 * from `hints` by field name where given), for a property-based test to start from and mutate.
 */
export function validValue(schema: JsonSchema, resolve: (ref: string) => JsonSchema, hints: Hints, name = ''): fc.Arbitrary<unknown> {
  if (schema.$ref) return validValue(resolve(schema.$ref), resolve, hints, name);
  const hinted = hints[name];
  if (hinted && !schema.properties) return hinted;
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) return fc.oneof(...choices.map((choice) => validValue(choice, resolve, hints, name)));
  if (schema.allOf) return validValue(Object.assign({}, ...schema.allOf) as JsonSchema, resolve, hints, name);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const properties = schema.properties ?? {};
      const record = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, validValue(value, resolve, hints, key)]));
      return fc.record(record, { requiredKeys: (schema.required ?? []).filter((key) => key in properties) });
    }
    case 'array':
      return fc.array(validValue(schema.items ?? {}, resolve, hints, name), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, 4) });
    case 'string':
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 24, 24) });
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000, max: schema.maximum ?? 1_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1_000, max: schema.maximum ?? 1_000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return anyJson;
  }
}

/** One change to a value: a node replaced, a key dropped, an unknown key added, or deep nesting. */
export interface Mutation {
  kind: 'replace' | 'drop' | 'add' | 'nest';
  /** Picks the node among all of the value's nodes. */
  pick: number;
  value: unknown;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('replace', 'drop', 'add', 'nest'),
  pick: fc.nat(),
  value: anyJson,
});

/** `value` with `changes` applied, in order (a fresh copy; `value` itself is left alone). */
export function mutate(value: unknown, changes: readonly Mutation[]): unknown {
  let root = structuredClone(value);
  let nestedOnce = false;
  for (const change of changes) {
    if (change.kind === 'nest' && nestedOnce) continue;
    const paths = nodePaths(root);
    const path = paths[change.pick % paths.length] ?? [];
    if (change.kind === 'nest') {
      // Deep enough to break a recursive walk without a depth guard; one such node per value.
      root = setAt(root, path, nested(1_000));
      nestedOnce = true;
      continue;
    }
    if (change.kind === 'replace') {
      root = setAt(root, path, change.value);
      continue;
    }
    const parent = path.length === 0 ? root : getAt(root, path);
    if (parent === null || typeof parent !== 'object' || Array.isArray(parent)) continue;
    const keys = Object.keys(parent);
    if (change.kind === 'drop' && keys.length > 0) delete (parent as Record<string, unknown>)[keys[change.pick % keys.length]!];
    if (change.kind === 'add') (parent as Record<string, unknown>)[['attachment', 'forEveryOne', 'extra', 'Chat'][change.pick % 4]!] = change.value;
  }
  return root;
}

function nested(depth: number): unknown {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function nodePaths(root: unknown): (string | number)[][] {
  const paths: (string | number)[][] = [];
  const pending: { value: unknown; path: (string | number)[] }[] = [{ value: root, path: [] }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    paths.push(next.path);
    const { value, path } = next;
    if (value === null || typeof value !== 'object') continue;
    for (const [key, child] of Object.entries(value)) pending.push({ value: child, path: [...path, Array.isArray(value) ? Number(key) : key] });
  }
  return paths;
}

function getAt(root: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], root);
}

function setAt(root: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path.at(-1)!] = value;
  return root;
}
