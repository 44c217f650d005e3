// Property-based test of every mutation's input. For each Mutation field of the served schema (so a
// mutation added later is covered without touching this file), fast-check generates argument values
// from the field's own input types — mostly well typed, often hostile: random and full-unicode
// strings, NUL bytes, lone surrogates, SQL / JSON / prototype injection attempts, huge strings and
// huge lists, numbers out of range, wrong types, unknown fields, deeply nested JSON — and sends
// each as a real HTTP request. Every answer must be a success or a refusal whose errors all carry a
// known extensions.code (never INTERNAL_SERVER_ERROR, never HTTP 5xx), and a refusal must leave every
// table exactly as it was (no partial write).
//
// Bounded: FUZZ_RUNS runs per mutation (default 25), FUZZ_SEED to replay (default fixed); the seed
// and the failing input are printed on failure.
import fc from 'fast-check';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLField,
  type GraphQLInputType,
} from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedSchema } from '../../../test/support/introspection.ts';
import { startTestApp, type TestApp } from '../../../test/support/testApp.ts';
import { CONTRACT_CODES } from '../errorCodes.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const ACCEPTED_CODES = new Set<string>([...CONTRACT_CODES, 'RATE_LIMITED']);

let t: TestApp;
let db: pg.Client;
let tables: string[];
let mutations: GraphQLField<unknown, unknown>[];
const ids: string[] = [];
const destinationIds: string[] = [];
const segmentIds: string[] = [];

beforeAll(async () => {
  // the API role only: no worker changes tables behind the test's back between its snapshots
  t = await startTestApp({ env: { PAIDSYNC_ROLE: 'api', PAIDSYNC_MUTATIONS_PER_MINUTE_PER_KEY: '1000000' } });
  db = new pg.Client({ connectionString: t.databaseUrl });
  await db.connect();
  const { schema } = await servedSchema(t);
  mutations = Object.values(schema.getMutationType()!.getFields());
  const { rows } = await db.query<{ name: string }>(
    `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
      WHERE schemaname IN ('public', 'pgboss') AND tablename NOT IN ('_prisma_migrations', 'version') ORDER BY 1`,
  );
  tables = rows.map((r) => r.name);

  // something real to point at, so generated ids sometimes name existing things
  const web = await t.ok('mutation($i: CreateDestinationInput!) { createDestination(input: $i) { id } }', {
    i: { name: 'fuzz web', type: 'WEB', settings: { url: 'http://127.0.0.1:9/fuzz' } },
  });
  const dmp = await t.ok('mutation($i: CreateDestinationInput!) { createDestination(input: $i) { id } }', {
    i: { name: 'fuzz dmp', type: 'DMP', settings: { directory: '/tmp/paidsync-fuzz' } },
  });
  await t.ok(
    'mutation { upsertCustomers(customers: [{ externalId: "known-1", email: "k1@example.com" }, { externalId: "known-2" }]) { count } }',
  );
  const segment = await t.ok('mutation($i: CreateSegmentInput!) { createSegment(input: $i) { id } }', {
    i: {
      name: 'fuzz segment',
      paidSyncEnabled: true,
      destinationIds: [web.createDestination.id, dmp.createDestination.id],
      customerExternalIds: ['known-1'],
    },
  });
  const jobs = await t.ok('mutation($s: ID!) { triggerSegmentSync(segmentId: $s) { id } }', { s: segment.createSegment.id });
  const key = await t.ok('mutation { createApiKey(name: "fuzz", role: VIEWER) { apiKey { id } } }');
  destinationIds.push(web.createDestination.id, dmp.createDestination.id);
  segmentIds.push(segment.createSegment.id);
  ids.push(
    web.createDestination.id,
    dmp.createDestination.id,
    segment.createSegment.id,
    ...jobs.triggerSegmentSync.map((j: { id: string }) => j.id),
    key.createApiKey.apiKey.id,
  );
}, 120_000);
afterAll(async () => {
  await db?.end();
  await t?.stop();
});

/** Every table (pg-boss's too): row count and a digest of the rows. */
async function snapshot(): Promise<Record<string, string>> {
  const columns = tables.map(
    (table, i) => `(SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM ${table} t) AS t${i}`,
  );
  const { rows } = await db.query<Record<string, string>>(`SELECT ${columns.join(', ')}`);
  return Object.fromEntries(tables.map((table, i) => [table, rows[0]![`t${i}`]!]));
}

// ---------------------------------------------------------------------------------------------
// values

