// Customer Match for one queue item: a job of its own (create and remove never share a job), its
// operations added serially in calls of at most ~10,000 identifiers (parallel calls on one job are
// refused), then run and polled to the end. The sync job shows AWAITING_RESPONSE meanwhile.
import { DeliveryError } from '../deliveryError.ts';
import type { AdapterContext, BatchResult, MemberRecord } from '../adapter.ts';
import type { GoogleUserIdentifier } from '../hashing/index.ts';
import { customerId, googleRequest } from './googleApi.ts';
import { errorCodeOf, googleErrorsOf } from './mapGoogleError.ts';
import { pollOfflineUserDataJob } from './pollOfflineUserDataJob.ts';

export const GOOGLE_IDENTIFIERS_PER_CALL = 10_000;

export async function sendGoogleMembers(
  ctx: AdapterContext,
  batch: { audience: { externalId: string }; operation: 'ADD' | 'REMOVE'; records: MemberRecord[]; idempotencyKey: string },
): Promise<BatchResult> {
  const rejected: BatchResult['rejected'] = [];
  const sendable: Array<{ key: string; userIdentifiers: GoogleUserIdentifier[] }> = [];
  for (const record of batch.records) {
    const userIdentifiers = record.identifiers?.userIdentifiers as GoogleUserIdentifier[] | undefined;
    if (!userIdentifiers?.length) rejected.push({ key: record.key, reason: 'no identifiers Customer Match can use' });
    else sendable.push({ key: record.key, userIdentifiers });
  }
  if (sendable.length === 0) return { rejected };

  const cid = customerId(ctx);
  const created = await googleRequest(ctx, 'createJob', 'POST', `customers/${cid}/offlineUserDataJobs:create`, {
    job: {
      type: 'CUSTOMER_MATCH_USER_LIST',
      // only customers who gave ad consent are ever sent
      customerMatchUserListMetadata: {
        userList: batch.audience.externalId,
        consent: { adUserData: 'GRANTED', adPersonalization: 'GRANTED' },
      },
    },
  });
  const job = created.json<{ resourceName?: string }>()?.resourceName;
  if (!job) throw new DeliveryError('external', 'Google Ads created the offline user data job but answered without its resourceName');

  const kind = batch.operation === 'ADD' ? 'create' : 'remove';
  let accepted = 0;
  for (const chunk of chunksByIdentifiers(sendable)) {
    const response = await googleRequest(ctx, 'jobOperation', 'POST', `${job}:addOperations`, {
      operations: chunk.map((r) => ({ [kind]: { userIdentifiers: r.userIdentifiers } })),
      enablePartialFailure: true,
    });
    const refused = operationFailures(response.json<{ partialFailureError?: { details?: never } }>()?.partialFailureError, chunk);
    rejected.push(...refused);
    accepted += chunk.length - refused.length;
  }
  if (accepted === 0) return { rejected }; // nothing left to run

  await googleRequest(ctx, 'jobOperation', 'POST', `${job}:run`, {});
  await ctx.awaitingResponse(true);
  let finished;
  try {
    finished = await pollOfflineUserDataJob(ctx, job);
  } finally {
    await ctx.awaitingResponse(false);
  }
  if (finished.status === 'FAILED') {
    throw new DeliveryError('external', `Google Ads offline user data job ${job} FAILED (${finished.failureReason ?? 'no reason given'})`);
  }
  return { rejected, ...(finished.matchRateRange ? { matchRate: finished.matchRateRange } : {}) };
}

/** consecutive slices of whole users whose identifiers add up to at most GOOGLE_IDENTIFIERS_PER_CALL */
function* chunksByIdentifiers<T extends { userIdentifiers: unknown[] }>(records: T[]): Generator<T[]> {
  let chunk: T[] = [];
  let count = 0;
  for (const record of records) {
    if (chunk.length > 0 && count + record.userIdentifiers.length > GOOGLE_IDENTIFIERS_PER_CALL) {
      yield chunk;
      chunk = [];
      count = 0;
    }
    chunk.push(record);
    count += record.userIdentifiers.length;
  }
  if (chunk.length > 0) yield chunk;
}

/** partialFailureError rows (`operations[i]`) → the records they name, with Google's code and message */
function operationFailures(partialFailureError: { details?: never } | undefined, chunk: Array<{ key: string }>): BatchResult['rejected'] {
  const byIndex = new Map<number, string>();
  for (const error of googleErrorsOf(partialFailureError)) {
    const element = error.location?.fieldPathElements?.find((e) => e.fieldName === 'operations' && typeof e.index === 'number');
    if (!element || element.index! >= chunk.length || byIndex.has(element.index!)) continue;
    byIndex.set(element.index!, `${errorCodeOf(error)}: ${error.message ?? 'refused by Google Ads'}`.slice(0, 500));
  }
  return [...byIndex].map(([index, reason]) => ({ key: chunk[index]!.key, reason }));
}
