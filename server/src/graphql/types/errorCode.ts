// The codes a refused request's errors carry in `extensions.code`, published in the schema as an
// enum so each is described where a partner's tooling looks. No field returns it.
import { builder } from '../builder.ts';
import type { CONTRACT_CODES } from '../errorCodes.ts';

// what errorCodes.ts's KNOWN_CODES holds (a test keeps the two the same)
type KnownCode = (typeof CONTRACT_CODES)[number] | 'RATE_LIMITED' | 'INTERNAL_SERVER_ERROR';

export const ERROR_CODE_DESCRIPTIONS = {
  UNAUTHENTICATED:
    'No API key, or one that is unknown or revoked (HTTP 401). Send `Authorization: Bearer KEY`; over graphql-ws, `connectionParams.authorization`.',
  FORBIDDEN:
    "The key's role may not use this field: VIEWER reads and subscribes, OPERATOR also triggers, captures, retries and withdraws, ADMIN also manages destinations, keys and the paid configuration.",
  BAD_USER_INPUT:
    'The request is malformed or an argument is invalid (syntax, unknown field, wrong type, a value out of range, a batch, a mutation over GET, a body over 8 MB, a query over the depth, alias or cost limits). The message names the argument, never its value. Nothing ran.',
  NOT_FOUND: 'The id names nothing (it may have been deleted).',
  NOT_RETRYABLE:
    'retrySyncJob refused: only a FAILED job whose error came from talking to its destination, and (except OFFLINE_CONVERSION) only the latest failed job of its scope, can be retried. `SyncJob.canRetry` says so beforehand.',
  CONFLICT:
    'The request conflicts with the current state: a name already taken, a job that can no longer be withdrawn, a concurrent edit. With an Idempotency-Key, `extensions.reason` says more: IDEMPOTENCY_KEY_REUSED (the key was used with another operation or variables in the last 24 h: use a new key; HTTP 422) or IDEMPOTENCY_KEY_IN_PROGRESS (the first request with this key is still running: retry after `extensions.retryAfterSeconds` to get its answer; HTTP 409).',
  RATE_LIMITED:
    'The API key used up its mutation budget (PAIDSYNC_MUTATIONS_PER_MINUTE_PER_KEY, or PAIDSYNC_CAPTURES_PER_MINUTE_PER_KEY for capturePaidResponse). Nothing ran; retry after `extensions.retryAfterSeconds` (HTTP 429 with Retry-After).',
  INTERNAL_SERVER_ERROR:
    'A fault on the server, not in the request; the message says nothing more. Safe to retry (with the same Idempotency-Key for a mutation).',
} satisfies Record<KnownCode, string>;

builder.enumType('ErrorCode', {
  description:
    'The value of `extensions.code` on every error a refused request gets. A refused request changes nothing. Error messages never quote the values sent.',
  values: Object.fromEntries(Object.entries(ERROR_CODE_DESCRIPTIONS).map(([code, description]) => [code, { description }])) as Record<
    KnownCode,
    { description: string }
  >,
});
