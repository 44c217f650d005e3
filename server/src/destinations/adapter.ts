// What every destination adapter implements. Adapters speak their network's wire format and
// classify failures as DeliveryErrors; batching, backoff, rate limits, splitting and statuses are
// the delivery engine's (server/src/delivery), the same for every network.
import type { DestinationType } from '../generated/prisma/enums.ts';

/** How an adapter reaches its network: delivery/destinationHttp.ts implements it with the network
 *  policy, redirects refused, timeouts and an ApiCall row per request. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  json<T = any>(): T | null;
}

/** An answer as adapters read it: the body kept as text, parsed on demand (null when it is not JSON). */
export function httpResponse(status: number, headers: Headers, text: string): HttpResponse {
  return {
    status,
    headers,
    text,
    json<T>() {
      try {
        return JSON.parse(text) as T;
      } catch {
        return null;
      }
    },
  };
}

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

export interface DestinationHttp {
  request(request: HttpRequest): Promise<HttpResponse>;
}

export interface AdapterContext {
  destination: { id: number; name: string; type: DestinationType; settings: Record<string, any> };
  credentials: Record<string, any>;
  http: DestinationHttp;
  /** for networks that process uploads asynchronously (Google's offline user data jobs): the job
   *  shows AWAITING_RESPONSE while `waiting` is true */
  awaitingResponse(waiting: boolean): Promise<void>;
  syncJobId: number | null;
  /** aborted when the worker shuts down: long waits (polling) should stop early */
  signal?: AbortSignal;
}

/** One customer in a membership batch: its primary key and the identifiers hashed for this network. */
export interface MemberRecord {
  key: string;
  identifiers: any;
}

/** One offline conversion in a batch; `key` is its event id. */
export interface ConversionRecord {
  key: string;
  conversionName: string;
  occurredAt: Date;
  value: number | null;
  currency: string | null;
  clickId: string | null;
  /** the customer's identifiers hashed for this network, when the event names a customer */
  identifiers: any | null;
}

export interface BatchResult {
  /** records the network refused one by one, with its reason; the rest were accepted */
  rejected: Array<{ key: string; reason: string }>;
  /** a match-rate range the network reported for the audience (Google MATCH_RANGE_…) */
  matchRate?: string;
}

export interface AudienceRef {
  name: string;
  externalId: string | null;
}

export interface DestinationAdapter {
  defaults: { batchSize: number; requestsPerSecond: number; concurrency: number };
  /** creates the audience in the network when it has no external id yet; returns its external id */
  ensureAudience(ctx: AdapterContext, audience: AudienceRef): Promise<string>;
  sendMembers(
    ctx: AdapterContext,
    batch: { audience: AudienceRef & { externalId: string }; operation: 'ADD' | 'REMOVE'; records: MemberRecord[]; idempotencyKey: string },
  ): Promise<BatchResult>;
  /** absent for networks that take no offline conversions */
  sendConversions?(ctx: AdapterContext, batch: { records: ConversionRecord[]; idempotencyKey: string }): Promise<BatchResult>;
  /** an alert or lifecycle webhook's JSON body (server/src/alerts); only webhook receivers take them */
  sendNotification?(ctx: AdapterContext, notification: { body: object; idempotencyKey: string }): Promise<BatchResult>;
}
