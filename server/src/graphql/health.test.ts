import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/testApp.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.stop());

describe('a started server', () => {
  it('answers /healthz when its database is reachable', async () => {
    const response = await fetch(`${t.url}/healthz`);
    expect(response.status, 'healthz status').toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers { destinations { id } } with the admin key', async () => {
    expect(await t.ok('{ destinations { id } }')).toEqual({ destinations: [] });
  });
});
