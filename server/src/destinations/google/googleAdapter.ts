// Google Ads (api-shapes.md "Google Ads"): Customer Match user lists filled through asynchronous
// offline user data jobs, and click conversion uploads with partial failure.
import { DeliveryError } from '../deliveryError.ts';
import type { AdapterContext, DestinationAdapter } from '../adapter.ts';
import { audienceDescription, madeByPaidsync } from '../audienceDescription.ts';
import { customerId, gaqlString, googleSearch, googleSend } from './googleApi.ts';
import { errorCodeOf, googleErrorsOf, googleStatusOf, mapGoogleError } from './mapGoogleError.ts';
import { sendGoogleConversions } from './sendGoogleConversions.ts';
import { sendGoogleMembers } from './sendGoogleMembers.ts';

export const googleAdapter: DestinationAdapter = {
  // 10,000 users a job, sent in addOperations calls of ~10,000 identifiers; few jobs at once, as
  // Google advises against many concurrent jobs on one user list
  defaults: { batchSize: 10_000, requestsPerSecond: 10, concurrency: 2 },

  async ensureAudience(ctx, audience) {
    if (audience.externalId) return audience.externalId;
    // a create whose answer was lost (timeout, reset, 5xx after the commit) may have made the list:
    // reuse it, rather than have the retry refused for its name
    const existing = await findUserList(ctx, audience.name);
    if (existing.open) return existing.open;
    const response = await googleSend(ctx, 'POST', `customers/${customerId(ctx)}/userLists:mutate`, {
      operations: [
        {
          create: {
            name: audience.name,
            description: audienceDescription(audience.name),
            // 10000: members never expire
            membershipLifeSpan: 10000,
            crmBasedUserList: { uploadKeyType: 'CONTACT_INFO', dataSourceType: 'FIRST_PARTY' },
          },
        },
      ],
    });
    if (response.status < 200 || response.status >= 300) {
      const codes = googleErrorsOf(googleStatusOf(response)).map(errorCodeOf);
      if (!codes.some((code) => NAME_TAKEN.has(code))) throw mapGoogleError(response, 'createUserList');
      // made since our lookup (another worker, or a lost create that had not shown in search yet)
      const again = await findUserList(ctx, audience.name);
      if (again.open) return again.open;
      if (again.blocking) {
        throw new DeliveryError(
          'permanent',
          `Google Ads has a user list named "${audience.name}" (${again.blocking}) that is closed or was not made by paidsync, and names are unique: rename the segment, or rename or remove that list`,
        );
      }
      // search may not show a list made a moment ago yet: a later attempt finds it
      throw new DeliveryError('external', `Google Ads says a user list named "${audience.name}" exists but search does not return it yet`);
    }
    const resourceName = response.json<{ results?: Array<{ resourceName?: string }> }>()?.results?.[0]?.resourceName;
    if (!resourceName) throw new DeliveryError('external', 'Google Ads created the user list but answered without its resourceName');
    return resourceName;
  },

  sendMembers: sendGoogleMembers,

  sendConversions: sendGoogleConversions,
};

/** "this name is taken": Google's UserListError, and the generic duplicate-name code */
const NAME_TAKEN = new Set(['NAME_ALREADY_USED', 'DUPLICATE_NAME']);

/**
 * The customer's user list named exactly `name`: an open one paidsync made, to reuse; otherwise the
 * one holding the name (closed, or made by someone else, which is never taken over and emptied), to
 * explain why a new list cannot have the name.
 */
async function findUserList(ctx: AdapterContext, name: string): Promise<{ open: string | null; blocking: string | null }> {
  const rows = await googleSearch<{ userList?: { resourceName?: string; name?: string; description?: string; membershipStatus?: string } }>(
    ctx,
    'findUserList',
    `SELECT user_list.resource_name, user_list.name, user_list.description, user_list.membership_status FROM user_list WHERE user_list.name = ${gaqlString(name)}`,
  );
  const lists = rows.map((r) => r.userList).filter((l) => l?.resourceName && l.name === name);
  const ours = (l: (typeof lists)[number]) => l!.membershipStatus !== 'CLOSED' && madeByPaidsync(l!.description);
  return {
    open: lists.find(ours)?.resourceName ?? null,
    blocking: lists.find((l) => !ours(l))?.resourceName ?? null,
  };
}
