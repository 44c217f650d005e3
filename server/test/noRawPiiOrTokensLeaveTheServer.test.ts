// Raw PII and secrets never leave through a side door. A realistic run goes through the real server:
// customers with PII, segment syncs and offline conversions to Web and Facebook destinations on the
// simulator (accepted, rejected, throttled, down, bad token), and bad input built to make errors
// quote what was sent (wrong types, unknown fields, bad literals, syntax errors, bad ids, over HTTP
// and graphql-ws). Then every log line (debug level), every stored API call, every error message a
// client got, the tables the dashboard shows, and the dashboard's pages are searched for each raw
// email, phone, name, address, API key, destination credential and PAIDSYNC_SECRET.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type StartedSimulator } from '../src/simulator/index.ts';
import { subscribe } from './support/subscription.ts';
import { startTestApp, type TestApp } from './support/testApp.ts';
import { assertDashboardBuilt, launchBrowser, signIn } from '../../web/tests/browser.ts';

const tag = randomBytes(4).toString('hex');
const people = Array.from({ length: 4 }, (_, i) => ({
  externalId: `pii-${tag}-${i}`,
  email: `Zelda.Quorwyn${i}.${tag}@Example.com`,
  phone: `+1 (555) 01${i}-77${i}${i}`,
  firstName: `Zeldaxia${i}${tag}`,
  lastName: `Quorwynth${i}${tag}`,
  city: `Brindlemoor${i}${tag}`,
  zip: `9${i}1${i}3`,
  state: 'CA',
  country: 'US',
  dateOfBirth: `19${70 + i}-0${i + 1}-1${i}`,
  gender: i % 2 ? 'm' : 'f',
}));
const SECRET = `pii-secret-${randomBytes(24).toString('hex')}`;
const FB_TOKEN = `EAAB${randomBytes(20).toString('hex')}`;
const SIGNING = `signing-${randomBytes(16).toString('hex')}`;

/** what must not appear, by name (each also looked for lower-cased, and phones as bare digits) */
function needles(keys: Record<string, string>) {
  const list: Array<[string, string]> = [];
  for (const p of people) {
    list.push([`email of ${p.externalId}`, p.email], [`email of ${p.externalId} (normalised)`, p.email.toLowerCase()]);
    list.push([`phone of ${p.externalId}`, p.phone], [`phone of ${p.externalId} (digits)`, p.phone.replace(/\D/g, '')]);
    list.push(
      [`first name of ${p.externalId}`, p.firstName],
      [`last name of ${p.externalId}`, p.lastName],
      [`city of ${p.externalId}`, p.city],
    );
    list.push(
      [`first name of ${p.externalId} (normalised)`, p.firstName.toLowerCase()],
      [`city of ${p.externalId} (normalised)`, p.city.toLowerCase()],
    );
  }
  list.push(['PAIDSYNC_SECRET', SECRET], ['the Facebook access token', FB_TOKEN], ['the Web signing secret', SIGNING]);
  for (const [name, key] of Object.entries(keys))
    list.push([`the ${name} API key`, key], [`the secret part of the ${name} API key`, key.slice(-43)]);
  return list;
}

let t: TestApp;
let sim: StartedSimulator;
let db: pg.Client;
const logLines: string[] = [];
const errorsSeen: Array<{ request: string; errors: unknown }> = [];
const keys: Record<string, string> = {};

/** a GraphQL call whose errors, if any, are kept for the search */
async function call(query: string, variables: Record<string, unknown> = {}, key: string | null = t.adminKey, what = query.slice(0, 60)) {
  const result = await t.gql(query, variables, key);
  if (result.errors) errorsSeen.push({ request: what, errors: result.errors });
  return result;
}

