// Click conversions with partial failure: at most 2,000 a request; Google answers 200 even when rows
// fail and names each failed row by index in partialFailureError. A conversion Google already has
// (CLICK_CONVERSION_ALREADY_EXISTS, e.g. a resend after a lost answer) counts as delivered.
import { DeliveryError } from '../deliveryError.ts';
import type { AdapterContext, BatchResult, ConversionRecord } from '../adapter.ts';
import { customerId, googleRequest } from './googleApi.ts';
import { errorCodeOf, googleErrorsOf } from './mapGoogleError.ts';

export const GOOGLE_MAX_CONVERSIONS_PER_REQUEST = 2_000;
const ALREADY_DELIVERED = new Set(['CLICK_CONVERSION_ALREADY_EXISTS']);

export async function sendGoogleConversions(
  ctx: AdapterContext,
  batch: { records: ConversionRecord[]; idempotencyKey: string },
): Promise<BatchResult> {
  const actionId = ctx.destination.settings.conversionActionId;
  if (!actionId)
    throw new DeliveryError('permanent', 'the Google Ads destination has no conversionActionId setting, which conversions need');
  const cid = customerId(ctx);
  const rejected: BatchResult['rejected'] = [];
  const sendable: ConversionRecord[] = [];
  for (const record of batch.records) {
    if (record.clickId) sendable.push(record);
    else rejected.push({ key: record.key, reason: 'no click id (gclid): Google click conversions need one' });
  }
  for (let from = 0; from < sendable.length; from += GOOGLE_MAX_CONVERSIONS_PER_REQUEST) {
    const chunk = sendable.slice(from, from + GOOGLE_MAX_CONVERSIONS_PER_REQUEST);
    const response = await googleRequest(ctx, 'uploadConversions', 'POST', `customers/${cid}:uploadClickConversions`, {
      conversions: chunk.map((record) => ({
        gclid: record.clickId,
        conversionAction: `customers/${cid}/conversionActions/${actionId}`,
        conversionDateTime: googleDateTime(record.occurredAt),
        ...(record.value !== null ? { conversionValue: record.value } : {}),
        ...(record.currency ? { currencyCode: record.currency.toUpperCase() } : {}),
        // the event id: Google refuses a second upload of the same order
        orderId: record.key,
      })),
      partialFailure: true,
    });
    rejected.push(
      ...rowFailures(response.json<{ partialFailureError?: { message?: string; details?: never } }>()?.partialFailureError, chunk),
    );
  }
  return { rejected };
}

/** "yyyy-mm-dd hh:mm:ss+00:00", in UTC */
export function googleDateTime(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace('T', ' ')}+00:00`;
}

function rowFailures(
  partialFailureError: { message?: string; details?: never } | undefined,
  chunk: ConversionRecord[],
): BatchResult['rejected'] {
  if (!partialFailureError) return [];
  const byIndex = new Map<number, string>();
  let unplaced: string | null = null;
  for (const error of googleErrorsOf(partialFailureError)) {
    const code = errorCodeOf(error);
    const element = error.location?.fieldPathElements?.find((e) => e.fieldName === 'conversions' && typeof e.index === 'number');
    if (!element || element.index! >= chunk.length) {
      unplaced ??= `${code}: ${error.message ?? ''}`;
      continue;
    }
    if (ALREADY_DELIVERED.has(code) || byIndex.has(element.index!)) continue;
    byIndex.set(element.index!, `${code}: ${error.message ?? 'refused by Google Ads'}`.slice(0, 500));
  }
  // a row error we cannot place: let the engine split the batch until it can be
  if (unplaced) throw new DeliveryError('batchRejected', `Google Ads refused a conversion it did not name: ${unplaced}`.slice(0, 500));
  return [...byIndex].map(([index, reason]) => ({ key: chunk[index]!.key, reason }));
}
