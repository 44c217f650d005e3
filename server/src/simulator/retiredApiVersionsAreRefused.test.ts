// The simulator answers the API versions the networks serve today and refuses a retired one as the
// network does; the adapters' default versions are among the served ones.
import { describe, expect, it } from 'vitest';
import { FACEBOOK_DEFAULT_VERSION } from '../destinations/facebook/facebookApi.ts';
import { GOOGLE_DEFAULT_VERSION } from '../destinations/google/googleApi.ts';
import { LINKEDIN_DEFAULT_VERSION } from '../destinations/linkedin/linkedinApi.ts';
import { servesFacebook, servesGoogle, servesLinkedIn } from './servedApiVersions.ts';
import { fbToken, GOOGLE_HEADERS, LINKEDIN_HEADERS, useSimulator } from '../../test/support/simulatorTestSupport.ts';

const t = useSimulator();
const audience = { name: 'Versions', subtype: 'CUSTOM', customer_file_source: 'USER_PROVIDED_ONLY' };
const userList = { operations: [{ create: { name: 'Versions', crmBasedUserList: { uploadKeyType: 'CONTACT_INFO' } } }] };
const segment = { name: 'Versions', account: 'urn:li:sponsoredAccount:507', type: 'USER', destinations: [{ destination: 'LINKEDIN' }] };

describe('API versions', () => {
  it('defaults every adapter to a version the network serves', () => {
    expect(servesFacebook(FACEBOOK_DEFAULT_VERSION), `Meta ${FACEBOOK_DEFAULT_VERSION}`).toBe(true);
    expect(servesGoogle(GOOGLE_DEFAULT_VERSION), `Google Ads ${GOOGLE_DEFAULT_VERSION}`).toBe(true);
    expect(servesLinkedIn(LINKEDIN_DEFAULT_VERSION), `LinkedIn ${LINKEDIN_DEFAULT_VERSION}`).toBe(true);
  });

  it('Meta: a served version answers, a retired one is refused with error #2635', async () => {
    const served = await t.call('POST', `/facebook/v25.0/act_1/customaudiences${fbToken}`, audience);
    expect(served.status, JSON.stringify(served.body)).toBe(200);
    const retired = await t.call('POST', `/facebook/v21.0/act_1/customaudiences${fbToken}`, audience);
    expect(retired.status).toBe(400);
    expect(retired.body.error).toMatchObject({ type: 'OAuthException', code: 2635 });
    expect(retired.body.error.message).toMatch(/deprecated version of the Ads API.*v27\.0/);
  });

  it('Google Ads: a served version answers, a sunset one is not found', async () => {
    const served = await t.call('POST', '/google/v23/customers/1234567890/userLists:mutate', userList, GOOGLE_HEADERS);
    expect(served.status, JSON.stringify(served.body)).toBe(200);
    const sunset = await t.call('POST', '/google/v17/customers/1234567890/userLists:mutate', userList, GOOGLE_HEADERS);
    expect(sunset.status).toBe(404);
    expect(sunset.body.error).toMatchObject({ code: 404, status: 'NOT_FOUND' });
  });

  it('LinkedIn: a served LinkedIn-Version answers, an inactive one gets 426 NONEXISTENT_VERSION', async () => {
    const served = await t.call('POST', '/linkedin/rest/dmpSegments', segment, { ...LINKEDIN_HEADERS, 'linkedin-version': '202511' });
    expect(served.status, JSON.stringify(served.body)).toBe(201);
    const inactive = await t.call('POST', '/linkedin/rest/dmpSegments', segment, { ...LINKEDIN_HEADERS, 'linkedin-version': '202410' });
    expect(inactive.status).toBe(426);
    expect(inactive.body).toEqual({ status: 426, code: 'NONEXISTENT_VERSION', message: 'Requested version 202410 is not active' });
  });
});
