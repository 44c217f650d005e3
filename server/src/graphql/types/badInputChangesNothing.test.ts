// Bad input gets a GraphQL error with the contract's extensions.code and changes nothing: every
// refusal below is checked against the tables, read with plain `pg`, before and after.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotTables } from '../../../test/support/tableSnapshot.ts';
import { startTestApp, type TestApp } from '../../../test/support/testApp.ts';

let t: TestApp;
let dmpId: string;
let otherDmpId: string;
let linkedinId: string;
let segmentId: string;
let viewerKeyId: string;

const CREATE_DESTINATION = `mutation($input: CreateDestinationInput!) { createDestination(input: $input) { id } }`;
const UPDATE_DESTINATION = `mutation($id: ID!, $input: UpdateDestinationInput!) { updateDestination(id: $id, input: $input) { id } }`;
const UPSERT = `mutation($customers: [CustomerInput!]!) { upsertCustomers(customers: $customers) { count } }`;
const CREATE_SEGMENT = `mutation($input: CreateSegmentInput!) { createSegment(input: $input) { id } }`;
const UPDATE_SEGMENT = `mutation($id: ID!, $input: UpdateSegmentInput!) { updateSegment(id: $id, input: $input) { id } }`;

beforeAll(async () => {
  t = await startTestApp();
  dmpId = (await t.ok(CREATE_DESTINATION, { input: { name: 'dmp one', type: 'DMP', settings: { directory: '/tmp/one' } } }))
    .createDestination.id;
  otherDmpId = (await t.ok(CREATE_DESTINATION, { input: { name: 'dmp two', type: 'DMP', settings: { directory: '/tmp/two' } } }))
    .createDestination.id;
  linkedinId = (
    await t.ok(CREATE_DESTINATION, {
      input: { name: 'linkedin', type: 'LINKEDIN_ADS', settings: { adAccountId: '123' }, credentials: { accessToken: 'li-token' } },
    })
  ).createDestination.id;
  await t.ok(UPSERT, { customers: [{ externalId: 'known-1' }, { externalId: 'known-2' }] });
  segmentId = (
    await t.ok(CREATE_SEGMENT, {
      input: { name: 'static two', paidSyncEnabled: false, destinationIds: [dmpId], customerExternalIds: ['known-1', 'known-2'] },
    })
  ).createSegment.id;
  await t.ok(CREATE_SEGMENT, { input: { name: 'taken name', paidSyncEnabled: false, destinationIds: [], criteria: { all: [] } } });
  await t.keyFor('VIEWER');
  viewerKeyId = (await t.ok('{ apiKeys { id role } }')).apiKeys.find((k: { role: string }) => k.role === 'VIEWER').id;
});
afterAll(() => t?.stop());

/** Sends the request, expects exactly one error with `code`, and that no table changed. */
async function refused(what: string, code: string, query: string, variables: Record<string, unknown> = {}) {
  const before = await snapshotTables(t.databaseUrl);
  const result = await t.gql(query, variables);
  expect(
    result.errors?.map((e) => e.extensions?.code),
    `${what}: refused with ${code}`,
  ).toEqual([code]);
  expect(await snapshotTables(t.databaseUrl), `${what}: no table changed`).toEqual(before);
  return result.errors![0]!;
}

const customers = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({ externalId: `${prefix}-${i}`, email: `${prefix}.${i}@example.com`, firstName: 'Ann' }));

