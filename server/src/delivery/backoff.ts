// In-run retry timing: exponential backoff with full jitter from PAIDSYNC_BACKOFF_BASE_MS (a network's
// own Retry-After is read by its adapter, destinations/retryAfter.ts).
export const MAX_BACKOFF_MS = 60_000;

/** Delay before attempt `attempt + 1` (attempt counts from 0): base·2^attempt, jittered into [½, 1]. */
export function backoffDelay(baseMs: number, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
