import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator } from './createSimulator.ts';

// The main server mounts the simulator as one of its routes; everything else must fall through.
const simulator = createSimulator({ basePath: '/sim' });
let server: http.Server;
let base: string;
beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    if (await simulator.handle(req, res)) return;
    res.writeHead(418);
    res.end('not the simulator');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the simulator mounted in another server', () => {
  it('handles paths under its basePath and returns false for others', async () => {
    const own = await fetch(`${base}/sim/web/crm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ audience: 'a', operation: 'add', records: [{ id: '1' }] }),
    });
    expect(own.status).toBe(200);
    expect((await fetch(`${base}/graphql`)).status, 'other paths fall through').toBe(418);
    expect((await fetch(`${base}/simulator`)).status, 'a path merely starting with the same letters is not its own').toBe(418);
    expect(simulator.state.web.batches).toHaveLength(1);
  });
});
