// The destination network policy on its own: which addresses are internal (every spelling of
// them), what PAIDSYNC_ALLOW_PRIVATE_HOSTS lets through (names, IPs, CIDRs), and https in production.
import { describe, expect, it } from 'vitest';
import { createNetworkPolicy, NetworkPolicyError, type ResolveHost } from './networkPolicy.ts';

const table: Record<string, string> = {
  'crm.internal': '10.20.3.4',
  'api.partner.com': '198.51.100.9',
  'six.partner.com': '2001:db8::1',
  'sneaky.partner.com': '::ffff:127.0.0.1',
};
const resolve: ResolveHost = async (hostname) => {
  const address = table[hostname];
  if (!address) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
  return [{ address, family: address.includes(':') ? 6 : 4 }];
};
const refused = async (policy: ReturnType<typeof createNetworkPolicy>, url: string) =>
  policy.checkUrl(url).then(
    () => false,
    (error) => error instanceof NetworkPolicyError,
  );

describe('without an allow list', () => {
  const policy = createNetworkPolicy({ allowPrivateHosts: [], requireHttps: false, resolve });
  const internal = [
    'http://127.0.0.1/',
    'http://127.1/',
    'http://0x7f000001/',
    'http://0.0.0.0/',
    'http://localhost.:80@10.0.0.1/',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://172.31.255.255/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://169.254.169.254/',
    'http://[::1]/',
    'http://[::]/',
    'http://[::ffff:169.254.169.254]/',
    'http://[::ffff:7f00:1]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[fd00:ec2::254]/',
    'http://[fe80::1]/',
    'http://[ff02::1]/',
    'http://224.0.0.1/',
    'http://255.255.255.255/',
    'http://crm.internal/',
    'http://sneaky.partner.com/',
    'ftp://api.partner.com/',
    'file:///etc/passwd',
  ];
  for (const url of internal) it(`refuses ${url}`, async () => expect(await refused(policy, url), `${url} is refused`).toBe(true));
  for (const url of [
    'https://api.partner.com/v1',
    'http://[2001:db8::1]/',
    'https://six.partner.com/',
    'https://not-resolvable.example/',
    'http://8.8.8.8/',
  ]) {
    it(`lets ${url} through`, async () => expect(await refused(policy, url), `${url} is allowed`).toBe(false));
  }
});

describe('with PAIDSYNC_ALLOW_PRIVATE_HOSTS', () => {
  const policy = createNetworkPolicy({ allowPrivateHosts: ['crm.internal', '127.0.0.1', '192.168.10.0/24'], requireHttps: true, resolve });
  it('lets the listed names, IPs and CIDRs through, over plain http too', async () => {
    for (const url of ['http://crm.internal/hook', 'http://127.0.0.1:4000/sim', 'http://192.168.10.77/x']) {
      expect(await refused(policy, url), `${url} is allowed`).toBe(false);
    }
  });
  it('refuses what is not listed, and plain http to a public host in production', async () => {
    for (const url of ['http://127.0.0.2/', 'http://192.168.11.1/', 'http://169.254.169.254/', 'http://api.partner.com/']) {
      expect(await refused(policy, url), `${url} is refused`).toBe(true);
    }
    expect(await refused(policy, 'https://api.partner.com/'), 'https to a public host is fine').toBe(false);
  });
  it('lets an allowed origin through (the simulator this process serves), and only that origin', async () => {
    const withOrigin = createNetworkPolicy({ allowPrivateHosts: [], requireHttps: true, resolve });
    withOrigin.allowOrigin('http://127.0.0.1:4000');
    expect(await refused(withOrigin, 'http://127.0.0.1:4000/sim/facebook'), 'the simulator origin is allowed').toBe(false);
    expect(await refused(withOrigin, 'http://127.0.0.1:5432/'), 'another port of the same host is not').toBe(true);
  });
});
