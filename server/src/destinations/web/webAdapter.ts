// Web destination (api-shapes.md "Web"): JSON batches POSTed to any HTTP(S) endpoint, signed with
// HMAC-SHA256 when a signing secret is set, with an idempotency key so a resent batch is recognised.
import { createHmac } from 'node:crypto';
import { parseRetryAfter } from '../retryAfter.ts';
import { DeliveryError } from '../deliveryError.ts';
import type { HttpResponse } from '../adapter.ts';
import type { AdapterContext, BatchResult, DestinationAdapter } from '../adapter.ts';

export const webAdapter: DestinationAdapter = {
  defaults: { batchSize: 1000, requestsPerSecond: 50, concurrency: 4 },

  // a web endpoint has no audiences to create: the audience travels by name in every batch
  async ensureAudience(_ctx, audience) {
    return audience.externalId ?? audience.name;
  },

  async sendMembers(ctx, batch) {
    const records = batch.records.map((r) => ({ id: r.key, ...r.identifiers?.ids }));
    return post(
      ctx,
      { audience: batch.audience.externalId, operation: batch.operation === 'ADD' ? 'add' : 'remove', records },
      batch.idempotencyKey,
    );
  },

  async sendConversions(ctx, batch) {
    const records = batch.records.map((r) => ({
      id: r.key,
      conversionName: r.conversionName,
      occurredAt: r.occurredAt.toISOString(),
      value: r.value,
      currency: r.currency,
      clickId: r.clickId,
      ...r.identifiers?.ids,
    }));
    return post(ctx, { audience: null, operation: 'conversion', records }, batch.idempotencyKey);
  },

  // signed like a batch; Slack-compatible since the body carries a `text` field
  async sendNotification(ctx, notification) {
    return post(ctx, notification.body, notification.idempotencyKey);
  },
};

async function post(ctx: AdapterContext, payload: object, idempotencyKey: string): Promise<BatchResult> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': idempotencyKey };
  const secret = ctx.credentials.signingSecret as string | undefined;
  if (secret) headers['x-paidsync-signature'] = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const response = await ctx.http.request({ method: 'POST', url: ctx.destination.settings.url, headers, body });
  return interpret(response);
}

function interpret(response: HttpResponse): BatchResult {
  const { status } = response;
  if (status >= 200 && status < 300) {
    const results = response.json<{ results?: Array<{ id: string; status: string; reason?: string }> }>()?.results ?? [];
    return {
      rejected: results
        .filter((r) => r.status === 'rejected')
        .map((r) => ({ key: String(r.id), reason: r.reason ?? 'rejected by the endpoint' })),
    };
  }
  const message = errorMessage(response);
  if (status === 400 || status === 422) throw new DeliveryError('batchRejected', message);
  if (status === 401 || status === 403) throw new DeliveryError('auth', `the endpoint refused our credentials (${status}): ${message}`);
  if (status === 429)
    throw new DeliveryError('throttled', `rate limited (429): ${message}`, {
      waitMs: parseRetryAfter(response.headers.get('retry-after')),
    });
  if (status >= 500 || status === 408) throw new DeliveryError('external', `endpoint unavailable (${status}): ${message}`);
  throw new DeliveryError('permanent', `endpoint refused the batch (${status}): ${message}`);
}

function errorMessage(response: HttpResponse): string {
  const json = response.json<{ error?: unknown; message?: unknown; reason?: unknown }>();
  const text = json ? (json.reason ?? json.message ?? json.error) : response.text;
  return String(typeof text === 'string' ? text : JSON.stringify(text ?? '')).slice(0, 300) || `HTTP ${response.status}`;
}
