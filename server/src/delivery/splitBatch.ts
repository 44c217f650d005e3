// When a network refuses a whole batch because of one bad record, halve it and send each half,
// again and again, until every record is either accepted or isolated with the network's reason.
// k bad records among n cost O(k·log n) requests.
import { DeliveryError } from '../destinations/deliveryError.ts';

export interface SplitOutcome {
  rejected: Array<{ key: string; reason: string }>;
  requests: number;
  matchRate?: string;
}

export async function sendSplittingOnRejection<R extends { key: string }>(
  records: R[],
  send: (
    batch: R[],
    range: { offset: number; length: number },
  ) => Promise<{ rejected: Array<{ key: string; reason: string }>; matchRate?: string }>,
  offset = 0,
): Promise<SplitOutcome> {
  try {
    const result = await send(records, { offset, length: records.length });
    return { rejected: result.rejected, requests: 1, matchRate: result.matchRate };
  } catch (error) {
    if (!(error instanceof DeliveryError) || error.kind !== 'batchRejected') throw error;
    if (records.length === 1) return { rejected: [{ key: records[0]!.key, reason: error.message }], requests: 1 };
    const middle = Math.ceil(records.length / 2);
    const left = await sendSplittingOnRejection(records.slice(0, middle), send, offset);
    const right = await sendSplittingOnRejection(records.slice(middle), send, offset + middle);
    return {
      rejected: [...left.rejected, ...right.rejected],
      requests: 1 + left.requests + right.requests,
      matchRate: right.matchRate ?? left.matchRate,
    };
  }
}
