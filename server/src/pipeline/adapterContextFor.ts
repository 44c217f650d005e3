// The AdapterContext a stage or a delivery hands an adapter: the destination's settings and opened
// credentials, and an http that keeps to the network policy, redacts its secrets and reports to the
// metrics. Built in one place so the audience stage and deliveries cannot drift apart.
import { createDestinationHttp } from '../delivery/destinationHttp.ts';
import { secretsOf, type LoadedDestination } from '../delivery/loadDestination.ts';
import type { AdapterContext } from '../destinations/adapter.ts';
import type { PipelineContext } from './pipelineContext.ts';

export function adapterContextFor(
  ctx: PipelineContext,
  destination: LoadedDestination,
  options: {
    syncJobId: number;
    queueItemId: number | null;
    signal?: AbortSignal;
    /** a delivery marks its item (and job) AWAITING_RESPONSE; the audience stage has nothing to mark */
    awaitingResponse?: AdapterContext['awaitingResponse'];
  },
): AdapterContext {
  return {
    destination: { id: destination.id, name: destination.name, type: destination.type, settings: destination.settings },
    credentials: destination.credentials,
    syncJobId: options.syncJobId,
    signal: options.signal,
    awaitingResponse: options.awaitingResponse ?? (async () => {}),
    http: createDestinationHttp({
      pool: ctx.pool,
      networkPolicy: ctx.networkPolicy,
      destinationId: destination.id,
      syncJobId: options.syncJobId,
      queueItemId: options.queueItemId,
      secrets: secretsOf(destination),
      observe: (status, seconds) => ctx.metrics?.observeRequest({ destinationId: destination.id, status, seconds }),
    }),
  };
}
