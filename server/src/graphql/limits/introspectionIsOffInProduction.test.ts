// With NODE_ENV=production (which requires PAIDSYNC_SECRET) the schema cannot be introspected and
// GraphiQL is not served; ordinary queries, and __typename, still work. In development both are on.
import { randomBytes } from 'node:crypto';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/testApp.ts';

let production: TestApp;
let development: TestApp;
beforeAll(async () => {
  production = await startTestApp({
    env: { NODE_ENV: 'production', PAIDSYNC_SECRET: 'production-secret-' + randomBytes(24).toString('hex') },
  });
  development = await startTestApp();
});
afterAll(async () => {
  await production?.stop();
  await development?.stop();
});

describe('in production', () => {
  it('refuses __schema and __type queries with BAD_USER_INPUT, over HTTP and graphql-ws', async () => {
    for (const query of [
      getIntrospectionQuery(),
      '{ __schema { types { name } } }',
      '{ __type(name: "Destination") { fields { name } } }',
    ]) {
      const result = await production.gql(query);
      expect(result.errors?.length, `introspection is refused: ${query.slice(0, 40)}`).toBeGreaterThan(0);
      expect(new Set(result.errors!.map((e) => e.extensions?.code)), 'every refusal is BAD_USER_INPUT').toEqual(
        new Set(['BAD_USER_INPUT']),
      );
      expect(result.data ?? null, 'no schema is returned').toBeNull();
    }
    const overWs = await new Promise<{ errors?: unknown[]; data?: unknown }>((resolve) => {
      const client = production.ws();
      let got: { errors?: unknown[]; data?: unknown } = {};
      client.subscribe(
        { query: '{ __schema { types { name } } }' },
        {
          next: (value) => (got = value as typeof got),
          error: (errors) => resolve({ errors: Array.isArray(errors) ? errors : [errors] }),
          complete: () => resolve(got),
        },
      );
    });
    expect(overWs.errors?.length, 'introspection over graphql-ws is refused too').toBeGreaterThan(0);
    expect(overWs.data ?? null, 'no schema over graphql-ws').toBeNull();
  });

  it('still answers ordinary queries and __typename, and serves no GraphiQL', async () => {
    const result = await production.gql('{ __typename destinations { id __typename } }');
    expect(result, 'an ordinary query works').toEqual({ data: { __typename: 'Query', destinations: [] } });
    const page = await fetch(`${production.url}/graphql`, { headers: { accept: 'text/html' } });
    const html = await page.text();
    expect(html.toLowerCase(), 'no GraphiQL page in production').not.toContain('graphiql');
  });
});

describe('in development', () => {
  it('allows introspection (GraphiQL and codegen use it)', async () => {
    const result = await development.gql(getIntrospectionQuery());
    expect(result.errors, 'introspection works in development').toBeUndefined();
  });
});