async function settle(timeoutMs = 25_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM sync_jobs WHERE status IN ('PENDING', 'RUNNING')`);
    const { rows: items } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM queue_items WHERE status IN ('PENDING', 'SENDING')`);
    if ((rows[0]!.n === '0' && items[0]!.n === '0') || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  sim = await startSimulator();
  t = await startTestApp({
    env: { PAIDSYNC_LOG_LEVEL: 'debug', PAIDSYNC_SECRET: SECRET, PAIDSYNC_BACKOFF_BASE_MS: '10' },
    log: (line) => logLines.push(line),
  });
  db = new pg.Client({ connectionString: t.databaseUrl });
  await db.connect();
  keys.admin = t.adminKey;
  keys.operator = await t.keyFor('OPERATOR');
  keys.viewer = await t.keyFor('VIEWER');

  await fetch(`${sim.url}/_control`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ webSecrets: { crm: SIGNING } }),
  });
  const create = async (input: Record<string, unknown>) =>
    (await t.ok('mutation($i: CreateDestinationInput!) { createDestination(input: $i) { id } }', { i: input })).createDestination
      .id as string;
  const crm = await create({ name: 'crm', type: 'WEB', settings: { url: `${sim.url}/web/crm` }, credentials: { signingSecret: SIGNING } });
  const flaky = await create({ name: 'flaky', type: 'WEB', settings: { url: `${sim.url}/web/flaky` } });
  const down = await create({ name: 'down', type: 'WEB', settings: { url: `${sim.url}/web/down` } });
  const fb = await create({
    name: 'fb',
    type: 'FACEBOOK_ADS',
    settings: { apiBaseUrl: `${sim.url}/facebook`, adAccountId: 'act_1234', pixelId: '555' },
    credentials: { accessToken: FB_TOKEN },
  });
  await fetch(`${sim.url}/_control`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      faults: [
        { network: 'web', endpoint: 'flaky', kind: 'rejectRecords', values: [people[1]!.externalId], reason: 'bad record' },
        { network: 'web', endpoint: 'flaky', kind: 'rateLimit', retryAfterSeconds: 1, count: 1 },
        { network: 'web', endpoint: 'down', kind: 'outage' },
      ],
    }),
  });

  await t.ok('mutation($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { count } }', { c: people }, keys.operator);
  const segment = await t.ok('mutation($i: CreateSegmentInput!) { createSegment(input: $i) { id } }', {
    i: {
      name: 'pii people',
      paidSyncEnabled: true,
      destinationIds: [crm, flaky, down, fb],
      customerExternalIds: people.map((p) => p.externalId),
    },
  });
  await t.ok('mutation($s: ID!) { triggerSegmentSync(segmentId: $s) { id } }', { s: segment.createSegment.id }, keys.operator);
  await t.ok(
    'mutation($s: ID!) { triggerSegmentSync(segmentId: $s, dryRun: true) { id } }',
    { s: segment.createSegment.id },
    keys.operator,
  );
  await t.ok(
    'mutation($d: [ID!]) { updatePaidConfiguration(input: { offlineConversionsEnabled: true, conversionDestinationIds: $d }) { offlineConversionsEnabled } }',
    {
      d: [crm, fb],
    },
  );
  for (const [i, p] of people.entries()) {
    await t.ok(
      'mutation($i: CapturePaidResponseInput!) { capturePaidResponse(input: $i) { duplicate } }',
      {
        i: {
          eventId: `pii-event-${tag}-${i}`,
          conversionName: 'Purchase',
          occurredAt: new Date().toISOString(),
          customerExternalId: p.externalId,
          value: 10,
          currency: 'USD',
        },
      },
      keys.operator,
    );
  }
  await settle();
  // a bad token: the Facebook destination's next sync fails in the sync layer
  await fetch(`${sim.url}/_control`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ faults: [{ network: 'facebook', kind: 'invalidToken' }] }),
  });
  await t.ok('mutation { upsertCustomers(customers: [{ externalId: "pii-late", email: "late@example.com" }]) { count } }');
  await t.ok('mutation($id: ID!, $i: UpdateSegmentInput!) { updateSegment(id: $id, input: $i) { id } }', {
    id: segment.createSegment.id,
    i: { customerExternalIds: [...people.map((p) => p.externalId), 'pii-late'] },
  });
  await t.ok('mutation($s: ID!) { triggerSegmentSync(segmentId: $s) { id } }', { s: segment.createSegment.id });
  await settle();

  // bad input built to be quoted back
  const p = people[0]!;
  const UPSERT = 'mutation($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { count } }';
  await call(UPSERT, { c: [{ externalId: 'bad-1', email: `not an email ${p.email}` }] });
  await call(UPSERT, { c: [{ externalId: 'bad-2', email: p.email, firstName: 12345, lastName: p.lastName, phone: p.phone }] });
  await call(UPSERT, { c: [{ externalId: 'bad-3', email: p.email, phoneNumber: p.phone, city: p.city }] });
  await call(UPSERT, { c: { externalId: 'bad-4', email: [p.email], firstName: { name: p.firstName } } });
  await call(UPSERT, { c: [{ externalId: 'bad-5', email: p.email, adConsent: p.firstName }] });
  await call(UPSERT, { c: [{ externalId: 'bad-6', phone: `${p.phone} ext. nine`, firstName: p.firstName }] });
  await call(UPSERT, { c: [{ externalId: 'bad-7', dateOfBirth: p.city, zip: p.zip }] });
  await call(
    `mutation { upsertCustomers(customers: [{ externalId: "lit-1", email: ["${p.email}"], firstName: { x: "${p.firstName}" } }]) { count } }`,
  );
  await call(`mutation { upsertCustomers(customers: [{ externalId: "lit-2", email: "${p.email}", gender: ${p.lastName} }]) { count } }`);
  await call(`mutation { upsertCustomers(customers: [{ externalId: "syn", email: "${p.email}" }] { count } }`);
  await call(`{ "${p.email}" }`);
  await call(`{ node(id: "${p.email}") { id } destination(id: "${p.phone}") { id } }`);
  await call('mutation($i: CreateSegmentInput!) { createSegment(input: $i) { id } }', {
    i: { name: 'by email', paidSyncEnabled: false, destinationIds: [], criteria: { field: 'email', op: 'eq', value: p.email } },
  });
  await call('mutation($i: CreateSegmentInput!) { createSegment(input: $i) { id } }', {
    i: { name: 'by name', paidSyncEnabled: false, destinationIds: [], criteria: { attribute: 'score', op: 'gt', value: p.firstName } },
  });
  await call('mutation($i: CapturePaidResponseInput!) { capturePaidResponse(input: $i) { duplicate } }', {
    i: { eventId: 'pii-bad', conversionName: 'Purchase', occurredAt: p.email, customerExternalId: p.externalId, currency: p.lastName },
  });
  await call('mutation($i: CreateDestinationInput!) { createDestination(input: $i) { id } }', {
    i: {
      name: 'leaky',
      type: 'FACEBOOK_ADS',
      settings: { adAccountId: p.phone, accessToken: FB_TOKEN },
      credentials: { accessToken: FB_TOKEN, signingSecret: SIGNING },
    },
  });
  await call('{ destinations { id } }', {}, `${keys.operator}x`, 'a wrong key');
  await call('{ destinations { id } }', {}, SECRET, 'the secret as a key');
  const overWs = subscribe(t.ws(keys.operator), UPSERT, {
    c: [{ externalId: 'ws-1', email: p.email, firstName: 7, lastName: p.lastName }],
  });
  const ending = await overWs.ended();
  errorsSeen.push({ request: 'over graphql-ws', errors: ending.errors ?? overWs.received.flatMap((r) => r.errors ?? []) });
  await settle(5_000);
}, 120_000);

