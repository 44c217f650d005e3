import { describe, expect, it } from 'vitest';
import {
  createGoogleJob,
  createGoogleUserList,
  GOOGLE_HEADERS,
  googleJobStatus,
  h,
  useSimulator,
} from '../../../test/support/simulatorTestSupport.ts';

const t = useSimulator();
const create = (...emails: string[]) => emails.map((e) => ({ create: { userIdentifiers: [{ hashedEmail: h(e) }] } }));
const remove = (...emails: string[]) => emails.map((e) => ({ remove: { userIdentifiers: [{ hashedEmail: h(e) }] } }));

describe('Google Customer Match through offline user data jobs', () => {
  it('goes PENDING → RUNNING → SUCCESS after the job delay, then the list holds the members', async () => {
    await t.control({ google: { jobDelayMs: 5_000, matchRateRange: 'MATCH_RANGE_51_TO_60' } });
    const list = await createGoogleUserList(t);
    expect(list).toMatch(/^customers\/1234567890\/userLists\/\d+$/);
    const job = await createGoogleJob(t, list);
    expect((await googleJobStatus(t, job))?.status).toBe('PENDING');
    const added = await t.call(
      'POST',
      `/google/v26/${job}:addOperations`,
      {
        operations: [
          ...create('a', 'b'),
          {
            create: {
              userIdentifiers: [
                { hashedPhoneNumber: h('+1555') },
                { addressInfo: { hashedFirstName: h('f'), hashedLastName: h('l'), countryCode: 'US', postalCode: '94105' } },
              ],
            },
          },
        ],
        enablePartialFailure: true,
      },
      GOOGLE_HEADERS,
    );
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body, 'no partialFailureError when every operation is fine').toEqual({});
    const run = await t.call('POST', `/google/v26/${job}:run`, {}, GOOGLE_HEADERS);
    expect(run.status).toBe(200);
    expect(run.body.name).toMatch(/^customers\/1234567890\/operations\/\d+$/);
    expect((await googleJobStatus(t, job))?.status).toBe('RUNNING');
    expect(t.started.simulator.state.google.userLists.get(list)!.members.size, 'nothing applied while RUNNING').toBe(0);
    t.clock.now += 5_000;
    expect(await googleJobStatus(t, job)).toMatchObject({
      status: 'SUCCESS',
      operationMetadata: { matchRateRange: 'MATCH_RANGE_51_TO_60' },
    });
    const members = t.started.simulator.state.google.userLists.get(list)!.members;
    expect(members.size).toBe(3);
    expect(members.has(h('a')) && members.has(h('+1555'))).toBe(true);
    const op = await t.call('GET', `/google/v26/${run.body.name}`, undefined, GOOGLE_HEADERS);
    expect(op.body.done).toBe(true);
  });

  it('removes members with a remove-only job', async () => {
    await t.control({ google: { jobDelayMs: 0 } });
    const list = await createGoogleUserList(t);
    const addJob = await createGoogleJob(t, list);
    await t.call(
      'POST',
      `/google/v26/${addJob}:addOperations`,
      { operations: create('a', 'b'), enablePartialFailure: true },
      GOOGLE_HEADERS,
    );
    await t.call('POST', `/google/v26/${addJob}:run`, {}, GOOGLE_HEADERS);
    const removeJob = await createGoogleJob(t, list);
    await t.call('POST', `/google/v26/${removeJob}:addOperations`, { operations: remove('a'), enablePartialFailure: true }, GOOGLE_HEADERS);
    await t.call('POST', `/google/v26/${removeJob}:run`, {}, GOOGLE_HEADERS);
    const members = t.started.simulator.state.google.userLists.get(list)!.members;
    expect(members.has(h('a')), 'a removed').toBe(false);
    expect(members.has(h('b')), 'b kept').toBe(true);
  });

  it('answers CONFLICTING_OPERATION when one job would get both create and remove', async () => {
    const job = await createGoogleJob(t, await createGoogleUserList(t));
    const mixed = await t.call(
      'POST',
      `/google/v26/${job}:addOperations`,
      { operations: [...create('a'), ...remove('b')], enablePartialFailure: true },
      GOOGLE_HEADERS,
    );
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.details[0].errors[0].errorCode).toEqual({ offlineUserDataJobError: 'CONFLICTING_OPERATION' });
    await t.call('POST', `/google/v26/${job}:addOperations`, { operations: create('a'), enablePartialFailure: true }, GOOGLE_HEADERS);
    const later = await t.call(
      'POST',
      `/google/v26/${job}:addOperations`,
      { operations: remove('b'), enablePartialFailure: true },
      GOOGLE_HEADERS,
    );
    expect(later.body.error.details[0].errors[0].errorCode.offlineUserDataJobError, 'a later call may not switch the job to removes').toBe(
      'CONFLICTING_OPERATION',
    );
  });

  it('answers CONCURRENT_MODIFICATION to a second addOperations on the same job while one is in flight', async () => {
    await t.control({ google: { addOperationsHoldMs: 100 } });
    const job = await createGoogleJob(t, await createGoogleUserList(t));
    const [first, second] = await Promise.all([
      t.call('POST', `/google/v26/${job}:addOperations`, { operations: create('a'), enablePartialFailure: true }, GOOGLE_HEADERS),
      t.call('POST', `/google/v26/${job}:addOperations`, { operations: create('b'), enablePartialFailure: true }, GOOGLE_HEADERS),
    ]);
    const statuses = [first.status, second.status].sort();
    expect(statuses, 'one accepted, one refused').toEqual([200, 409]);
    const refused = first.status === 409 ? first : second;
    expect(refused.body.error.status).toBe('ABORTED');
    expect(refused.body.error.details[0].errors[0].errorCode).toEqual({ databaseError: 'CONCURRENT_MODIFICATION' });
  });

  it('reports malformed identifiers in partialFailureError by operation index, applying the rest', async () => {
    await t.control({ google: { jobDelayMs: 0 } });
    const list = await createGoogleUserList(t);
    const job = await createGoogleJob(t, list);
    const r = await t.call(
      'POST',
      `/google/v26/${job}:addOperations`,
      {
        operations: [...create('a'), { create: { userIdentifiers: [{ hashedEmail: 'not-hashed@x.com' }] } }, ...create('c')],
        enablePartialFailure: true,
      },
      GOOGLE_HEADERS,
    );
    expect(r.status).toBe(200);
    const error = r.body.partialFailureError.details[0].errors[0];
    expect(error.errorCode).toEqual({ offlineUserDataJobError: 'INVALID_SHA256_FORMAT' });
    expect(error.location.fieldPathElements[0]).toEqual({ fieldName: 'operations', index: 1 });
    await t.call('POST', `/google/v26/${job}:run`, {}, GOOGLE_HEADERS);
    expect(t.started.simulator.state.google.userLists.get(list)!.members.size).toBe(2);
  });

  it('refuses addOperations after run, and a job for an unknown list', async () => {
    const list = await createGoogleUserList(t);
    const job = await createGoogleJob(t, list);
    await t.call('POST', `/google/v26/${job}:run`, {}, GOOGLE_HEADERS);
    const late = await t.call(
      'POST',
      `/google/v26/${job}:addOperations`,
      { operations: create('a'), enablePartialFailure: true },
      GOOGLE_HEADERS,
    );
    expect(late.status).toBe(400);
    const unknown = await t.call(
      'POST',
      '/google/v26/customers/1234567890/offlineUserDataJobs:create',
      {
        job: { type: 'CUSTOMER_MATCH_USER_LIST', customerMatchUserListMetadata: { userList: 'customers/1234567890/userLists/1' } },
      },
      GOOGLE_HEADERS,
    );
    expect(unknown.body.error.details[0].errors[0].errorCode).toEqual({ offlineUserDataJobError: 'INVALID_USER_LIST_ID' });
  });

  it('needs the developer-token header and accepts a percent-encoded colon', async () => {
    const { 'developer-token': _d, ...noDev } = GOOGLE_HEADERS;
    const r = await t.call('POST', '/google/v26/customers/1234567890/userLists:mutate', { operations: [] }, noDev);
    expect(r.status).toBe(401);
    expect(r.body.error.details[0].errors[0].errorCode).toEqual({ authenticationError: 'DEVELOPER_TOKEN_PARAMETER_MISSING' });
    const encoded = await t.call(
      'POST',
      '/google/v24/customers/1234567890/userLists%3Amutate',
      { operations: [{ create: { name: 'n', crmBasedUserList: { uploadKeyType: 'CONTACT_INFO' } } }] },
      GOOGLE_HEADERS,
    );
    expect(encoded.status, JSON.stringify(encoded.body)).toBe(200);
  });
});