const INJECTIONS = [
  "'; DROP TABLE customers; --",
  "' OR '1'='1",
  '") OR 1=1 --',
  '$1',
  '{"$gt": ""}',
  '{"__proto__": {"admin": true}}',
  '__proto__',
  'constructor',
  'prototype',
  '%s%s%s%n',
  '${7*7}',
  '{{7*7}}',
  '../../../../etc/passwd',
  '<script>alert(1)</script>',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e309',
  '',
  ' ',
  '\t\n\r',
  'nul\u0000byte',
  '\u0000',
  'lone \ud800 surrogate',
  '\ufeffbom',
  'rtl \u202e override',
  'zero\u200bwidth',
  'emoji 👩‍👩‍👧‍👦🏳️‍🌈',
  'Ω≈ç√∫˜µ≤≥÷',
  'ＡＢＣ full width',
  'known-1',
  'known-2',
  'k1@example.com',
  '+1 (555) 010-9999',
  '2020-01-01T00:00:00Z',
  '*/5 * * * *',
  '* * * * * * *',
  'x'.repeat(5000),
];

const smallString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...INJECTIONS), weight: 5 },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }), weight: 1 },
);
const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: smallString, weight: 15 },
  { arbitrary: fc.constant('y'.repeat(300_000)), weight: 1 },
);

/**
 * JSON nested `depth` levels, as a marker: it prints itself short (a failure report does not recurse
 * through it) and `requestBody` splices its text into the body (JSON.stringify would overflow here).
 */
const DEEP = new Map<string, string>();
const deepJson = (depth: number, kind: 'object' | 'array') => {
  const placeholder = `@@deep-${kind}-${depth}@@`;
  DEEP.set(placeholder, kind === 'object' ? '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) : '['.repeat(depth) + ']'.repeat(depth));
  const marker = { toJSON: () => placeholder };
  Object.defineProperty(marker, fc.toStringMethod, { value: () => `<${kind} nested ${depth} deep>`, enumerable: false });
  return marker as object;
};
function requestBody(payload: object) {
  let text = JSON.stringify(payload);
  for (const [placeholder, json] of DEEP) text = text.split(JSON.stringify(placeholder)).join(json);
  return text;
}

const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 4 },
  {
    arbitrary: fc.dictionary(hostileString, fc.oneof(hostileString, fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 5 }),
    weight: 4,
  },
  { arbitrary: fc.constantFrom(100, 1_000, 20_000).chain((d) => fc.constantFrom(deepJson(d, 'object'), deepJson(d, 'array'))), weight: 1 },
  {
    arbitrary: fc.constantFrom<unknown>(
      { all: [] },
      { field: 'country', op: 'eq', value: 'US' },
      { not: { attribute: 'x', op: 'gt', value: 1 } },
      { url: 'http://127.0.0.1:9/x' },
      { directory: '/tmp/x' },
    ),
    weight: 2,
  },
);

const dateString = fc.oneof(
  fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom(
    '2020-02-30T00:00:00Z',
    '0000-00-00',
    'yesterday',
    '',
    '9999-12-31T23:59:59.999Z',
    '-271821-04-20T00:00:00Z',
    '2024-01-01',
  ),
);

const idValue = fc.oneof(
  {
    arbitrary: fc
      .constant(null)
      .map(() => ids[0]!)
      .chain(() => fc.constantFrom(...ids)),
    weight: 5,
  },
  {
    arbitrary: fc
      .constantFrom('Destination', 'Segment', 'SyncJob', 'ApiKey', 'QueueItem', 'Nope')
      .chain((type) =>
        fc
          .oneof(fc.integer(), fc.constantFrom('1e400', '-1', '0', '1.5', 'abc', '9'.repeat(40)))
          .map((n) => Buffer.from(`${type}:${n}`).toString('base64')),
      ),
    weight: 3,
  },
  { arbitrary: hostileString, weight: 2 },
);

/** A wrong-typed value: whatever the input type is, something else. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant({}),
  fc.constant([]),
  hostileString,
  fc.constant({ nested: { deeper: [1, 'two'] } }),
);

/** A well-typed item small enough to repeat tens of thousands of times. */
function smallItem(type: GraphQLInputType): fc.Arbitrary<unknown> {
  const named = getNamedType(type);
  if (isInputObjectType(named)) {
    const required = Object.values(named.getFields()).filter((f) => isNonNullType(f.type));
    return fc
      .tuple(...required.map((f) => smallItem(f.type)))
      .map((values) => Object.fromEntries(required.map((f, i) => [f.name, values[i]])));
  }
  if (isEnumType(named)) return fc.constantFrom(...named.getValues().map((v) => v.name));
  if (isScalarType(named) && named.name === 'ID') return fc.constantFrom(...ids, 'nope');
  if (isScalarType(named) && named.name === 'DateTime') return fc.constant('2020-01-01T00:00:00Z');
  if (isScalarType(named) && ['Int', 'Float'].includes(named.name)) return fc.integer({ min: 0, max: 100 });
  if (isScalarType(named) && named.name === 'Boolean') return fc.boolean();
  return smallString;
}

