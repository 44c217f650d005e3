// Each role's allowed and forbidden operations, over real HTTP. Mutations and queries are read from
// the served schema, so a field added later is covered without touching this file.
import type { GraphQLField } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { minimalCall, servedSchema } from '../../test/support/introspection.ts';
import { snapshotTables } from '../../test/support/tableSnapshot.ts';
import { startTestApp, type TestApp } from '../../test/support/testApp.ts';

let t: TestApp;
let keys: Record<'VIEWER' | 'OPERATOR' | 'ADMIN', string>;
let mutations: GraphQLField<unknown, unknown>[];
let queries: GraphQLField<unknown, unknown>[];

beforeAll(async () => {
  t = await startTestApp();
  keys = { VIEWER: await t.keyFor('VIEWER'), OPERATOR: await t.keyFor('OPERATOR'), ADMIN: await t.keyFor('ADMIN') };
  const { schema } = await servedSchema(t);
  mutations = Object.values(schema.getMutationType()!.getFields());
  queries = Object.values(schema.getQueryType()!.getFields());
});
afterAll(() => t?.stop());

const codes = (result: { errors?: Array<{ extensions?: Record<string, any> }> }) => (result.errors ?? []).map((e) => e.extensions?.code);

// operations an OPERATOR may not use (DESIGN.md: ADMIN "also manages destinations and keys")
const ADMIN_ONLY_MUTATIONS = [
  'createDestination',
  'updateDestination',
  'createApiKey',
  'revokeApiKey',
  'updatePaidConfiguration',
  'createAlertRule',
  'removeAlertRule',
];
const ADMIN_ONLY_QUERIES = ['apiKeys', 'alertRules'];

async function createDmpDestination(name: string) {
  const data = await t.ok(`mutation($input: CreateDestinationInput!) { createDestination(input: $input) { id } }`, {
    input: { name, type: 'DMP', settings: { directory: '/tmp/paidsync-dmp' } },
  });
  return data.createDestination.id as string;
}

describe('VIEWER', () => {
  it('may run every query in the schema', async () => {
    expect(queries.length, 'the schema has queries').toBeGreaterThan(5);
    for (const field of queries.filter((f) => !ADMIN_ONLY_QUERIES.includes(f.name))) {
      const result = await t.gql(minimalCall('query', field), {}, keys.VIEWER);
      expect(codes(result), `VIEWER running query ${field.name} is neither FORBIDDEN nor UNAUTHENTICATED`).not.toContain('FORBIDDEN');
      expect(codes(result), `VIEWER running query ${field.name}`).not.toContain('UNAUTHENTICATED');
    }
    const data = await t.ok(
      `{ destinations { id } segments { id } syncJobs(first: 5) { totalCount } queueItems(first: 5) { totalCount }
         conversionEvents(first: 5) { totalCount } apiCalls(first: 5) { totalCount } paidConfiguration { offlineConversionsEnabled } }`,
      {},
      keys.VIEWER,
    );
    expect(data.syncJobs.totalCount, 'VIEWER reads sync jobs').toBe(0);
  });

  it('is refused every mutation in the schema with FORBIDDEN, before its arguments are looked at, changing nothing', async () => {
    expect(mutations.length, 'the schema has mutations').toBeGreaterThan(5);
    const before = await snapshotTables(t.databaseUrl);
    for (const field of mutations) {
      const result = await t.gql(minimalCall('mutation', field), {}, keys.VIEWER);
      expect(codes(result), `VIEWER calling ${field.name} is refused with exactly FORBIDDEN`).toEqual(['FORBIDDEN']);
      expect(result.data?.[field.name] ?? null, `VIEWER gets no ${field.name} result`).toBeNull();
    }
    expect(await snapshotTables(t.databaseUrl), 'the refused mutations changed no table').toEqual(before);
  });

  it('is refused a mutation with valid arguments too', async () => {
    const result = await t.gql(
      `mutation { upsertCustomers(customers: [{ externalId: "viewer-1", email: "v@example.com" }]) { count } }`,
      {},
      keys.VIEWER,
    );
    expect(codes(result), 'VIEWER upsertCustomers is FORBIDDEN').toEqual(['FORBIDDEN']);
    const check = await t.ok(`{ segments { id } }`);
    expect(check.segments, 'nothing else appeared').toEqual([]);
  });
});

