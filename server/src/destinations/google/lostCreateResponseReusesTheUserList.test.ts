// A create whose answer is lost (Google made the list, the client saw a reset or a 5xx) is retried by
// the engine: the retry must find that list by name, not be refused NAME_ALREADY_USED and fail.
import { describe, expect, it } from 'vitest';
import type { HttpRequest } from '../adapter.ts';
import { failureOf, useSimulator } from '../../../test/support/adapters/adapterTestContext.ts';
import { googleAdapter } from './googleAdapter.ts';
import { DEVELOPER_TOKEN, GOOGLE_TOKEN, googleContext } from '../../../test/support/adapters/googleTestSupport.ts';

const t = useSimulator();
const listsNamed = (name: string) => [...t.started.simulator.state.google.userLists.values()].filter((l) => l.name === name);
const searchQueries = (ctx: ReturnType<typeof googleContext>) =>
  ctx.apiCalls.filter((c) => c.url.endsWith('/googleAds:search')).map((c) => JSON.parse(c.requestBody!).query as string);

/** a list made in the account by someone else: another paidsync worker (the default), or a person */
async function madeElsewhere(name: string, description = `Synced by paidsync from "${name}"`): Promise<string> {
  const response = await fetch(`${t.url}/google/v26/customers/1234567890/userLists:mutate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${GOOGLE_TOKEN}`, 'developer-token': DEVELOPER_TOKEN },
    body: JSON.stringify({ operations: [{ create: { name, description, crmBasedUserList: { uploadKeyType: 'CONTACT_INFO' } } }] }),
  });
  const body = (await response.json()) as { results: Array<{ resourceName: string }> };
  return body.results[0]!.resourceName;
}

describe('Google: a lost user-list creation answer', () => {
  for (const mode of ['resetAfterProcessing', 'unavailableAfterProcessing'] as const) {
    it(`(${mode}) fails the attempt as external, and the retry reuses the list Google made`, async () => {
      await t.control({ faults: [{ network: 'google', endpoint: 'userLists', kind: 'outage', mode, status: 500, count: 1 }] });
      const ctx = googleContext(t);
      const lost = await failureOf(googleAdapter.ensureAudience(ctx, { name: 'Lapsed buyers', externalId: null }));
      expect(lost.kind, `a lost answer is retried by the engine: ${lost.message}`).toBe('external');
      expect(listsNamed('Lapsed buyers'), 'Google made the list despite the lost answer').toHaveLength(1);

      const resourceName = await googleAdapter.ensureAudience(ctx, { name: 'Lapsed buyers', externalId: null });
      expect(
        listsNamed('Lapsed buyers').map((l) => l.resourceName),
        'the retry reused it: still exactly one',
      ).toEqual([resourceName]);
      expect(
        ctx.apiCalls.slice(2).map((c) => new URL(c.url).pathname),
        'the retry only searched',
      ).toEqual(['/sim/google/v26/customers/1234567890/googleAds:search']);
      expect(searchQueries(ctx).at(-1)).toBe(
        "SELECT user_list.resource_name, user_list.name, user_list.description, user_list.membership_status FROM user_list WHERE user_list.name = 'Lapsed buyers'",
      );
    });
  }

  it('escapes quotes and backslashes in the name, so such a list is found too', async () => {
    const name = String.raw`Ann's "best" \ buyers`;
    const existing = await madeElsewhere(name);
    const ctx = googleContext(t);
    expect(await googleAdapter.ensureAudience(ctx, { name, externalId: null }), 'found by its exact name').toBe(existing);
    expect(searchQueries(ctx)).toEqual([
      String.raw`SELECT user_list.resource_name, user_list.name, user_list.description, user_list.membership_status FROM user_list WHERE user_list.name = 'Ann\'s "best" \\ buyers'`,
    ]);
  });

  it('answered NAME_ALREADY_USED (made between the lookup and the create), takes the list a second search finds', async () => {
    const ctx = googleContext(t);
    const send = ctx.http.request.bind(ctx.http);
    let made: string | null = null;
    ctx.http = {
      async request(request: HttpRequest) {
        // the list appears in Google after our search and before our create
        if (request.url.endsWith('/userLists:mutate') && made === null) made = await madeElsewhere('Raced');
        return send(request);
      },
    };
    const resourceName = await googleAdapter.ensureAudience(ctx, { name: 'Raced', externalId: null });
    expect(resourceName).toBe(made);
    expect(listsNamed('Raced'), 'no second list').toHaveLength(1);
    expect(ctx.apiCalls.map((c) => `${c.method} ${new URL(c.url).pathname.split('/').pop()} ${c.status}`)).toEqual([
      'POST googleAds:search 200',
      'POST userLists:mutate 400',
      'POST googleAds:search 200',
    ]);
    expect(ctx.apiCalls[1]!.responseBody).toContain('NAME_ALREADY_USED');
  });

  it('never reuses a closed list, and says so when one holds the name', async () => {
    const closed = await madeElsewhere('Closed');
    await fetch(`${t.url}/google/v26/customers/1234567890/userLists:mutate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${GOOGLE_TOKEN}`, 'developer-token': DEVELOPER_TOKEN },
      body: JSON.stringify({ operations: [{ remove: closed }] }),
    });
    const error = await failureOf(googleAdapter.ensureAudience(googleContext(t), { name: 'Closed', externalId: null }));
    expect(error.kind, error.message).toBe('permanent');
    expect(error.message).toMatch(/user list named "Closed" .* is closed or was not made by paidsync/);
  });

  it('never takes over (and empties) a list someone made by hand under the same name', async () => {
    const handMade = await madeElsewhere('Newsletter', 'made in the Google Ads UI');
    const error = await failureOf(googleAdapter.ensureAudience(googleContext(t), { name: 'Newsletter', externalId: null }));
    expect(error.kind, `the name is taken by a list paidsync must not touch: ${error.message}`).toBe('permanent');
    expect(error.message).toContain(handMade);
    expect(listsNamed('Newsletter'), 'no list was made or reused').toHaveLength(1);
  });

  it('takes no list of another customer', async () => {
    const ctx = googleContext(t, { customerId: '555-555-5555' });
    const other = await googleAdapter.ensureAudience(ctx, { name: 'Shared name', externalId: null });
    const mine = await googleAdapter.ensureAudience(googleContext(t), { name: 'Shared name', externalId: null });
    expect(mine).not.toBe(other);
    expect(mine).toMatch(/^customers\/1234567890\/userLists\//);
  });
});