/** Well-formed values by field name, so generated calls also get past validation into the resolvers. */
let counter = 0; // deterministic for a given seed, unlike Math.random: a failure replays
const unique = fc.string({ minLength: 1, maxLength: 12 }).map((x) => `${x.trim() || 'v'}-${++counter}`);
const PLAUSIBLE: Record<string, fc.Arbitrary<unknown>> = {
  name: unique,
  eventId: unique,
  externalId: fc.oneof(fc.constantFrom('known-1', 'known-2'), unique),
  customerExternalId: fc.constantFrom('known-1', 'known-2', 'unknown-9'),
  customerExternalIds: fc.array(fc.constantFrom('known-1', 'known-2', 'unknown-9'), { minLength: 1, maxLength: 3 }),
  conversionName: fc.constantFrom('Purchase', 'Lead'),
  occurredAt: fc.integer({ min: 0, max: 6 * 24 }).map((h) => new Date(Date.now() - h * 3_600_000).toISOString()),
  from: fc.constant('2020-01-01T00:00:00Z'),
  to: fc.constant(new Date(Date.now() + 60_000).toISOString()),
  clickId: fc.constantFrom('gclid-1', 'fbclid.2'),
  currency: fc.constantFrom('USD', 'EUR', 'usd'),
  value: fc.double({ min: 0, max: 1000, noNaN: true }),
  email: fc.constantFrom('a@example.com', 'B.C@Example.org'),
  phone: fc.constantFrom('+15550100', '(555) 010-0000'),
  country: fc.constantFrom('US', 'DE'),
  dateOfBirth: fc.constantFrom('1990-01-31', '2000-02-29'),
  gender: fc.constantFrom('f', 'm', 'F'),
  zip: fc.constantFrom('12345', 'SW1A 1AA'),
  settings: fc.constantFrom(
    { directory: '/tmp/paidsync-fuzz' },
    { url: 'http://127.0.0.1:9/fuzz' },
    { adAccountId: '123' },
    { customerId: '123-456-7890' },
  ),
  credentials: fc.constantFrom({}, { accessToken: 'fuzz-token' }, { accessToken: 't', developerToken: 'd' }, { signingSecret: 's' }),
  criteria: fc.constantFrom({ all: [] }, { field: 'country', op: 'eq', value: 'US' }, { attribute: 'score', op: 'gt', value: 5 }),
  attributes: fc.dictionary(smallString, fc.oneof(smallString, fc.integer()), { maxKeys: 3 }),
  schedule: fc.constantFrom('*/5 * * * *', '', '0 3 * * 1', '99 99 99 99 99', '* * * * * * *', 'every day at noon'),
  issue: unique,
  group: unique,
  destinationIds: fc.constant(null).chain(() => fc.subarray(destinationIds, { minLength: 1 })),
  conversionDestinationIds: fc.constant(null).chain(() => fc.subarray(destinationIds)),
  segmentId: fc.constant(null).chain(() => fc.constantFrom(...segmentIds)),
};

