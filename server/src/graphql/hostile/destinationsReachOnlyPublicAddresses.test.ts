// Done when 3 of "Closed to strangers": an ADMIN cannot point a destination at the metadata
// endpoint, the private network or loopback (literally, through an IPv4-mapped IPv6 address, or
// through a public-looking name that resolves there), neither when saving it nor, through DNS
// rebinding, when it connects; and a redirect to an internal address is not followed.
// PAIDSYNC_ALLOW_PRIVATE_HOSTS names only `redirector.test` here; names resolve through the
// test's own table.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncScenario, type SyncScenario } from '../../../test/support/syncScenario.ts';

const PUBLIC = '198.51.100.7';
let flipCalls = 0;
const names: Record<string, () => string> = {
  'public.example.com': () => PUBLIC,
  'rebind.example.com': () => '127.0.0.1',
  // public when the destination is saved, loopback when it connects
  'flip.example.com': () => (++flipCalls === 1 ? PUBLIC : '127.0.0.1'),
  'redirector.test': () => '127.0.0.1',
};

let s: SyncScenario;
let internal: http.Server;
const internalHits: string[] = [];
let redirector: http.Server;
const port = (server: http.Server) => (server.address() as AddressInfo).port;

beforeAll(async () => {
  // stands for a service on the server's own network that must never be reached
  internal = http.createServer((req, res) => {
    internalHits.push(`${req.method} ${req.url}`);
    res.end('{"secret":"internal"}');
  });
  redirector = http.createServer((_req, res) => {
    res.writeHead(302, { location: `http://127.0.0.1:${port(internal)}/latest/meta-data` });
    res.end();
  });
  await new Promise<void>((r) => internal.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
  s = await startSyncScenario({
    env: { PAIDSYNC_ALLOW_PRIVATE_HOSTS: 'redirector.test' },
    resolveHost: async (hostname) => {
      const address = names[hostname]?.();
      if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return [{ address, family: 4 }];
    },
  });
});
afterAll(async () => {
  await s?.stop();
  internal?.close();
  redirector?.close();
});

const CREATE = 'mutation($input: CreateDestinationInput!) { createDestination(input: $input) { id settings } }';
const UPDATE = 'mutation($id: ID!, $input: UpdateDestinationInput!) { updateDestination(id: $id, input: $input) { id settings } }';

describe('saving a destination', () => {
  const forbidden = [
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
    'http://10.1.2.3/hook',
    'http://[::ffff:169.254.169.254]/latest/meta-data/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://2852039166/', // 169.254.169.254 as one number
    'http://[fd00:ec2::254]/', // the IPv6 metadata address
    'http://rebind.example.com/hook',
  ];
  for (const url of forbidden) {
    it(`refuses ${url} as a WEB url and as an apiBaseUrl, and stores nothing`, async () => {
      const before = await s.t.ok<{ destinations: unknown[] }>('{ destinations { id } }');
      const asWeb = await s.t.gql(CREATE, { input: { name: `web ${url}`, type: 'WEB', settings: { url } } });
      expect(asWeb.errors?.[0]?.extensions?.code, `a WEB destination at ${url} is refused as bad input`).toBe('BAD_USER_INPUT');
      expect(asWeb.errors?.[0]?.message, 'the refusal names the variable that would allow it').toMatch(/PAIDSYNC_ALLOW_PRIVATE_HOSTS/);
      const asApi = await s.t.gql(CREATE, {
        input: {
          name: `fb ${url}`,
          type: 'FACEBOOK_ADS',
          settings: { apiBaseUrl: url, adAccountId: '1' },
          credentials: { accessToken: 'tok' },
        },
      });
      expect(asApi.errors?.[0]?.extensions?.code, `an apiBaseUrl of ${url} is refused as bad input`).toBe('BAD_USER_INPUT');
      const after = await s.t.ok<{ destinations: unknown[] }>('{ destinations { id } }');
      expect(after.destinations.length, 'no destination was created').toBe(before.destinations.length);
    });
  }

  it('refuses moving an existing destination to a private address, and keeps its settings', async () => {
    const created = await s.t.ok<{ createDestination: { id: string } }>(CREATE, {
      input: { name: 'public hook', type: 'WEB', settings: { url: 'http://public.example.com/hook' } },
    });
    const id = created.createDestination.id;
    for (const url of ['http://10.1.2.3/hook', 'http://[::ffff:169.254.169.254]/', 'http://rebind.example.com/']) {
      const moved = await s.t.gql(UPDATE, { id, input: { settings: { url } } });
      expect(moved.errors?.[0]?.extensions?.code, `updating the url to ${url} is refused`).toBe('BAD_USER_INPUT');
    }
    const after = await s.t.ok<{ destination: { settings: { url: string } } }>('query($id: ID!) { destination(id: $id) { settings } }', {
      id,
    });
    expect(after.destination.settings.url, 'the stored url is unchanged').toBe('http://public.example.com/hook');
  });
});

describe('connecting', () => {
  it('checks the address again when it connects: a name that now resolves to loopback is not reached (DNS rebinding)', async () => {
    const { createDestination } = await s.t.ok<{ createDestination: { id: string } }>(CREATE, {
      input: { name: 'flip', type: 'WEB', settings: { url: `http://flip.example.com:${port(internal)}/hook` } },
    });
    const job = await s.syncNewCustomersTo(createDestination.id, 'flip');
    const errors = job.queueItems.edges.map((e) => `${e.node.status}: ${e.node.lastError}`);
    expect(errors.length, 'the job had something to send').toBeGreaterThan(0);
    for (const error of errors) expect(error, 'each item failed for the network policy').toMatch(/^FAILED: .*network policy/);
    expect(internalHits, 'nothing reached the loopback service').toEqual([]);
  });

  it('does not follow a redirect to an internal address', async () => {
    const { createDestination } = await s.t.ok<{ createDestination: { id: string } }>(CREATE, {
      input: { name: 'redirecting', type: 'WEB', settings: { url: `http://redirector.test:${port(redirector)}/hook` } },
    });
    const job = await s.syncNewCustomersTo(createDestination.id, 'redirect');
    const errors = job.queueItems.edges.map((e) => `${e.node.status}: ${e.node.lastError}`);
    expect(errors.length, 'the job had something to send').toBeGreaterThan(0);
    for (const error of errors) expect(error, 'each item failed on the redirect').toMatch(/^FAILED: .*302.*redirects are not followed/);
    expect(internalHits, 'the redirect target was never requested').toEqual([]);
  });
});