afterAll(async () => {
  await db?.end();
  await t?.stop();
  await sim?.close();
});

function search(where: string, text: string) {
  const found: string[] = [];
  const lower = text.toLowerCase();
  for (const [name, value] of needles(keys)) {
    const index = lower.indexOf(value.toLowerCase());
    if (index >= 0)
      found.push(
        `${name} in ${where}: …${text.slice(Math.max(0, index - 80), index)}[HERE]${text.slice(index + value.length, index + value.length + 40)}…`,
      );
  }
  return found;
}

describe('after a realistic run with failures and bad input', () => {
  it('the scenario did what it should: syncs ran, some failed, bad input was refused', async () => {
    const { rows } = await db.query<{ status: string; n: string }>('SELECT status, count(*) AS n FROM sync_jobs GROUP BY status');
    expect(rows.length, `sync jobs ran (${JSON.stringify(rows)})`).toBeGreaterThan(0);
    const { rows: calls } = await db.query<{ n: string }>('SELECT count(*) AS n FROM api_calls');
    expect(Number(calls[0]!.n), 'requests to destinations were recorded').toBeGreaterThan(3);
    expect(errorsSeen.length, 'every bad request was refused').toBeGreaterThanOrEqual(18);
    expect(logLines.length, 'the server logged (at debug level)').toBeGreaterThan(0);
  });

  it('no log line holds raw PII, a key, a credential or the secret', () => {
    const hits = logLines.flatMap((line, i) => search(`log line ${i}`, line));
    expect(hits, 'nothing found in the logs').toEqual([]);
  });

  it('no API call record holds them (url, headers, bodies)', async () => {
    const { rows } = await db.query<{ row: string }>('SELECT t::text AS row FROM api_calls t');
    expect(
      rows.flatMap((r, i) => search(`api_calls row ${i}`, r.row)),
      'nothing found in api_calls',
    ).toEqual([]);
  });

  it('no GraphQL error a client got quotes them', () => {
    const hits = errorsSeen.flatMap((e) => search(`the errors of "${e.request}"`, JSON.stringify(e.errors)));
    expect(hits, 'nothing found in any error').toEqual([]);
  });

  it('nothing the dashboard shows holds them: jobs, items, rejected records, conversions, and its pages', async () => {
    const hits: string[] = [];
    for (const table of ['sync_jobs', 'queue_items', 'rejected_records', 'conversion_events', 'destinations', 'segments', 'api_keys']) {
      const { rows } = await db.query<{ row: string }>(`SELECT t::text AS row FROM ${table} t`);
      hits.push(...rows.flatMap((r, i) => search(`${table} row ${i}`, r.row)));
    }
    // the dashboard renders in the browser from the API's answers: its server-sent HTML is an empty
    // shell, so the pages are searched as a signed-in browser renders them
    assertDashboardBuilt();
    const browser = await launchBrowser();
    try {
      const page = await signIn(browser, t.url, t.adminKey);
      for (const path of ['/', '/overview', '/api-calls', '/conversions', '/destinations', '/segments', '/settings']) {
        await page.goto(`${t.url}${path}`);
        await page.getByRole('navigation', { name: 'Sections' }).waitFor();
        await page.waitForLoadState('networkidle');
        await expect.poll(() => page.locator('.notice.loading').count(), { message: `${path} finished loading` }).toBe(0);
        hits.push(...search(`the page ${path} as rendered`, (await page.content()).split(t.adminKey).join('')));
      }
    } finally {
      await browser.close();
    }
    expect(hits, 'nothing found in what the dashboard shows').toEqual([]);
  });
});
