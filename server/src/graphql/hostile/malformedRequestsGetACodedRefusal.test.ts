// A request that is not a well-formed GraphQL request at all (broken JSON, no query, wrong shapes,
// syntax errors, unknown fields or operations, wrong variable types) is refused with a 4xx and an
// error whose extensions.code is BAD_USER_INPUT, over HTTP and over graphql-ws: never a 5xx, never
// a code-less error, and never an echo of the values sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribe } from '../../../test/support/subscription.ts';
import { startTestApp, type TestApp } from '../../../test/support/testApp.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.stop());

const MARK = 'echo-me-4711@example.com';

async function raw(body: string, contentType = 'application/json') {
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': contentType, authorization: `Bearer ${t.adminKey}` },
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    body: JSON.parse(text) as { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> },
  };
}

describe('over HTTP', () => {
  const cases: Array<[string, string, string?]> = [
    ['a body that is not JSON', '{"query": "{ destinations { id } }"'],
    ['a JSON body that is not an object', '"just a string"'],
    ['no query', '{}'],
    ['a query that is not a string', '{"query": 42}'],
    ['variables that are not an object', JSON.stringify({ query: '{ destinations { id } }', variables: [MARK] })],
    ['a syntax error quoting a string', JSON.stringify({ query: `{ destinations { "${MARK}" } }` })],
    ['an unknown field', JSON.stringify({ query: '{ customers { email } }' })],
    ['an unknown operation name', JSON.stringify({ query: 'query A { destinations { id } }', operationName: 'B' })],
    ['two operations and no operation name', JSON.stringify({ query: 'query A { destinations { id } } query B { segments { id } }' })],
    [
      'a variable of the wrong type quoting PII',
      JSON.stringify({ query: 'query($id: ID!) { destination(id: $id) { id } }', variables: { id: { email: MARK } } }),
    ],
    ['a missing required variable', JSON.stringify({ query: 'query($id: ID!) { destination(id: $id) { id } }' })],
    ['an argument literal of the wrong type quoting PII', JSON.stringify({ query: `{ syncJobs(first: "${MARK}") { totalCount } }` })],
    ['a cursor that is not one', JSON.stringify({ query: `{ syncJobs(after: "${MARK}") { totalCount } }` })],
    ['a node id quoting PII', JSON.stringify({ query: `{ node(id: "${MARK}") { id } }` })],
    ['a negative page size', JSON.stringify({ query: '{ syncJobs(first: -1) { totalCount } }' })],
  ];
  for (const [what, body, contentType] of cases) {
    it(`refuses ${what} with BAD_USER_INPUT and no 5xx`, async () => {
      const result = await raw(body, contentType);
      expect(result.status, `${what}: not a server error (got ${result.status}: ${result.text.slice(0, 300)})`).toBeLessThan(500);
      expect(result.body.errors?.length, `${what}: refused with errors`).toBeGreaterThan(0);
      expect(
        result.body.errors!.map((e) => e.extensions?.code),
        `${what}: every error is BAD_USER_INPUT`,
      ).toEqual(result.body.errors!.map(() => 'BAD_USER_INPUT'));
      expect(result.text, `${what}: the values sent are not quoted back`).not.toContain(MARK);
    });
  }

  it('refuses a body of an unsupported content type with a 4xx, running nothing', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${t.adminKey}` },
      body: `mutation { createApiKey(name: "${MARK}", role: ADMIN) { key } }`,
    });
    const text = await response.text();
    expect(response.status, `a text/plain body is refused with a 4xx (got ${response.status})`).toBeGreaterThanOrEqual(400);
    expect(response.status, 'not a server error').toBeLessThan(500);
    expect(text, 'nothing quoted back').not.toContain(MARK);
    const { apiKeys } = await t.ok('{ apiKeys { name } }');
    expect(
      apiKeys.map((k: { name: string }) => k.name),
      'the mutation did not run',
    ).not.toContain(MARK);
  });
});

describe('over graphql-ws', () => {
  it('refuses syntax errors, unknown fields and wrongly typed variables with BAD_USER_INPUT, quoting nothing', async () => {
    const client = t.ws();
    for (const [what, query, variables] of [
      ['a syntax error', `{ destinations { "${MARK}" } }`, {}],
      ['an unknown field', '{ customers { email } }', {}],
      ['a wrongly typed variable', 'subscription($f: SyncJobFilter) { syncJobUpdated(filter: $f) { id } }', { f: { status: [MARK] } }],
    ] as const) {
      const subscription = subscribe(client, query, variables);
      const ending = await subscription.ended();
      const errors = ending.errors ?? subscription.received.flatMap((p) => p.errors ?? []);
      expect(errors.length, `${what}: refused`).toBeGreaterThan(0);
      expect(
        errors.map((e) => e.extensions?.code),
        `${what}: every error is BAD_USER_INPUT`,
      ).toEqual(errors.map(() => 'BAD_USER_INPUT'));
      expect(JSON.stringify(errors), `${what}: nothing quoted back`).not.toContain(MARK);
    }
  });
});
