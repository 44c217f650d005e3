import { describe, expect, it } from 'vitest';
import { createGoogleJob, createGoogleUserList, GOOGLE_HEADERS, useSimulator } from '../../../test/support/simulatorTestSupport.ts';

const t = useSimulator();
const search = (query: unknown, cid = '1234567890', headers: Record<string, string> = GOOGLE_HEADERS) =>
  t.call('POST', `/google/v26/customers/${cid}/googleAds:search`, query === undefined ? {} : { query }, headers);
const byName = (literal: string) => `SELECT user_list.resource_name, user_list.name FROM user_list WHERE user_list.name = ${literal}`;

describe('Google googleAds:search (GAQL)', () => {
  it('finds a user list by its exact name, answering the selected fields in camelCase', async () => {
    const list = await createGoogleUserList(t, '1234567890', 'VIP buyers');
    await createGoogleUserList(t, '1234567890', 'VIP buyers 2');
    await createGoogleUserList(t, '9999999999', 'VIP buyers');
    const found = await search(byName("'VIP buyers'"));
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(found.body.results, 'only the exact name, only in the customer of the path').toEqual([
      { userList: { resourceName: list, name: 'VIP buyers' } },
    ]);
    expect(found.body.fieldMask).toBe('userList.resourceName,userList.name');
  });

  it('answers no `results` at all when nothing matches', async () => {
    await createGoogleUserList(t, '1234567890', 'Other');
    const none = await search(byName("'Nobody'"));
    expect(none.status).toBe(200);
    expect(none.body.results, 'Google leaves results out rather than sending []').toBeUndefined();
  });

  it('reads backslash-escaped quotes and backslashes in either quote style', async () => {
    const name = String.raw`O'Brien "VIP" \ list`;
    const list = await createGoogleUserList(t, '1234567890', name);
    const single = await search(byName(String.raw`'O\'Brien "VIP" \\ list'`));
    expect(single.body.results?.[0]?.userList.resourceName, JSON.stringify(single.body)).toBe(list);
    const double = await search(byName(String.raw`"O'Brien \"VIP\" \\ list"`));
    expect(double.body.results?.[0]?.userList.resourceName, JSON.stringify(double.body)).toBe(list);
  });

  it('reads an offline user data job: only the fields selected, enums unset while pending left out', async () => {
    const job = await createGoogleJob(t, await createGoogleUserList(t));
    const found = await search(
      `select offline_user_data_job.status, offline_user_data_job.failure_reason, offline_user_data_job.operation_metadata.match_rate_range from offline_user_data_job where offline_user_data_job.resource_name = '${job}'`,
    );
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(found.body.results, 'resourceName always; no failureReason or match rate for a PENDING job').toEqual([
      { offlineUserDataJob: { resourceName: job, status: 'PENDING' } },
    ]);
  });

  it('refuses what it does not serve with INVALID_ARGUMENT and a queryError, as Google refuses a bad query', async () => {
    const cases: Array<[unknown, string]> = [
      ["SELECT user_list.name FROM user_list WHERE user_list.name = 'a' ORDER BY user_list.name", 'UNEXPECTED_INPUT'],
      ["SELECT user_list.name FROM user_list WHERE user_list.name != 'a'", 'UNEXPECTED_INPUT'],
      ["SELECT user_list.name FROM user_list WHERE user_list.name LIKE 'a'", 'BAD_OPERATOR'],
      ["SELECT user_list.name FROM user_list WHERE user_list.name = 'a\\n'", 'BAD_ESCAPE_SEQUENCE'],
      ["SELECT user_list.name FROM user_list WHERE user_list.name = 'a", 'UNEXPECTED_END_OF_QUERY'],
      ['SELECT user_list.nickname FROM user_list', 'UNRECOGNIZED_FIELD'],
      ['SELECT offline_user_data_job.status FROM user_list', 'UNRECOGNIZED_FIELD'],
      ['SELECT campaign.name FROM campaign', 'BAD_RESOURCE_TYPE_IN_FROM_CLAUSE'],
      ['FROM user_list', 'EXPECTED_SELECT'],
      ['SELECT user_list.name', 'EXPECTED_FROM'],
    ];
    for (const [query, code] of cases) {
      const refused = await search(query);
      expect(refused.status, `${query} → 400`).toBe(400);
      expect(refused.body.error.status).toBe('INVALID_ARGUMENT');
      expect(refused.body.error.details[0].errors[0].errorCode, `${query} → ${code}`).toEqual({ queryError: code });
    }
    const missing = await search(undefined);
    expect(missing.body.error.details[0].errors[0].errorCode, 'no query at all').toEqual({ requestError: 'REQUIRED_FIELD_MISSING' });
  });

  it('checks credentials like every other endpoint', async () => {
    const refused = await search(byName("'x'"), '1234567890', { ...GOOGLE_HEADERS, authorization: 'Bearer invalid' });
    expect(refused.status).toBe(401);
    expect(refused.body.error.status).toBe('UNAUTHENTICATED');
  });
});
