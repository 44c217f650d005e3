import { describe, expect, it } from 'vitest';
import {
  createFacebookAudience,
  FB,
  GOOGLE_HEADERS,
  h,
  LINKEDIN_HEADERS,
  useSimulator,
} from '../../../test/support/simulatorTestSupport.ts';

const t = useSimulator();

describe('invalid-token faults and the valid-token list', () => {
  it('Meta: code 190 subcode 463 (expired) while the fault lasts', async () => {
    const id = await createFacebookAudience(t);
    await t.control({ network: 'facebook', kind: 'invalidToken', count: 1 });
    const r = await t.call('POST', `${FB}/${id}/users?access_token=good`, { payload: { schema: ['EMAIL'], data: [[h('a')]] } });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 190, error_subcode: 463, type: 'OAuthException' });
  });

  it('Google 401 UNAUTHENTICATED, LinkedIn 401, Web 401', async () => {
    await t.control({
      faults: [
        { network: 'google', kind: 'invalidToken' },
        { network: 'linkedin', kind: 'invalidToken' },
        { network: 'web', kind: 'invalidToken' },
      ],
    });
    const g = await t.call('POST', '/google/v26/customers/1234567890/userLists:mutate', {}, GOOGLE_HEADERS);
    expect(g.status).toBe(401);
    expect(g.body.error.status).toBe('UNAUTHENTICATED');
    const li = await t.call('POST', '/linkedin/rest/dmpSegments', {}, LINKEDIN_HEADERS);
    expect(li.status).toBe(401);
    const web = await t.call('POST', '/web/crm', { audience: 'a', operation: 'add', records: [{ id: '1' }] });
    expect(web.status).toBe(401);
    await t.control({ clearFaults: 'web' });
    expect(
      (await t.call('POST', '/web/crm', { audience: 'a', operation: 'add', records: [{ id: '1' }] })).status,
      'cleared for web only',
    ).toBe(200);
    expect((await t.call('POST', '/linkedin/rest/dmpSegments', {}, LINKEDIN_HEADERS)).status, 'linkedin still faulted').toBe(401);
  });

  it('with a valid-token list, only those tokens pass; null restores the default', async () => {
    await t.control({ validTokens: { google: ['g-good'] } });
    const wrong = await t.call(
      'POST',
      '/google/v26/customers/1234567890/userLists:mutate',
      { operations: [{ create: { name: 'n', crmBasedUserList: { uploadKeyType: 'CONTACT_INFO' } } }] },
      GOOGLE_HEADERS,
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.details[0].errors[0].errorCode).toEqual({ authenticationError: 'OAUTH_TOKEN_INVALID' });
    const right = await t.call(
      'POST',
      '/google/v26/customers/1234567890/userLists:mutate',
      { operations: [{ create: { name: 'n', crmBasedUserList: { uploadKeyType: 'CONTACT_INFO' } } }] },
      { ...GOOGLE_HEADERS, authorization: 'Bearer g-good' },
    );
    expect(right.status).toBe(200);
    await t.control({ validTokens: { google: null } });
    // another name: list names are unique in an account
    const back = await t.call(
      'POST',
      '/google/v26/customers/1234567890/userLists:mutate',
      { operations: [{ create: { name: 'n2', crmBasedUserList: { uploadKeyType: 'CONTACT_INFO' } } }] },
      GOOGLE_HEADERS,
    );
    expect(back.status).toBe(200);
  });

  it('by default refuses the literal token "invalid" everywhere', async () => {
    const g = await t.call(
      'POST',
      '/google/v26/customers/1234567890/userLists:mutate',
      {},
      { ...GOOGLE_HEADERS, authorization: 'Bearer invalid' },
    );
    expect(g.status).toBe(401);
    const li = await t.call('POST', '/linkedin/rest/dmpSegments', {}, { ...LINKEDIN_HEADERS, authorization: 'Bearer invalid' });
    expect(li.status).toBe(401);
  });
});
