// LinkedIn Rest.li errors → failure classes: `{status, code, message, serviceErrorCode}` bodies.
import { parseRetryAfter } from '../retryAfter.ts';
import { DeliveryError } from '../deliveryError.ts';
import type { HttpResponse } from '../adapter.ts';

/** What the failed request was for: a 404 on a segment's users means the segment is gone. */
export type LinkedInCall = 'findSegments' | 'createSegment' | 'segmentUsers';

// the version header names a version LinkedIn no longer (or never) served: a setting to fix, not data
const VERSION_CODES = new Set(['VERSION_MISSING', 'NONEXISTENT_VERSION']);

export function mapLinkedInError(response: HttpResponse, call: LinkedInCall): DeliveryError {
  const body = response.json<{ code?: string; message?: string; serviceErrorCode?: number }>();
  const detail = `HTTP ${response.status}${body?.code ? ` ${body.code}` : ''}: ${body?.message ?? response.text.slice(0, 200)}`.slice(
    0,
    500,
  );
  const status = response.status;
  if (status === 401 || status === 403) return new DeliveryError('auth', `LinkedIn refused the access token: ${detail}`);
  if (status === 429)
    return new DeliveryError('throttled', `LinkedIn rate limit: ${detail}`, {
      waitMs: parseRetryAfter(response.headers.get('retry-after')),
    });
  if (status >= 500 || status === 408) return new DeliveryError('external', `LinkedIn unavailable: ${detail}`);
  if (status === 426 || (body?.code && VERSION_CODES.has(body.code)))
    return new DeliveryError('permanent', `LinkedIn refused the API version: ${detail}`);
  if (status === 404 && call === 'segmentUsers') return new DeliveryError('audienceMissing', `LinkedIn DMP segment missing: ${detail}`);
  if ((status === 400 || status === 422) && call === 'segmentUsers')
    return new DeliveryError('batchRejected', `LinkedIn refused the batch: ${detail}`);
  return new DeliveryError('permanent', `LinkedIn refused the request: ${detail}`);
}
