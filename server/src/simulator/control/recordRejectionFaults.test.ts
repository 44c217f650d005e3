import { describe, expect, it } from 'vitest';
import {
  createFacebookAudience,
  createGoogleJob,
  createGoogleUserList,
  createLinkedInSegment,
  FB,
  fbToken,
  GOOGLE_HEADERS,
  h,
  LINKEDIN_HEADERS,
  useSimulator,
} from '../../../test/support/simulatorTestSupport.ts';

const t = useSimulator();

describe('rejectRecords: single records refused by value, the rest accepted', () => {
  it('Meta users: counted in num_invalid_entries with a sample', async () => {
    const id = await createFacebookAudience(t);
    await t.control({ network: 'facebook', kind: 'rejectRecords', values: [h('bad')], reason: 'not matchable' });
    const r = await t.call('POST', `${FB}/${id}/users${fbToken}`, { payload: { schema: ['EMAIL'], data: [[h('good')], [h('bad')]] } });
    expect(r.status).toBe(200);
    expect(r.body.num_received).toBe(2);
    expect(r.body.num_invalid_entries).toBe(1);
    expect(r.body.invalid_entry_samples).toEqual({ [h('bad')]: 'not matchable' });
    const members = t.started.simulator.state.facebook.audiences.get(id)!.members;
    expect([members.has(h('good')), members.has(h('bad'))]).toEqual([true, false]);
  });

  it("Meta users: the sample is keyed by the value that matched, not the row's first column", async () => {
    const id = await createFacebookAudience(t);
    await t.control({ network: 'facebook', kind: 'rejectRecords', values: [h('bad')] });
    const r = await t.call('POST', `${FB}/${id}/users${fbToken}`, {
      payload: {
        schema: ['EXTERN_ID', 'EMAIL'],
        data: [
          ['c1', h('good')],
          ['c2', h('bad')],
        ],
      },
    });
    expect(Object.keys(r.body.invalid_entry_samples)).toEqual([h('bad')]);
  });

  it('Google addOperations: partialFailureError naming the failing operation index', async () => {
    await t.control({ network: 'google', kind: 'rejectRecords', values: [h('bad')] });
    const job = await createGoogleJob(t, await createGoogleUserList(t));
    const r = await t.call(
      'POST',
      `/google/v26/${job}:addOperations`,
      {
        operations: [h('good'), h('bad'), h('fine')].map((e) => ({ create: { userIdentifiers: [{ hashedEmail: e }] } })),
        enablePartialFailure: true,
      },
      GOOGLE_HEADERS,
    );
    const errors = r.body.partialFailureError.details[0].errors;
    expect(errors.map((e: any) => e.location.fieldPathElements[0].index)).toEqual([1]);
  });

  it('Google click conversions: results[i] = {} and partialFailureError by gclid', async () => {
    await t.control({ network: 'google', endpoint: 'uploadClickConversions', kind: 'rejectRecords', values: ['gBAD'] });
    const c = (gclid: string) => ({
      gclid,
      conversionAction: 'customers/1234567890/conversionActions/1',
      conversionDateTime: '2026-11-20 10:00:00+00:00',
    });
    const r = await t.call(
      'POST',
      '/google/v26/customers/1234567890:uploadClickConversions',
      { conversions: [c('g1'), c('gBAD')], partialFailure: true },
      GOOGLE_HEADERS,
    );
    expect(r.body.results[1]).toEqual({});
    expect(r.body.partialFailureError.details[0].errors[0].location.fieldPathElements).toEqual([{ fieldName: 'conversions', index: 1 }]);
  });

  it('LinkedIn: the element gets status 400', async () => {
    const id = await createLinkedInSegment(t);
    await t.control({ network: 'linkedin', kind: 'rejectRecords', values: [h('bad')], reason: 'opted out' });
    const r = await t.call(
      'POST',
      `/linkedin/rest/dmpSegments/${id}/users`,
      {
        elements: [h('good'), h('bad')].map((idValue) => ({ action: 'ADD', userIds: [{ idType: 'SHA256_EMAIL', idValue }] })),
      },
      { ...LINKEDIN_HEADERS, 'x-restli-method': 'BATCH_CREATE' },
    );
    expect(r.body.elements).toEqual([{ status: 201 }, { status: 400, message: 'opted out' }]);
  });

  it('Web: results[] lists the rejected ids with a reason', async () => {
    await t.control({ network: 'web', kind: 'rejectRecords', values: ['c2'], reason: 'unknown customer' });
    const r = await t.call('POST', '/web/crm', { audience: 'a', operation: 'add', records: [{ id: 'c1' }, { id: 'c2' }] });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ accepted: 1, results: [{ id: 'c2', status: 'rejected', reason: 'unknown customer' }] });
  });

  it('a count limits how many requests the rejection affects', async () => {
    await t.control({ network: 'web', kind: 'rejectRecords', values: ['c2'], count: 1 });
    const first = await t.call('POST', '/web/crm', { audience: 'a', operation: 'add', records: [{ id: 'c2' }] });
    expect(first.body.results).toHaveLength(1);
    const second = await t.call('POST', '/web/crm', { audience: 'a', operation: 'add', records: [{ id: 'c2' }] });
    expect(second.body.results, 'fixed upstream: accepted on the next try').toHaveLength(0);
  });
});
