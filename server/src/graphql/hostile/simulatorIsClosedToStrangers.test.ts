// Done when 2 of "Closed to strangers": the simulator is not served in production unless asked for;
// mounted in the server, its control endpoints need an ADMIN key; a gzip bomb is refused once its
// inflated size passes the body limit, without inflating the rest (CPU measured with
// process.cpuUsage: inflating it all would take seconds).
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { startSimulator, type StartedSimulator } from '../../simulator/index.ts';
import { MAX_INFLATED_BYTES } from '../../simulator/simulatorHttp.ts';
import { startTestApp, type TestApp } from '../../../test/support/testApp.ts';

describe('in production', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { NODE_ENV: 'production', PAIDSYNC_SECRET: 'p'.repeat(32), PAIDSYNC_SIMULATOR: '' } });
  });
  afterAll(async () => t?.stop());

  it('the embedded database does not turn the simulator on, and nothing answers under /sim/', async () => {
    const embedded = loadConfig({ NODE_ENV: 'production', PAIDSYNC_SECRET: 'p'.repeat(32) });
    expect(embedded.databaseUrl, 'no DATABASE_URL: the embedded database').toBeNull();
    expect(embedded.simulator, 'the simulator is off in production').toBe(false);
    expect(loadConfig({ PAIDSYNC_SECRET: 'p'.repeat(32) }).simulator, 'outside production it stays the embedded default').toBe(true);
    for (const path of ['/sim/_state', '/sim/facebook/v21.0/act_1/customaudiences']) {
      const response = await fetch(`${t.url}${path}`);
      expect(response.headers.get('content-type') ?? '', `${path} is not the simulator's JSON`).not.toMatch(/json/);
    }
  });
});

describe('mounted in the server', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { PAIDSYNC_SIMULATOR: 'on' } });
  });
  afterAll(async () => t?.stop());

  it('refuses the control endpoints without an ADMIN key, and serves them with one', async () => {
    const viewer = await t.keyFor('VIEWER');
    const operator = await t.keyFor('OPERATOR');
    const requests = [
      { method: 'POST', path: '/sim/_control', body: JSON.stringify({ clearFaults: true }) },
      { method: 'POST', path: '/sim/_reset', body: '' },
      { method: 'GET', path: '/sim/_state' },
    ];
    for (const { method, path, body } of requests) {
      for (const key of [null, 'psk_made_up', viewer, operator]) {
        const response = await fetch(`${t.url}${path}`, { method, body, headers: key ? { authorization: `Bearer ${key}` } : {} });
        expect(response.status, `${method} ${path} with ${key ? 'a non-admin key' : 'no key'} is refused`).toBe(401);
      }
    }
    const state = await fetch(`${t.url}/sim/_state`, { headers: { authorization: `Bearer ${t.adminKey}` } });
    expect(state.status, 'an ADMIN key may read the state').toBe(200);
    expect(Object.keys(await state.json()), 'the state summary').toContain('facebook');
  });
});

describe('request bodies', () => {
  let sim: StartedSimulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => sim?.close());

  it('refuses a gzip bomb (1 GB of zeros in 1 MB) with 413, without inflating it all', async () => {
    // concatenated gzip members inflate one after another: 1,024 copies of 1 MB of zeros
    const member = gzipSync(Buffer.alloc(1024 * 1024));
    const bomb = Buffer.concat(Array.from({ length: 1024 }, () => member));
    expect(bomb.length, 'the bomb is small on the wire').toBeLessThan(2 * 1024 * 1024);
    expect(1024 * 1024 * 1024, 'and inflates far past the limit').toBeGreaterThan(MAX_INFLATED_BYTES * 10);
    const started = process.cpuUsage();
    const response = await fetch(`${sim.url}/web/crm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: bomb,
    });
    const used = process.cpuUsage(started);
    expect(response.status, 'the bomb is refused as too large').toBe(413);
    const cpuMs = (used.user + used.system) / 1000;
    console.log(`gzip bomb refused after ${cpuMs.toFixed(0)} ms of CPU`);
    expect(cpuMs, 'inflating stopped at the limit (1 GB would take seconds of CPU)').toBeLessThan(1000);
    expect(sim.simulator.state.web.batches, 'nothing was handled').toEqual([]);
  });

  it('refuses a body over the limit before reading it', async () => {
    const response = await fetch(`${sim.url}/web/crm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(MAX_INFLATED_BYTES + 1, 32),
    });
    expect(response.status, 'a body over the limit is refused').toBe(413);
  });
});
