// Done when 1 of "Closed to strangers": a stranger's 6 MB query is refused UNAUTHENTICATED before it
// is parsed or validated. The server runs in this process, so process.cpuUsage() around a request
// counts the server's CPU (and the client's few writes), not wall time; the heap is read after a
// full collection.
import http from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/testApp.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.stop());

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const SIX_MB = 6 * 1024 * 1024;
// a valid query of many selections: without the key check first it is parsed, then validated
const body = Buffer.from(JSON.stringify({ query: `{ ${'me { role } '.repeat(Math.ceil(SIX_MB / 12))} }` }));

function post(payload: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(payload.length), ...headers },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

it('refuses a 6 MB query without a key UNAUTHENTICATED, in under 100 ms of CPU, and 20 of them leave the heap where it was', async () => {
  expect(body.length, 'the query is 6 MB').toBeGreaterThanOrEqual(SIX_MB);
  await post(Buffer.from('{"query":"{ me { role } }"}')); // warm the path
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const cpu: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = process.cpuUsage();
    const answer = await post(body);
    cpu.push(cpuMs(started));
    expect(answer.status, 'a request without a key is answered 401').toBe(401);
    expect(JSON.parse(answer.text).errors[0].extensions.code, 'and refused UNAUTHENTICATED').toBe('UNAUTHENTICATED');
  }
  gc();
  const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
  console.log(
    `6 MB keyless query: CPU per refusal ${cpu.map((c) => c.toFixed(1)).join(', ')} ms; heap growth after 20: ${heapGrowthMb.toFixed(1)} MB`,
  );
  expect(Math.max(...cpu), 'each refusal costs under 100 ms of CPU (nothing is parsed)').toBeLessThan(100);
  expect(heapGrowthMb, 'twenty refusals leave the heap within 50 MB of where it started').toBeLessThan(50);
});

it('refuses the same query with a made-up key the same way, and still answers a keyed query', async () => {
  const answer = await post(body, { authorization: 'Bearer psk_aaaaaaaaaaaa_' + 'b'.repeat(43) });
  expect(answer.status, 'an unknown key is answered 401').toBe(401);
  expect(JSON.parse(answer.text).errors[0].extensions.code, 'refused UNAUTHENTICATED').toBe('UNAUTHENTICATED');
  const keyed = await t.gql<{ me: { role: string } }>('{ me { role } }');
  expect(keyed.data?.me.role, 'a request with a valid key is served as before').toBe('ADMIN');
});

it('parses a keyed document only up to a token limit', async () => {
  const answer = await post(body, { authorization: `Bearer ${t.adminKey}` });
  const error = JSON.parse(answer.text).errors[0];
  expect(error.extensions.code, 'a document too long to parse is bad input').toBe('BAD_USER_INPUT');
  expect(error.message, 'refused for its token count').toMatch(/tokens/);
});