function valueFor(type: GraphQLInputType, depth = 0, name?: string): fc.Arbitrary<unknown> {
  const plausible = name ? PLAUSIBLE[name] : undefined;
  if (plausible) return fc.oneof({ arbitrary: plausible, weight: 3 }, { arbitrary: valueFor(type, depth), weight: 2 });
  if (isNonNullType(type))
    return fc.oneof({ arbitrary: valueFor(type.ofType, depth), weight: 19 }, { arbitrary: fc.constant(null), weight: 1 });
  const nullable = (arb: fc.Arbitrary<unknown>) => fc.oneof({ arbitrary: arb, weight: 12 }, { arbitrary: wrongValue, weight: 1 });
  if (isListType(type)) {
    const item = valueFor(type.ofType as GraphQLInputType, depth + 1);
    return nullable(
      fc.oneof(
        { arbitrary: fc.array(item, { maxLength: 4 }), weight: 10 },
        // a huge list: one small item many times
        {
          arbitrary: fc
            .tuple(smallItem(type.ofType as GraphQLInputType), fc.constantFrom(12_000, 60_000))
            .map(([value, n]) => Array.from({ length: n }, () => value)),
          weight: 1,
        },
      ),
    );
  }
  if (isEnumType(type))
    return nullable(
      fc.oneof({ arbitrary: fc.constantFrom(...type.getValues().map((v) => v.name)), weight: 9 }, { arbitrary: hostileString, weight: 1 }),
    );
  if (isInputObjectType(type)) {
    if (depth > 3) return fc.constant({});
    const fields = Object.values(type.getFields());
    const parts = fields.map((field) =>
      fc.oneof(
        {
          arbitrary: valueFor(field.type, depth + 1, field.name).map((value) => [field.name, value] as const),
          weight: isNonNullType(field.type) ? 19 : 6,
        },
        { arbitrary: fc.constant(null), weight: isNonNullType(field.type) ? 1 : 4 },
      ),
    );
    return nullable(
      fc
        .tuple(
          fc.tuple(...parts),
          fc.oneof({ arbitrary: fc.constant(null), weight: 9 }, { arbitrary: fc.tuple(smallString, wrongValue), weight: 1 }),
        )
        .map(([entries, extra]) => {
          const object: Record<string, unknown> = {};
          for (const entry of entries) if (entry) object[entry[0]] = entry[1];
          if (extra) object[extra[0]] = extra[1];
          return object;
        }),
    );
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'String':
        return nullable(hostileString);
      case 'ID':
        return nullable(idValue);
      case 'Int':
        return nullable(
          fc.oneof(fc.integer({ min: -5, max: 200 }), fc.integer(), fc.constantFrom(2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, 1.5)),
        );
      case 'Float':
        return nullable(fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(0, -1, 1e308, -1e308, 5e-324, 19.99)));
      case 'Boolean':
        return nullable(fc.boolean());
      case 'DateTime':
        return nullable(dateString);
      case 'JSON':
        return nullable(jsonValue);
      default:
        return nullable(hostileString);
    }
  }
  return wrongValue;
}

function call(field: GraphQLField<unknown, unknown>) {
  const named = getNamedType(field.type);
  const selection = isObjectType(named) || isInterfaceType(named) || isUnionType(named) ? ' { __typename }' : '';
  const declarations = field.args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  return `mutation${declarations ? `(${declarations})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`;
}

const short = (value: unknown) => {
  const text = JSON.stringify(value, (_k, v) =>
    typeof v === 'string' && DEEP.has(v)
      ? v
      : typeof v === 'string' && v.length > 80
        ? `${v.slice(0, 80)}…(${v.length})`
        : Array.isArray(v) && v.length > 5
          ? [...v.slice(0, 3), `…(${v.length} items)`]
          : v,
  );
  return text.length > 2000 ? text.slice(0, 2000) + '…' : text;
};

describe('every mutation, under hostile input', () => {
  it('answers a success or a refusal with a known code, never a server error, and a refusal changes nothing', async () => {
    expect(mutations.length, 'the schema has mutations').toBeGreaterThan(10);
    const summary: Record<string, { ok: number; refused: Record<string, number> }> = {};
    for (const field of mutations) {
      const query = call(field);
      const variables = fc.record(Object.fromEntries(field.args.map((a) => [a.name, valueFor(a.type, 0, a.name)])));
      const tally = (summary[field.name] = { ok: 0, refused: {} as Record<string, number> });
      await fc.assert(
        fc.asyncProperty(variables, async (vars) => {
          const before = await snapshot();
          const response = await fetch(`${t.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminKey}` },
            body: requestBody({ query, variables: vars }),
          });
          const text = await response.text();
          const where = `${field.name} with ${short(vars)} (seed ${SEED}; replay with FUZZ_SEED=${SEED})`;
          expect(response.status, `${where}: HTTP status below 500, got ${response.status}: ${text.slice(0, 500)}`).toBeLessThan(500);
          const body = JSON.parse(text) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };
          if (!body.errors?.length) {
            tally.ok++;
            return;
          }
          for (const error of body.errors) {
            const code = error.extensions?.code;
            expect(
              ACCEPTED_CODES.has(code ?? ''),
              `${where}: every error has a known code, got ${code} for "${error.message.slice(0, 300)}"`,
            ).toBe(true);
            tally.refused[code!] = (tally.refused[code!] ?? 0) + 1;
          }
          expect(await snapshot(), `${where}: a refused call changes no table`).toEqual(before);
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    }
    console.log('hostile input, per mutation (successes / refusals by code):', JSON.stringify(summary));
  }, 300_000);
});