describe('OPERATOR', () => {
  it('may upsertCustomers, createSegment and updateSegment', async () => {
    const upserted = await t.ok(
      `mutation { upsertCustomers(customers: [{ externalId: "op-1", email: "op1@example.com" }, { externalId: "op-2" }]) { count } }`,
      {},
      keys.OPERATOR,
    );
    expect(upserted.upsertCustomers.count, 'OPERATOR upserted two customers').toBe(2);
    const created = await t.ok(
      `mutation($input: CreateSegmentInput!) { createSegment(input: $input) { id name memberCount } }`,
      { input: { name: 'operator segment', paidSyncEnabled: false, destinationIds: [], customerExternalIds: ['op-1', 'op-2'] } },
      keys.OPERATOR,
    );
    expect(created.createSegment.memberCount, 'OPERATOR created a static segment of two').toBe(2);
    const updated = await t.ok(
      `mutation($id: ID!) { updateSegment(id: $id, input: { name: "operator segment, renamed", customerExternalIds: ["op-1"] }) { name memberCount } }`,
      { id: created.createSegment.id },
      keys.OPERATOR,
    );
    expect(updated.updateSegment, 'OPERATOR renamed the segment and shrank it').toEqual({
      name: 'operator segment, renamed',
      memberCount: 1,
    });
  });

  it('may run every query but apiKeys', async () => {
    for (const field of queries.filter((f) => !ADMIN_ONLY_QUERIES.includes(f.name))) {
      const result = await t.gql(minimalCall('query', field), {}, keys.OPERATOR);
      expect(codes(result), `OPERATOR running query ${field.name}`).not.toContain('FORBIDDEN');
    }
    const result = await t.gql(`{ apiKeys { id } }`, {}, keys.OPERATOR);
    expect(codes(result), 'OPERATOR reading apiKeys is FORBIDDEN').toEqual(['FORBIDDEN']);
    expect(result.data ?? null, 'no key list reaches an OPERATOR').toBeNull();
  });

  it('is refused createDestination, updateDestination, createApiKey, revokeApiKey and updatePaidConfiguration, even with valid arguments', async () => {
    const destinationId = await createDmpDestination('admin-made dmp');
    const keyList = await t.ok(`{ apiKeys { id role } }`);
    const viewerKeyId = keyList.apiKeys.find((k: { role: string }) => k.role === 'VIEWER').id;
    const before = await snapshotTables(t.databaseUrl);
    const attempts: Array<[string, string, Record<string, unknown>]> = [
      [
        'createDestination',
        `mutation($input: CreateDestinationInput!) { createDestination(input: $input) { id } }`,
        { input: { name: 'operator dmp', type: 'DMP', settings: { directory: '/tmp/x' } } },
      ],
      ['updateDestination', `mutation($id: ID!) { updateDestination(id: $id, input: { enabled: false }) { id } }`, { id: destinationId }],
      ['createApiKey', `mutation { createApiKey(name: "operator-made", role: ADMIN) { key } }`, {}],
      ['revokeApiKey', `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: viewerKeyId }],
      [
        'updatePaidConfiguration',
        `mutation { updatePaidConfiguration(input: { offlineConversionsEnabled: true }) { offlineConversionsEnabled } }`,
        {},
      ],
      [
        'createAlertRule',
        `mutation($i: AlertRuleInput!) { createAlertRule(input: $i) { id } }`,
        { i: { name: 'operator alert', kind: 'LIFECYCLE', webhookDestinationId: destinationId } },
      ],
      ['removeAlertRule', `mutation($id: ID!) { removeAlertRule(id: $id) { id } }`, { id: Buffer.from('AlertRule:1').toString('base64') }],
    ];
    expect(attempts.map((a) => a[0]).sort(), 'every admin-only mutation is tried').toEqual([...ADMIN_ONLY_MUTATIONS].sort());
    for (const [name, query, variables] of attempts) {
      const result = await t.gql(query, variables, keys.OPERATOR);
      expect(codes(result), `OPERATOR calling ${name} is FORBIDDEN`).toEqual(['FORBIDDEN']);
    }
    for (const field of mutations.filter((f) => ADMIN_ONLY_MUTATIONS.includes(f.name))) {
      const result = await t.gql(minimalCall('mutation', field), {}, keys.OPERATOR);
      expect(codes(result), `OPERATOR calling ${field.name} with placeholder arguments is FORBIDDEN`).toEqual(['FORBIDDEN']);
    }
    expect(await snapshotTables(t.databaseUrl), 'the refused mutations changed nothing').toEqual(before);
  });
});

describe('ADMIN', () => {
  it('is refused no mutation and no query in the schema', async () => {
    for (const field of [...mutations.map((f) => ['mutation', f] as const), ...queries.map((f) => ['query', f] as const)]) {
      const result = await t.gql(minimalCall(field[0], field[1]), {}, keys.ADMIN);
      expect(codes(result), `ADMIN calling ${field[1].name}`).not.toContain('FORBIDDEN');
      expect(codes(result), `ADMIN calling ${field[1].name}`).not.toContain('UNAUTHENTICATED');
    }
  });

  it('manages destinations, keys and the paid configuration', async () => {
    const created = await t.ok(
      `mutation($input: CreateDestinationInput!) { createDestination(input: $input) { id name } }`,
      { input: { name: 'admin web', type: 'WEB', settings: { url: 'https://example.com/hook' } } },
      keys.ADMIN,
    );
    const id = created.createDestination.id;
    const updated = await t.ok(
      `mutation($id: ID!) { updateDestination(id: $id, input: { enabled: false }) { enabled } }`,
      { id },
      keys.ADMIN,
    );
    expect(updated.updateDestination.enabled, 'ADMIN disabled the destination').toBe(false);
    const config = await t.ok(
      `mutation($ids: [ID!]) { updatePaidConfiguration(input: { offlineConversionsEnabled: true, conversionDestinationIds: $ids }) {
         offlineConversionsEnabled conversionDestinations { id } } }`,
      { ids: [id] },
      keys.ADMIN,
    );
    expect(config.updatePaidConfiguration, 'ADMIN changed the paid configuration').toEqual({
      offlineConversionsEnabled: true,
      conversionDestinations: [{ id }],
    });
    const newKey = await t.ok(`mutation { createApiKey(name: "made by admin", role: VIEWER) { key apiKey { id role } } }`, {}, keys.ADMIN);
    expect(newKey.createApiKey.apiKey.role, 'ADMIN created a key').toBe('VIEWER');
    const revoked = await t.ok(
      `mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`,
      { id: newKey.createApiKey.apiKey.id },
      keys.ADMIN,
    );
    expect(revoked.revokeApiKey.revokedAt, 'ADMIN revoked the key').not.toBeNull();
    const list = await t.ok(`{ apiKeys { id } }`, {}, keys.ADMIN);
    expect(list.apiKeys.length, 'ADMIN lists keys').toBeGreaterThanOrEqual(5);
  });
});
