// Facebook Ads (api-shapes.md "Facebook Ads"): customer-list Custom Audiences through the Graph API's
// users endpoint with sessions, and offline conversions through the Conversions API.
import { DeliveryError } from '../deliveryError.ts';
import type { AdapterContext, DestinationAdapter } from '../adapter.ts';
import { audienceDescription, madeByPaidsync } from '../audienceDescription.ts';
import { adAccountId, graphRequest } from './facebookApi.ts';
import { sendFacebookConversions } from './sendFacebookConversions.ts';
import { sendFacebookMembers } from './sendFacebookMembers.ts';

export const facebookAdapter: DestinationAdapter = {
  // 10,000 rows is Meta's cap per users request; ~200 calls/hour/account is the documented budget
  defaults: { batchSize: 10_000, requestsPerSecond: 5, concurrency: 2 },

  async ensureAudience(ctx, audience) {
    if (audience.externalId) return audience.externalId;
    // Meta allows many audiences with one name, so a create whose answer was lost (timeout, reset,
    // 5xx after the commit) would make a second one when retried: reuse the one that exists.
    const existing = await findAudienceByName(ctx, audience.name);
    if (existing) return existing;
    const response = await graphRequest(ctx, 'customaudiences', 'POST', `act_${adAccountId(ctx)}/customaudiences`, {
      name: audience.name,
      subtype: 'CUSTOM',
      customer_file_source: 'USER_PROVIDED_ONLY',
      description: audienceDescription(audience.name),
    });
    const id = response.json<{ id?: unknown }>()?.id;
    if (id === undefined || id === null || String(id) === '')
      throw new DeliveryError('external', 'Meta created the audience but answered without its id');
    return String(id);
  },

  sendMembers: sendFacebookMembers,

  sendConversions: (ctx, batch) => sendFacebookConversions(ctx, batch),
};

/** pages of a listing followed at most; far beyond any ad account's audiences with one name */
const MAX_LISTING_PAGES = 50;

/** The id of the ad account's audience named exactly `name` that paidsync made, or null; of several
 *  (made before this check existed), the oldest on the first page that has one: ids grow with time.
 *  An audience someone made by hand under the same name is never taken over (and emptied). */
async function findAudienceByName(ctx: AdapterContext, name: string): Promise<string | null> {
  const filtering = JSON.stringify([{ field: 'name', operator: 'EQUAL', value: name }]);
  let after: string | null = null;
  for (let page = 0; page < MAX_LISTING_PAGES; page++) {
    const query = new URLSearchParams({ fields: 'id,name,description', filtering, limit: '100' });
    if (after) query.set('after', after);
    const response = await graphRequest(ctx, 'customaudiences', 'GET', `act_${adAccountId(ctx)}/customaudiences?${query}`);
    const body = response.json<{
      data?: Array<{ id?: unknown; name?: unknown; description?: unknown }>;
      paging?: { next?: string; cursors?: { after?: string } };
    }>();
    // the filter is Meta's; the exact comparison is ours, so a looser match never takes another audience
    const match = (body?.data ?? []).filter((a) => a.name === name && madeByPaidsync(a.description) && a.id != null && String(a.id) !== '');
    if (match.length > 0) return match.map((a) => String(a.id)).sort(byNumericId)[0]!;
    after = body?.paging?.next ? (body.paging.cursors?.after ?? null) : null;
    if (!after) return null;
  }
  throw new DeliveryError('permanent', `Meta kept paging the audiences named "${name}" past ${MAX_LISTING_PAGES} pages`);
}

function byNumericId(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
