// Offline conversions through the Conversions API: /{pixelId}/events, at most 1,000 events a request,
// every event with its event_id so Meta drops a resend (event_name + event_id within 48 h). One event
// older than 7 days makes Meta refuse the whole request, so those are rejected here before sending.
import { DeliveryError } from '../deliveryError.ts';
import type { AdapterContext, BatchResult, ConversionRecord } from '../adapter.ts';
import { metaUserData, type MetaIdentifiers, type MetaUserData } from '../hashing/index.ts';
import { graphRequest } from './facebookApi.ts';

export const FACEBOOK_MAX_EVENTS_PER_REQUEST = 1_000;
export const FACEBOOK_MAX_EVENT_AGE_MS = 7 * 24 * 3600 * 1000;
// conversion names that are sales at a till rather than something our systems decided
const STORE_SALE = /purchase|order|sale|store|checkout|pos\b/i;

export async function sendFacebookConversions(
  ctx: AdapterContext,
  batch: { records: ConversionRecord[]; idempotencyKey: string },
  now: number = Date.now(),
): Promise<BatchResult> {
  const pixelId = ctx.destination.settings.pixelId;
  if (!pixelId) throw new DeliveryError('permanent', 'the Facebook destination has no pixelId setting, which conversions need');
  const rejected: BatchResult['rejected'] = [];
  const events: object[] = [];
  for (const record of batch.records) {
    const eventTime = record.occurredAt.getTime();
    if (now - eventTime > FACEBOOK_MAX_EVENT_AGE_MS) {
      rejected.push({
        key: record.key,
        reason: `event older than 7 days (occurred ${record.occurredAt.toISOString()}): Meta's Conversions API refuses it`,
      });
      continue;
    }
    const userData = userDataOf(record);
    if (Object.keys(userData).length === 0) {
      rejected.push({ key: record.key, reason: 'no customer information or click id to match the event on' });
      continue;
    }
    events.push({
      event_name: record.conversionName,
      event_time: Math.floor(eventTime / 1000),
      event_id: record.key,
      action_source: STORE_SALE.test(record.conversionName) ? 'physical_store' : 'system_generated',
      user_data: userData,
      ...(record.value !== null
        ? { custom_data: { value: record.value, ...(record.currency ? { currency: record.currency.toUpperCase() } : {}) } }
        : {}),
    });
  }
  for (let from = 0; from < events.length; from += FACEBOOK_MAX_EVENTS_PER_REQUEST) {
    await graphRequest(ctx, 'events', 'POST', `${pixelId}/events`, { data: events.slice(from, from + FACEBOOK_MAX_EVENTS_PER_REQUEST) });
  }
  return { rejected };
}

function userDataOf(record: ConversionRecord): MetaUserData & { fbc?: string } {
  const ids = record.identifiers?.ids as MetaIdentifiers | undefined;
  const data: MetaUserData & { fbc?: string } = ids ? metaUserData(ids) : {};
  // a click id is Meta's fbc parameter: fb.1.{click time ms}.{fbclid}
  if (record.clickId)
    data.fbc = /^fb\.\d\./.test(record.clickId) ? record.clickId : `fb.1.${record.occurredAt.getTime()}.${record.clickId}`;
  return data;
}
