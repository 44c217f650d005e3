// One GraphQL POST over real HTTP with the headers a partner sends, `Idempotency-Key` among them;
// the answer with its HTTP status, for tests that look at both.
import type { GraphQLResult } from './testApp.ts';

export interface GraphQLResponse<T = any> extends GraphQLResult<T> {
  status: number;
  retryAfter: string | null;
}

export async function postGraphQL<T = any>(
  url: string,
  request: { apiKey: string; query: string; variables?: Record<string, unknown>; idempotencyKey?: string },
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${request.apiKey}`,
      ...(request.idempotencyKey !== undefined ? { 'idempotency-key': request.idempotencyKey } : {}),
    },
    body: JSON.stringify({ query: request.query, variables: request.variables }),
  });
  const body = (await response.json()) as GraphQLResult<T>;
  return { ...body, status: response.status, retryAfter: response.headers.get('retry-after') };
}
