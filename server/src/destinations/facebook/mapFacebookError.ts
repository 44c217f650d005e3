// Graph API errors → failure classes (api-shapes.md "Facebook Ads"). Meta throttles with HTTP 400
// and a code, not 429, and says how long to wait in the usage headers, in minutes.
import { parseRetryAfter } from '../retryAfter.ts';
import { DeliveryError } from '../deliveryError.ts';
import type { HttpResponse } from '../adapter.ts';

export interface GraphError {
  code?: number;
  error_subcode?: number;
  message?: string;
  error_user_title?: string;
  error_user_msg?: string;
  is_transient?: boolean;
}

const THROTTLE_CODES = new Set([4, 17, 32, 613, 80000, 80001, 80002, 80003, 80004, 80005, 80006, 80008, 80009, 80014]);
const AUTH_CODES = new Set([10, 102, 104, 190]);
const AUDIENCE_MISSING_CODES = new Set([1487366, 1487301]);
/** CAPI "event too old" (2804003) and its neighbours about event timestamps */
const EVENT_TIME_SUBCODES = new Set([2804003, 2804004]);

/** Which request failed: an audience's users, the pixel's events, or the audience's creation (or lookup by name). */
export type FacebookEndpoint = 'users' | 'events' | 'customaudiences';

export function graphErrorOf(response: HttpResponse): GraphError | null {
  const body = response.json<{ error?: GraphError }>();
  return body && typeof body.error === 'object' && body.error !== null ? body.error : null;
}

export function mapFacebookError(response: HttpResponse, endpoint: FacebookEndpoint): DeliveryError {
  const error = graphErrorOf(response);
  const code = error?.code;
  const subcode = error?.error_subcode;
  const detail = error ? describe(error) : `HTTP ${response.status}${response.text ? `: ${response.text.slice(0, 200)}` : ''}`;

  if ((code !== undefined && THROTTLE_CODES.has(code)) || response.status === 429) {
    const waitMs = regainAccessMs(response.headers) ?? parseRetryAfter(response.headers.get('retry-after'));
    return new DeliveryError('throttled', `Meta rate limit: ${detail}`, { waitMs });
  }
  if (code !== undefined && (AUTH_CODES.has(code) || (code >= 200 && code < 300))) {
    return new DeliveryError('auth', `Meta refused the access token or its permissions: ${detail}`);
  }
  if (response.status >= 500 || code === 1 || code === 2 || (error?.is_transient && code !== 100)) {
    return new DeliveryError('external', `Meta unavailable: ${detail}`);
  }
  if (code !== undefined && AUDIENCE_MISSING_CODES.has(code)) {
    return new DeliveryError(
      endpoint === 'users' ? 'audienceMissing' : 'permanent',
      `Meta custom audience missing or not shared: ${detail}`,
    );
  }
  if (code === 100 && subcode === 33) {
    // "object does not exist": the audience on users; the pixel or the ad account elsewhere, which no resend fixes
    if (endpoint === 'users') return new DeliveryError('audienceMissing', `Meta custom audience missing: ${detail}`);
    return new DeliveryError('permanent', `Meta ${endpoint === 'events' ? 'pixel' : 'ad account'} not found or not accessible: ${detail}`);
  }
  if (code === 100 && subcode !== undefined && EVENT_TIME_SUBCODES.has(subcode)) {
    // the whole request is refused for one event: split to isolate it
    return new DeliveryError('batchRejected', `Meta refused an event's time: ${detail}`);
  }
  if (code === 100) {
    // invalid parameter: something in the rows or events, which a split isolates
    return endpoint === 'customaudiences'
      ? new DeliveryError('permanent', `Meta refused to find or create the audience: ${detail}`)
      : new DeliveryError('batchRejected', `Meta refused the batch: ${detail}`);
  }
  // anything else (terms not accepted, a policy block, an unknown code) is no record's fault
  return new DeliveryError('permanent', `Meta refused the request: ${detail}`);
}

function describe(error: GraphError): string {
  const codes = `(#${error.code ?? '?'}${error.error_subcode ? `/${error.error_subcode}` : ''})`;
  const text = [error.error_user_title, error.error_user_msg ?? error.message].filter(Boolean).join(': ');
  return `${codes} ${text}`.slice(0, 500);
}

/**
 * `estimated_time_to_regain_access` (minutes) from X-Business-Use-Case-Usage
 * (`{id: [{..., estimated_time_to_regain_access}]}`) or X-App-Usage, the longest one; null when no
 * header says (the engine then backs off on its own). Zero means "no estimate", not "no wait".
 */
export function regainAccessMs(headers: Headers): number | null {
  let minutes = 0;
  for (const name of ['x-business-use-case-usage', 'x-app-usage', 'x-ad-account-usage']) {
    const raw = headers.get(name);
    if (!raw) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      continue;
    }
    visit(parsed, (key, value) => {
      if (key === 'estimated_time_to_regain_access' && typeof value === 'number') minutes = Math.max(minutes, value);
    });
  }
  return minutes > 0 ? minutes * 60_000 : null;
}

function visit(value: unknown, each: (key: string, value: unknown) => void, depth = 0) {
  if (depth > 4 || value === null || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value)) {
    each(key, inner);
    visit(inner, each, depth + 1);
  }
}
