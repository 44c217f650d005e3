// One request to a destination, retried within the run: under the destination's rate limit, with
// exponential backoff and jitter for external problems, and waiting out throttling for as long as
// the network asks (Retry-After, Meta's estimated_time_to_regain_access), as a pause of the whole
// destination that the next slot waits out. What outlasts the run
// is rethrown for the caller to turn into WAITING_FOR_RETRY.
import type pg from 'pg';
import { backoffDelay } from './backoff.ts';
import { sleep } from '../sleep.ts';
import { isDeliveryError } from '../destinations/deliveryError.ts';
import { pauseDestination, waitForRequestSlot } from './destinationRateLimit.ts';

export const IN_RUN_ATTEMPTS = 4;
/** the longest a run waits for a throttled network before leaving the item to the retry schedule */
export const MAX_IN_RUN_WAIT_MS = 120_000;

export async function withInRunRetries<T>(
  options: {
    pool: pg.Pool;
    destinationId: number;
    requestsPerSecond: number;
    backoffBaseMs: number;
    signal?: AbortSignal;
    /** told of each wait, for the metrics: for a rate-limit slot, or out a network's throttle */
    onWait?: (reason: 'rate_limit' | 'throttle', ms: number) => void;
  },
  attempt: () => Promise<T>,
): Promise<T> {
  let externalFailures = 0;
  let waitedMs = 0;
  for (;;) {
    // the time this run waits out pauses (its own throttles and other workers') counts to its limit
    const { pausedMs, slotMs } = await waitForRequestSlot(options.pool, options.destinationId, options.requestsPerSecond, {
      signal: options.signal,
      maxPauseMs: MAX_IN_RUN_WAIT_MS - waitedMs,
    });
    waitedMs += pausedMs;
    if (slotMs > 0) options.onWait?.('rate_limit', slotMs);
    if (pausedMs > 0) options.onWait?.('throttle', pausedMs);
    try {
      return await attempt();
    } catch (error) {
      if (!isDeliveryError(error)) throw error;
      if (error.kind === 'throttled') {
        const wait = error.waitMs ?? backoffDelay(options.backoffBaseMs, externalFailures);
        // the network throttles the destination, not this request: every worker holds (destinationRateLimit.ts)
        await pauseDestination(options.pool, options.destinationId, wait);
        if (waitedMs + wait > MAX_IN_RUN_WAIT_MS) throw error;
        continue;
      }
      if (error.kind === 'external') {
        externalFailures++;
        if (externalFailures >= IN_RUN_ATTEMPTS) throw error;
        await sleep(backoffDelay(options.backoffBaseMs, externalFailures - 1), options.signal);
        continue;
      }
      throw error;
    }
  }
}