describe('upsertCustomers', () => {
  it('one invalid email among many writes none of them, and the error names the record but not the email', async () => {
    const batch = customers(2000, 'batch');
    batch[1234]!.email = 'not-an-email-1234';
    const error = await refused('an invalid email at index 1234', 'BAD_USER_INPUT', UPSERT, { customers: batch });
    expect(error.message, 'the message names the record by index and external id').toContain('customers[1234]');
    expect(error.message, 'the message names the record by external id').toContain('batch-1234');
    expect(error.message, 'the message names the field').toContain('email');
    expect(error.message, 'the message does not echo the PII').not.toContain('not-an-email-1234');
    expect(error.extensions, 'the extensions point at the record').toMatchObject({ index: 1234, field: 'email' });
  });

  it('refuses each kind of bad record', async () => {
    const bad: Array<[string, Record<string, unknown>]> = [
      ['an empty externalId', { externalId: '  ' }],
      ['a phone with letters', { externalId: 'p', phone: 'call me' }],
      ['a three-letter country', { externalId: 'c', country: 'USA' }],
      ['a date of birth that is not YYYY-MM-DD', { externalId: 'd', dateOfBirth: '01/02/1990' }],
      ['a date of birth that is no calendar day', { externalId: 'd', dateOfBirth: '1990-02-31' }],
      ['a gender outside m/f', { externalId: 'g', gender: 'x' }],
      ['attributes that are not an object', { externalId: 'a', attributes: [1, 2] }],
    ];
    for (const [what, record] of bad) {
      await refused(what, 'BAD_USER_INPUT', UPSERT, { customers: [{ externalId: 'fine-1' }, record] });
    }
  });

  it('refuses an externalId given twice in one call', async () => {
    const error = await refused('a duplicate externalId', 'BAD_USER_INPUT', UPSERT, {
      customers: [{ externalId: 'twice' }, { externalId: 'once' }, { externalId: 'twice' }],
    });
    expect(error.message, 'the message names the second occurrence').toContain('customers[2]');
  });

  it('refuses more than 10,000 customers in one call', async () => {
    await refused('10,001 customers', 'BAD_USER_INPUT', UPSERT, {
      customers: Array.from({ length: 10_001 }, (_, i) => ({ externalId: `many-${i}` })),
    });
  });
});

describe('createDestination', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    [
      'missing required settings (FACEBOOK_ADS without adAccountId)',
      { name: 'fb', type: 'FACEBOOK_ADS', settings: {}, credentials: { accessToken: 't' } },
    ],
    [
      'an apiBaseUrl that is not a URL',
      {
        name: 'fb',
        type: 'FACEBOOK_ADS',
        settings: { adAccountId: '1', apiBaseUrl: 'graph facebook com' },
        credentials: { accessToken: 't' },
      },
    ],
    [
      'an apiBaseUrl that is not http(s)',
      {
        name: 'fb',
        type: 'FACEBOOK_ADS',
        settings: { adAccountId: '1', apiBaseUrl: 'ftp://graph.facebook.com' },
        credentials: { accessToken: 't' },
      },
    ],
    ['missing credentials for FACEBOOK_ADS', { name: 'fb', type: 'FACEBOOK_ADS', settings: { adAccountId: '1' } }],
    ['empty credentials for GOOGLE_ADS', { name: 'g', type: 'GOOGLE_ADS', settings: { customerId: '123-456-7890' }, credentials: {} }],
    [
      'an unknown settings key (a token pasted into settings)',
      { name: 'li', type: 'LINKEDIN_ADS', settings: { adAccountId: '1', accessToken: 'oops' }, credentials: { accessToken: 't' } },
    ],
    ['settings that are not an object', { name: 'w', type: 'WEB', settings: 'https://example.com' }],
    ['a WEB destination without its url', { name: 'w', type: 'WEB', settings: {} }],
    ['an empty name', { name: '   ', type: 'DMP', settings: { directory: '/tmp/x' } }],
    ['a batch size of zero', { name: 'd', type: 'DMP', settings: { directory: '/tmp/x', batchSize: 0 } }],
  ];
  for (const [what, input] of cases) {
    it(`refuses ${what} with BAD_USER_INPUT`, async () => {
      await refused(what, 'BAD_USER_INPUT', CREATE_DESTINATION, { input });
    });
  }

  it('refuses an unknown destination type before it runs', async () => {
    const before = await snapshotTables(t.databaseUrl);
    const result = await t.gql(CREATE_DESTINATION, { input: { name: 'x', type: 'MYSPACE', settings: {} } });
    expect(result.errors?.length, 'an unknown enum value is refused').toBe(1);
    expect(await snapshotTables(t.databaseUrl), 'no table changed').toEqual(before);
  });

  it('refuses a name that is taken with CONFLICT', async () => {
    await refused('a duplicate destination name', 'CONFLICT', CREATE_DESTINATION, {
      input: { name: 'dmp one', type: 'DMP', settings: { directory: '/tmp/again' } },
    });
  });
});

