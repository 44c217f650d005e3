// A query of the API cannot hold a database connection for long: the API's connections carry a
// statement_timeout (the workers' set-based stages keep theirs unbounded).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { API_STATEMENT_TIMEOUT_MS } from '../app.ts';
import { startTestApp, type TestApp } from '../../test/support/testApp.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.stop());

it('runs API statements under a statement_timeout', async () => {
  const { rows } = await t.app.services.pool.query<{ ms: string }>("SELECT current_setting('statement_timeout') AS ms");
  expect(rows[0]!.ms, 'the API pool has the timeout').toBe(`${API_STATEMENT_TIMEOUT_MS / 1000}s`);
});
