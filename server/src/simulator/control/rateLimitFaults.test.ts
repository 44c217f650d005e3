import { describe, expect, it } from 'vitest';
import {
  createFacebookAudience,
  createLinkedInSegment,
  FB,
  fbToken,
  GOOGLE_HEADERS,
  h,
  LINKEDIN_HEADERS,
  useSimulator,
} from '../../../test/support/simulatorTestSupport.ts';

const t = useSimulator();
const fbUsers = (id: string) => t.call('POST', `${FB}/${id}/users${fbToken}`, { payload: { schema: ['EMAIL'], data: [[h('a')]] } });

describe("rate-limit faults speak each network's own throttle signal", () => {
  it('Meta: HTTP 400, code 17/613/80003, X-Business-Use-Case-Usage with estimated_time_to_regain_access in minutes', async () => {
    const id = await createFacebookAudience(t);
    await t.control({
      faults: [{ network: 'facebook', endpoint: 'users', kind: 'rateLimit', count: 1, code: 80003, regainAccessMinutes: 3 }],
    });
    const limited = await fbUsers(id);
    expect(limited.status, 'Meta throttles with 400, not 429').toBe(400);
    expect(limited.body.error.code).toBe(80003);
    const usage = JSON.parse(limited.headers.get('x-business-use-case-usage')!);
    const entries = Object.values(usage)[0] as { estimated_time_to_regain_access: number }[];
    expect(entries[0]!.estimated_time_to_regain_access).toBe(3);
    expect((await fbUsers(id)).status, 'count: 1 means only the next request').toBe(200);
  });

  it('Meta: default code 17 and minutes rounded up from retryAfterSeconds', async () => {
    const id = await createFacebookAudience(t);
    await t.control({ network: 'facebook', kind: 'rateLimit', count: 1, retryAfterSeconds: 90 });
    const limited = await fbUsers(id);
    expect(limited.body.error.code).toBe(17);
    const usage = JSON.parse(limited.headers.get('x-business-use-case-usage')!);
    expect((Object.values(usage)[0] as any)[0].estimated_time_to_regain_access).toBe(2);
  });

  it('Google: 429 RESOURCE_EXHAUSTED with a retryDelay', async () => {
    await t.control({ network: 'google', kind: 'rateLimit', count: 1, retryAfterSeconds: 7 });
    const r = await t.call('POST', '/google/v26/customers/1234567890/userLists:mutate', { operations: [] }, GOOGLE_HEADERS);
    expect(r.status).toBe(429);
    expect(r.body.error.status).toBe('RESOURCE_EXHAUSTED');
    const retryInfo = r.body.error.details.find((d: any) => d['@type'] === 'type.googleapis.com/google.rpc.RetryInfo');
    expect(retryInfo.retryDelay).toBe('7s');
    expect(r.body.error.details[0].errors[0].errorCode).toEqual({ quotaError: 'RESOURCE_EXHAUSTED' });
  });

  it('LinkedIn and Web: 429 with Retry-After seconds', async () => {
    const id = await createLinkedInSegment(t);
    await t.control({
      faults: [
        { network: 'linkedin', kind: 'rateLimit', count: 1, retryAfterSeconds: 5 },
        { network: 'web', endpoint: 'crm', kind: 'rateLimit', count: 1, retryAfterSeconds: 2 },
      ],
    });
    const li = await t.call(
      'POST',
      `/linkedin/rest/dmpSegments/${id}/users`,
      { elements: [] },
      { ...LINKEDIN_HEADERS, 'x-restli-method': 'BATCH_CREATE' },
    );
    expect(li.status).toBe(429);
    expect(li.headers.get('retry-after')).toBe('5');
    const other = await t.call('POST', '/web/other', { audience: 'a', operation: 'add', records: [{ id: '1' }] });
    expect(other.status, 'a fault for endpoint "crm" leaves "other" alone').toBe(200);
    const web = await t.call('POST', '/web/crm', { audience: 'a', operation: 'add', records: [{ id: '1' }] });
    expect(web.status).toBe(429);
    expect(web.headers.get('retry-after')).toBe('2');
  });

  it('lasts durationMs when given a time instead of a count', async () => {
    await t.control({ network: 'web', kind: 'rateLimit', durationMs: 1_000 });
    const send = () => t.call('POST', '/web/crm', { audience: 'a', operation: 'add', records: [{ id: '1' }] });
    expect((await send()).status).toBe(429);
    expect((await send()).status, 'still inside the window').toBe(429);
    t.clock.now += 1_000;
    expect((await send()).status, 'window over').toBe(200);
  });
});