describe('updateDestination', () => {
  it('refuses an id that names no destination with NOT_FOUND', async () => {
    await refused('an unknown destination', 'NOT_FOUND', UPDATE_DESTINATION, {
      id: encodeGlobalID('Destination', 999_999),
      input: { enabled: false },
    });
  });

  it('refuses malformed and foreign ids with BAD_USER_INPUT', async () => {
    for (const id of [
      'garbage',
      '',
      encodeGlobalID('Segment', 1),
      encodeGlobalID('Destination', 'abc'),
      encodeGlobalID('Destination', -1),
    ]) {
      await refused(`the id "${id}"`, 'BAD_USER_INPUT', UPDATE_DESTINATION, { id, input: { enabled: false } });
    }
  });

  it('refuses a name another destination has with CONFLICT', async () => {
    await refused('renaming onto a taken name', 'CONFLICT', UPDATE_DESTINATION, { id: otherDmpId, input: { name: 'dmp one' } });
  });

  it('refuses settings invalid for the destination type, and credentials emptied where required', async () => {
    await refused('LINKEDIN settings without adAccountId', 'BAD_USER_INPUT', UPDATE_DESTINATION, {
      id: linkedinId,
      input: { settings: { apiBaseUrl: 'https://x.example' } },
    });
    await refused('a bad apiBaseUrl', 'BAD_USER_INPUT', UPDATE_DESTINATION, {
      id: dmpId,
      input: { settings: { directory: '/tmp/one', apiBaseUrl: 'nope' } },
    });
    await refused('credentials emptied for LINKEDIN', 'BAD_USER_INPUT', UPDATE_DESTINATION, { id: linkedinId, input: { credentials: {} } });
    await refused('a valid change together with a bad one', 'BAD_USER_INPUT', UPDATE_DESTINATION, {
      id: dmpId,
      input: { enabled: false, name: 'renamed', settings: { directory: '' } },
    });
  });
});

