// Google Ads errors → failure classes. A failed request carries a google.rpc.Status whose details hold
// a GoogleAdsFailure (`errors[].errorCode` like `{quotaError: "RESOURCE_EXHAUSTED"}`) and, when
// throttled, a RetryInfo with the delay to wait.
import { parseRetryAfter } from '../retryAfter.ts';
import { DeliveryError } from '../deliveryError.ts';
import type { HttpResponse } from '../adapter.ts';

export interface GoogleAdsError {
  errorCode?: Record<string, string>;
  message?: string;
  location?: { fieldPathElements?: Array<{ fieldName?: string; index?: number }> };
  details?: { quotaErrorDetails?: { retryDelay?: string } };
}
interface GoogleStatus {
  code?: number;
  message?: string;
  status?: string;
  details?: Array<{ '@type'?: string; errors?: GoogleAdsError[]; retryDelay?: string }>;
}

/** What the failed request was for: the answer's meaning depends on it. */
export type GoogleCall = 'findUserList' | 'createUserList' | 'createJob' | 'jobOperation' | 'pollJob' | 'uploadConversions';

const AUDIENCE_MISSING = new Set(['INVALID_USER_LIST_ID', 'USER_LIST_NOT_FOUND', 'USER_LIST_NOT_ACCESSIBLE', 'USER_LIST_CLOSED']);
const TRANSIENT_STATUSES = new Set(['UNAVAILABLE', 'INTERNAL', 'DEADLINE_EXCEEDED', 'ABORTED', 'UNKNOWN']);

export function googleStatusOf(response: HttpResponse): GoogleStatus | null {
  const body = response.json<{ error?: GoogleStatus } | GoogleStatus[]>();
  // some front ends answer a one-element array
  const error = Array.isArray(body) ? (body[0] as { error?: GoogleStatus })?.error : body?.error;
  return error && typeof error === 'object' ? error : null;
}

/** every `errorCode` value in a status's GoogleAdsFailure details, e.g. ['CONCURRENT_MODIFICATION'] */
export function googleErrorsOf(status: { details?: GoogleStatus['details'] } | null | undefined): GoogleAdsError[] {
  return (status?.details ?? []).flatMap((d) => (Array.isArray(d?.errors) ? d.errors : []));
}

export function errorCodeOf(error: GoogleAdsError): string {
  return Object.values(error.errorCode ?? {})[0] ?? 'UNKNOWN';
}

export function mapGoogleError(response: HttpResponse, call: GoogleCall): DeliveryError {
  const status = googleStatusOf(response);
  const errors = googleErrorsOf(status);
  const codes = new Set(errors.map(errorCodeOf));
  const families = new Set(errors.flatMap((e) => Object.keys(e.errorCode ?? {})));
  const detail = describe(response, status, errors);
  const http = response.status;

  if (http === 401 || status?.status === 'UNAUTHENTICATED' || families.has('authenticationError')) {
    return new DeliveryError('auth', `Google Ads refused the credentials: ${detail}`);
  }
  if (http === 403 || status?.status === 'PERMISSION_DENIED' || families.has('authorizationError')) {
    return new DeliveryError('auth', `Google Ads denied access: ${detail}`);
  }
  if (
    http === 429 ||
    status?.status === 'RESOURCE_EXHAUSTED' ||
    codes.has('RESOURCE_EXHAUSTED') ||
    codes.has('RESOURCE_TEMPORARILY_EXHAUSTED')
  ) {
    return new DeliveryError('throttled', `Google Ads quota exhausted: ${detail}`, { waitMs: retryDelayMs(response, status, errors) });
  }
  if (codes.has('CONCURRENT_MODIFICATION') || http >= 500 || TRANSIENT_STATUSES.has(status?.status ?? '') || http === 408) {
    return new DeliveryError('external', `Google Ads unavailable: ${detail}`);
  }
  if ([...codes].some((c) => AUDIENCE_MISSING.has(c)) && (call === 'createJob' || call === 'jobOperation')) {
    return new DeliveryError('audienceMissing', `Google Ads user list missing: ${detail}`);
  }
  if (http === 404) {
    // the job we just made vanished: make a new one on the next attempt
    if (call === 'jobOperation' || call === 'pollJob')
      return new DeliveryError('external', `Google Ads lost the offline user data job: ${detail}`);
    if (call === 'createJob') return new DeliveryError('audienceMissing', `Google Ads user list missing: ${detail}`);
    return new DeliveryError('permanent', `Google Ads customer or resource not found: ${detail}`);
  }
  if (http === 400 || status?.status === 'INVALID_ARGUMENT') {
    // something in the batch: split it to find the records (creating a list has nothing to split)
    if (call === 'jobOperation' || call === 'uploadConversions')
      return new DeliveryError('batchRejected', `Google Ads refused the batch: ${detail}`);
    return new DeliveryError('permanent', `Google Ads refused the request: ${detail}`);
  }
  return new DeliveryError('permanent', `Google Ads refused the request: ${detail}`);
}

function describe(response: HttpResponse, status: GoogleStatus | null, errors: GoogleAdsError[]): string {
  if (!status) return `HTTP ${response.status}${response.text ? `: ${response.text.slice(0, 200)}` : ''}`;
  const first = errors[0];
  const head = `HTTP ${response.status} ${status.status ?? ''}`.trim();
  const body = first ? `${errorCodeOf(first)}: ${first.message ?? ''}` : (status.message ?? '');
  return `${head} ${body}${errors.length > 1 ? ` (+${errors.length - 1} more)` : ''}`.slice(0, 500);
}

/** RetryInfo.retryDelay ("30s"), a quota error's retryDelay, or Retry-After; null when none says. */
function retryDelayMs(response: HttpResponse, status: GoogleStatus | null, errors: GoogleAdsError[]): number | null {
  const delays = [...(status?.details ?? []).map((d) => d?.retryDelay), ...errors.map((e) => e.details?.quotaErrorDetails?.retryDelay)];
  let best: number | null = null;
  for (const delay of delays) {
    const ms = durationMs(delay);
    if (ms !== null && ms > 0) best = Math.max(best ?? 0, ms);
  }
  return best ?? parseRetryAfter(response.headers.get('retry-after'));
}

/** protobuf Duration JSON: "30s", "1.5s" */
function durationMs(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match ? Math.round(Number(match[1]) * 1000) : null;
}
