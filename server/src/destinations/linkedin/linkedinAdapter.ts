// LinkedIn Ads (api-shapes.md "LinkedIn Ads"): DMP segments, members added and removed with
// BATCH_CREATE on the segment's users, one status per element. LinkedIn takes no offline
// conversions here, so sendConversions is absent.
import { DeliveryError } from '../deliveryError.ts';
import type { AdapterContext, BatchResult, DestinationAdapter, MemberRecord } from '../adapter.ts';
import type { LinkedInUserId } from '../hashing/index.ts';
import { linkedinGet, linkedinRequest } from './linkedinApi.ts';

export const LINKEDIN_MAX_ELEMENTS_PER_REQUEST = 5_000;

export const linkedinAdapter: DestinationAdapter = {
  // ~600 requests a minute per member on /users: 10 a second at most
  defaults: { batchSize: 1_000, requestsPerSecond: 8, concurrency: 2 },

  async ensureAudience(ctx, audience) {
    if (audience.externalId) return audience.externalId;
    // LinkedIn allows many segments with one name, so a create whose answer was lost (timeout,
    // reset, 5xx after the commit) would make a second one when retried: reuse the one that exists.
    const existing = await findSegmentByName(ctx, audience.name);
    if (existing) return existing;
    const response = await linkedinRequest(ctx, 'createSegment', '/rest/dmpSegments', {
      name: audience.name,
      account: accountUrn(ctx),
      type: 'USER',
      destinations: [{ destination: 'LINKEDIN' }],
    });
    const id = response.headers.get('x-restli-id') ?? /dmpSegments\/(\d+)/.exec(response.headers.get('location') ?? '')?.[1];
    if (!id) throw new DeliveryError('external', 'LinkedIn created the DMP segment but answered without its id (x-restli-id)');
    return id;
  },

  sendMembers: sendLinkedInMembers,
};

/** segments asked for a page; LinkedIn's finder pages with start/count */
const SEGMENTS_PER_PAGE = 100;
/** pages followed at most: 10,000 segments, beyond any ad account */
const MAX_SEGMENT_PAGES = 100;

function accountUrn(ctx: AdapterContext): string {
  return `urn:li:sponsoredAccount:${ctx.destination.settings.adAccountId}`;
}

/** The id of the account's USER DMP segment named exactly `name` (the first listed when several), or null. */
async function findSegmentByName(ctx: AdapterContext, name: string): Promise<string | null> {
  // the finder has no name filter: page through the account's segments
  for (let page = 0, start = 0; page < MAX_SEGMENT_PAGES; page++) {
    const query = new URLSearchParams({ q: 'account', account: accountUrn(ctx), start: String(start), count: String(SEGMENTS_PER_PAGE) });
    const response = await linkedinGet(ctx, 'findSegments', `/rest/dmpSegments?${query}`);
    const body = response.json<{ elements?: Array<{ id?: unknown; name?: unknown; type?: unknown }>; paging?: { total?: number } }>();
    const elements = body?.elements ?? [];
    // a COMPANY segment of the same name is not ours: we only make USER segments
    const match = elements.find(
      (e) => e.name === name && (e.type === undefined || e.type === 'USER') && e.id !== undefined && e.id !== null && String(e.id) !== '',
    );
    if (match) return String(match.id);
    start += elements.length;
    const total = body?.paging?.total;
    if (elements.length === 0 || (typeof total === 'number' ? start >= total : elements.length < SEGMENTS_PER_PAGE)) return null;
  }
  throw new DeliveryError('permanent', `LinkedIn kept paging the account's DMP segments past ${MAX_SEGMENT_PAGES * SEGMENTS_PER_PAGE}`);
}

async function sendLinkedInMembers(
  ctx: AdapterContext,
  batch: { audience: { externalId: string }; operation: 'ADD' | 'REMOVE'; records: MemberRecord[]; idempotencyKey: string },
): Promise<BatchResult> {
  const rejected: BatchResult['rejected'] = [];
  const sendable: Array<{ key: string; userIds: LinkedInUserId[] }> = [];
  for (const record of batch.records) {
    const userIds = record.identifiers?.userIds as LinkedInUserId[] | undefined;
    if (!userIds?.length) rejected.push({ key: record.key, reason: 'no email to match on (LinkedIn matches SHA256_EMAIL)' });
    else sendable.push({ key: record.key, userIds });
  }
  for (let from = 0; from < sendable.length; from += LINKEDIN_MAX_ELEMENTS_PER_REQUEST) {
    const chunk = sendable.slice(from, from + LINKEDIN_MAX_ELEMENTS_PER_REQUEST);
    const response = await linkedinRequest(
      ctx,
      'segmentUsers',
      `/rest/dmpSegments/${encodeURIComponent(batch.audience.externalId)}/users`,
      { elements: chunk.map((r) => ({ action: batch.operation, userIds: r.userIds })) },
      { 'x-restli-method': 'BATCH_CREATE' },
    );
    const statuses = response.json<{ elements?: Array<{ status?: number; message?: string }> }>()?.elements ?? [];
    // an element LinkedIn could not process right now is no verdict on the record: resend the lot
    const transient = statuses.find((e) => e?.status !== undefined && (e.status >= 500 || e.status === 429));
    if (transient)
      throw new DeliveryError(
        'external',
        `LinkedIn could not process an element (${transient.status}): ${transient.message ?? 'no message'}`,
      );
    statuses.forEach((element, index) => {
      const record = chunk[index];
      if (!record || element?.status === undefined || (element.status >= 200 && element.status < 300)) return;
      rejected.push({
        key: record.key,
        reason: `LinkedIn refused the element (${element.status}): ${element.message ?? 'no message'}`.slice(0, 500),
      });
    });
  }
  return { rejected };
}