describe('createSegment and updateSegment', () => {
  it('refuses unknown customers in a static list and writes no segment', async () => {
    const error = await refused('unknown customers', 'BAD_USER_INPUT', CREATE_SEGMENT, {
      input: {
        name: 'with strangers',
        paidSyncEnabled: true,
        destinationIds: [dmpId],
        customerExternalIds: ['known-1', 'stranger-1', 'stranger-2'],
      },
    });
    expect(error.message, 'the message names the unknown customers').toContain('stranger-1');
  });

  it('refuses an unknown destination, a malformed destination id, both criteria and a list, and bad criteria', async () => {
    const base = { name: 'new segment', paidSyncEnabled: false, destinationIds: [] as string[] };
    await refused('an unknown destination', 'BAD_USER_INPUT', CREATE_SEGMENT, {
      input: { ...base, destinationIds: [encodeGlobalID('Destination', 424242)] },
    });
    await refused('a malformed destination id', 'BAD_USER_INPUT', CREATE_SEGMENT, { input: { ...base, destinationIds: ['nope'] } });
    await refused('criteria and a list', 'BAD_USER_INPUT', CREATE_SEGMENT, {
      input: { ...base, criteria: { all: [] }, customerExternalIds: ['known-1'] },
    });
    await refused('criteria with an unknown op', 'BAD_USER_INPUT', CREATE_SEGMENT, {
      input: { ...base, criteria: { field: 'country', op: 'like', value: 'U%' } },
    });
    await refused('criteria over an unknown column', 'BAD_USER_INPUT', CREATE_SEGMENT, {
      input: { ...base, criteria: { field: 'email', op: 'eq', value: 'a' } },
    });
    await refused('gt without a number', 'BAD_USER_INPUT', CREATE_SEGMENT, {
      input: { ...base, criteria: { attribute: 'age', op: 'gt', value: 'old' } },
    });
    await refused('an empty name', 'BAD_USER_INPUT', CREATE_SEGMENT, { input: { ...base, name: '' } });
    await refused('adConsent compared with a string', 'BAD_USER_INPUT', CREATE_SEGMENT, {
      input: { ...base, criteria: { field: 'adConsent', op: 'eq', value: 'maybe' } },
    });
    await refused('adConsent compared with gt', 'BAD_USER_INPUT', CREATE_SEGMENT, {
      input: { ...base, criteria: { field: 'adConsent', op: 'gt', value: 1 } },
    });
  });

  it('refuses criteria nested thousands deep with BAD_USER_INPUT (not a stack overflow)', async () => {
    const depth = 20_000;
    const criteria = '{"not":'.repeat(depth) + '{"all":[]}' + '}'.repeat(depth);
    const body = `{"query":${JSON.stringify(CREATE_SEGMENT)},"variables":{"input":{"name":"deep","paidSyncEnabled":false,"destinationIds":[],"criteria":${criteria}}}}`;
    const before = await snapshotTables(t.databaseUrl);
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminKey}` },
      body,
    });
    const result = (await response.json()) as { errors?: Array<{ extensions?: Record<string, unknown> }> };
    expect(
      result.errors?.map((e) => e.extensions?.code),
      'deep criteria are refused as bad input',
    ).toEqual(['BAD_USER_INPUT']);
    expect(await snapshotTables(t.databaseUrl), 'no table changed').toEqual(before);
    const { segments } = await t.ok('{ segments { name } }');
    expect(
      segments.map((s: { name: string }) => s.name),
      'rule segments a little nested still work',
    ).not.toContain('deep');
  });

  it('a rule on adConsent with a boolean works and counts members', async () => {
    const created = await t.ok(`mutation($input: CreateSegmentInput!) { createSegment(input: $input) { id memberCount } }`, {
      input: {
        name: 'consenting',
        paidSyncEnabled: false,
        destinationIds: [],
        criteria: { not: { not: { field: 'adConsent', op: 'eq', value: true } } },
      },
    });
    expect(created.createSegment.memberCount, 'both known customers consent by default').toBe(2);
  });

  it('refuses a taken name with CONFLICT', async () => {
    await refused('a duplicate segment name', 'CONFLICT', CREATE_SEGMENT, {
      input: { name: 'taken name', paidSyncEnabled: false, destinationIds: [] },
    });
    await refused('renaming onto a taken name', 'CONFLICT', UPDATE_SEGMENT, { id: segmentId, input: { name: 'taken name' } });
  });

  it('refuses an unknown segment with NOT_FOUND and a malformed one with BAD_USER_INPUT', async () => {
    await refused('an unknown segment', 'NOT_FOUND', UPDATE_SEGMENT, { id: encodeGlobalID('Segment', 777_777), input: { name: 'x' } });
    await refused('a destination id given as segment id', 'BAD_USER_INPUT', UPDATE_SEGMENT, { id: dmpId, input: { name: 'x' } });
  });

  it('an update with unknown customers keeps the old members, name and destinations', async () => {
    await refused('unknown customers in an update', 'BAD_USER_INPUT', UPDATE_SEGMENT, {
      id: segmentId,
      input: { name: 'renamed meanwhile', destinationIds: [otherDmpId], customerExternalIds: ['known-1', 'stranger-3'] },
    });
    const { segments } = await t.ok('{ segments { id name memberCount destinations { id } } }');
    expect(
      segments.find((s: { id: string }) => s.id === segmentId),
      'the segment is as it was',
    ).toEqual({
      id: segmentId,
      name: 'static two',
      memberCount: 2,
      destinations: [{ id: dmpId }],
    });
  });
});

describe('keys and the paid configuration', () => {
  it('refuses an empty key name, and unknown or malformed key ids', async () => {
    await refused('an empty key name', 'BAD_USER_INPUT', 'mutation { createApiKey(name: " ", role: VIEWER) { key } }');
    await refused('an unknown key', 'NOT_FOUND', 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', {
      id: encodeGlobalID('ApiKey', 55_555),
    });
    await refused('a malformed key id', 'BAD_USER_INPUT', 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: 'AAAA' });
    expect(viewerKeyId, 'a key exists to compare with').toBeTruthy();
  });

  it('refuses unknown destinations and destinations that take no conversions, changing nothing (not even the flag)', async () => {
    const MUTATION = `mutation($input: PaidConfigurationInput!) { updatePaidConfiguration(input: $input) { offlineConversionsEnabled } }`;
    await refused('an unknown conversion destination', 'BAD_USER_INPUT', MUTATION, {
      input: { offlineConversionsEnabled: true, conversionDestinationIds: [encodeGlobalID('Destination', 31337)] },
    });
    await refused('a LinkedIn conversion destination', 'BAD_USER_INPUT', MUTATION, {
      input: { offlineConversionsEnabled: true, conversionDestinationIds: [linkedinId] },
    });
    await refused('a malformed conversion destination id', 'BAD_USER_INPUT', MUTATION, {
      input: { offlineConversionsEnabled: true, conversionDestinationIds: ['%%%'] },
    });
  });
});

describe('the NUL character', () => {
  it('is refused with BAD_USER_INPUT wherever it is sent (PostgreSQL text cannot hold it)', async () => {
    await refused('NUL in an externalId', 'BAD_USER_INPUT', UPSERT, { customers: [{ externalId: 'nul\u0000id' }] });
    await refused('NUL in a first name', 'BAD_USER_INPUT', UPSERT, { customers: [{ externalId: 'fine', firstName: 'A\u0000' }] });
    await refused('NUL in an attribute', 'BAD_USER_INPUT', UPSERT, { customers: [{ externalId: 'fine', attributes: { note: '\u0000' } }] });
    await refused('NUL in a segment name', 'BAD_USER_INPUT', CREATE_SEGMENT, {
      input: { name: 'seg\u0000', paidSyncEnabled: false, destinationIds: [] },
    });
    await refused('NUL in a destination name', 'BAD_USER_INPUT', CREATE_DESTINATION, {
      input: { name: 'd\u0000', type: 'DMP', settings: { directory: '/tmp/x' } },
    });
    await refused(
      'NUL escaped in the query text',
      'BAD_USER_INPUT',
      'mutation { upsertCustomers(customers: [{ externalId: "esc\\u0000aped" }]) { count } }',
    );
  });
});

describe('queries and requests', () => {
  it('a malformed global id in a query is BAD_USER_INPUT, not a masked crash', async () => {
    for (const query of [
      '{ destination(id: "garbage") { id } }',
      '{ syncJob(id: "garbage") { id } }',
      '{ syncJobs(filter: { destinationId: "garbage" }) { totalCount } }',
      '{ queueItems(filter: { syncJobId: "garbage" }) { totalCount } }',
      '{ apiCalls(destinationId: "garbage") { totalCount } }',
    ]) {
      const result = await t.gql(query);
      expect(
        result.errors?.map((e) => e.extensions?.code),
        `${query} is refused with BAD_USER_INPUT`,
      ).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('refuses a query nested deeper than the limit, and one with too many aliases, before running it', async () => {
    let deep = 'id';
    for (let i = 0; i < 12; i++) deep = `parent { ${deep} }`;
    const tooDeep = await t.gql(`{ syncJobs { edges { node { ${deep} } } } }`);
    expect(
      tooDeep.errors?.map((e) => e.extensions?.code),
      'a too-deep query is BAD_USER_INPUT',
    ).toEqual(['BAD_USER_INPUT']);
    expect(tooDeep.data ?? null, 'a too-deep query runs nothing').toBeNull();
    const viaFragments = await t.gql(
      `query { syncJobs { edges { node { ...A } } } }
       fragment A on SyncJob { parent { ...B } } fragment B on SyncJob { parent { ...C } } fragment C on SyncJob { parent { ...D } }
       fragment D on SyncJob { parent { parent { parent { parent { parent { id } } } } } }`,
    );
    expect(
      viaFragments.errors?.map((e) => e.extensions?.code),
      'depth through fragments counts too',
    ).toEqual(['BAD_USER_INPUT']);
    let deepIntrospection = 'name';
    for (let i = 0; i < 6; i++) deepIntrospection = `fields { type { ${deepIntrospection} } }`;
    const tooDeepIntrospection = await t.gql(`{ __schema { types { ${deepIntrospection} } } }`);
    // (graphql-js adds its own "Maximum introspection depth exceeded" here as well)
    expect(
      tooDeepIntrospection.errors?.map((e) => e.extensions?.code),
      'introspection that branches too deep is refused too',
    ).toContain('BAD_USER_INPUT');
    expect(tooDeepIntrospection.data ?? null, 'the deep introspection ran nothing').toBeNull();
    const standard = await t.gql(getIntrospectionQuery());
    expect(standard.errors, 'the standard introspection query (GraphiQL, codegen) is within the limit').toBeUndefined();
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: destinations { id }`).join(' ');
    const tooMany = await t.gql(`{ ${aliases} }`);
    expect(
      tooMany.errors?.map((e) => e.extensions?.code),
      'too many aliases is BAD_USER_INPUT',
    ).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses an over-large body with 413 and writes nothing', async () => {
    const before = await snapshotTables(t.databaseUrl);
    const huge = Array.from({ length: 9000 }, (_, i) => ({ externalId: `huge-${i}`, attributes: { note: 'x'.repeat(1000) } }));
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminKey}` },
      body: JSON.stringify({ query: UPSERT, variables: { customers: huge } }),
    });
    expect(response.status, 'an over-large body is refused with 413').toBe(413);
    await response.arrayBuffer();
    expect(await snapshotTables(t.databaseUrl), 'the over-large request changed nothing').toEqual(before);
  });
});
