// The body limit holds whether or not the client says how long its body is: a Content-Length over
// the limit is refused before the body is read, and a chunked body is counted as it arrives. Either
// way the answer is HTTP 413 with the contract's BAD_USER_INPUT code.
import http from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/testApp.ts';
import { MAX_BODY_BYTES } from './operationLimits.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.stop());

/** POSTs the body in chunks without a Content-Length (Transfer-Encoding: chunked) */
function postChunked(body: string, chunkSize = 64 * 1024): Promise<{ status: number; text: string }> {
  const url = new URL(`${t.url}/graphql`);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminKey}` },
      },
      (response) => {
        let text = '';
        response.on('data', (c: Buffer) => (text += c.toString()));
        response.on('end', () => resolve({ status: response.statusCode!, text }));
      },
    );
    request.on('error', reject);
    for (let i = 0; i < body.length; i += chunkSize) request.write(body.slice(i, i + chunkSize));
    request.end();
  });
}

it('answers a small chunked request as usual', async () => {
  const response = await postChunked(JSON.stringify({ query: '{ destinations { id } }' }), 8);
  expect(response.status, response.text).toBe(200);
  expect(JSON.parse(response.text), 'the query ran').toEqual({ data: { destinations: [] } });
});

it('refuses a chunked body over the limit with 413', async () => {
  const padding = 'x'.repeat(MAX_BODY_BYTES);
  const response = await postChunked(JSON.stringify({ query: '{ destinations { id } }', variables: { padding } }));
  expect(response.status, `a chunked body over ${MAX_BODY_BYTES} bytes is refused: ${response.text.slice(0, 200)}`).toBe(413);
  expect(JSON.parse(response.text).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
});

it('refuses a declared Content-Length over the limit with 413 before reading the body', async () => {
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminKey}` },
    body: JSON.stringify({ query: '{ destinations { id } }', variables: { padding: 'x'.repeat(MAX_BODY_BYTES) } }),
  });
  expect(response.status, 'refused by its Content-Length').toBe(413);
  expect(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe(
    'BAD_USER_INPUT',
  );
});
