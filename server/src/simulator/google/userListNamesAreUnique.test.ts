import { describe, expect, it } from 'vitest';
import { createGoogleUserList, GOOGLE_HEADERS, useSimulator } from '../../../test/support/simulatorTestSupport.ts';

const t = useSimulator();
const createList = (name: string, cid = '1234567890') =>
  t.call(
    'POST',
    `/google/v26/customers/${cid}/userLists:mutate`,
    { operations: [{ create: { name, crmBasedUserList: { uploadKeyType: 'CONTACT_INFO' } } }] },
    GOOGLE_HEADERS,
  );

describe('Google user list names', () => {
  it('refuses a second list with a name the account already uses (NAME_ALREADY_USED), closed lists included', async () => {
    const list = await createGoogleUserList(t, '1234567890', 'Buyers');
    const again = await createList('Buyers');
    expect(again.status).toBe(400);
    expect(again.body.error.details[0].errors[0].errorCode).toEqual({ userListError: 'NAME_ALREADY_USED' });
    expect(
      [...t.started.simulator.state.google.userLists.values()].map((l) => l.name),
      'no second list',
    ).toEqual(['Buyers']);

    await t.call('POST', '/google/v26/customers/1234567890/userLists:mutate', { operations: [{ remove: list }] }, GOOGLE_HEADERS);
    expect((await createList('Buyers')).body.error?.details[0].errors[0].errorCode, 'a closed list keeps its name').toEqual({
      userListError: 'NAME_ALREADY_USED',
    });
  });

  it('lets another account, or another name, have a list', async () => {
    await createGoogleUserList(t, '1234567890', 'Buyers');
    expect((await createList('Buyers', '5555555555')).status).toBe(200);
    expect((await createList('buyers')).status, 'names differ in case').toBe(200);
  });
});
