import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LiveEvent } from '../../db/liveEvents.ts';
import { listenerAdded } from '../../../test/support/subscription.ts';
import { makeCustomers, startSyncScenario, type SyncScenario } from '../../../test/support/syncScenario.ts';

let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario();
});
afterAll(() => s?.stop());

async function firstEvents<T>(
  kind: LiveEvent['kind'],
  query: string,
  variables: Record<string, unknown>,
  count: number,
  act: () => Promise<unknown>,
): Promise<T[]> {
  const client = s.t.ws();
  const listening = listenerAdded(s.t.app.services.liveEvents, kind);
  const received: T[] = [];
  const iterator = client.iterate<T>({ query, variables });
  const done = (async () => {
    for await (const event of iterator) {
      if (event.errors) throw new Error(JSON.stringify(event.errors));
      received.push(event.data as T);
      if (received.length >= count) break;
    }
  })();
  await listening; // subscribed before acting
  await act();
  await Promise.race([
    done,
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`expected ${count} events within 20 s, got ${JSON.stringify(received)}`)), 20_000),
    ),
  ]);
  return received;
}

it('streams each request made to a destination as it is recorded', async () => {
  const destination = await s.webDestination('inspected');
  await s.customers(makeCustomers(2, 'insp'));
  const segment = await s.segment('Inspected', [destination], ['insp-0', 'insp-1']);
  const events = await firstEvents<{ apiCallRecorded: { method: string; url: string; statusCode: number; destination: { id: string } } }>(
    'apiCall',
    'subscription($d: ID) { apiCallRecorded(destinationId: $d) { method url statusCode destination { id } } }',
    { d: destination },
    1,
    () => s.syncSegment(segment),
  );
  expect(events[0]!.apiCallRecorded).toMatchObject({ method: 'POST', statusCode: 200, destination: { id: destination } });
  expect(events[0]!.apiCallRecorded.url).toContain('/web/inspected');
});

it('streams a captured conversion and its status changes', async () => {
  const destination = await s.webDestination('conversions-live');
  await s.t.ok(
    'mutation($d: [ID!]) { updatePaidConfiguration(input: { offlineConversionsEnabled: true, conversionDestinationIds: $d }) { offlineConversionsEnabled } }',
    { d: [destination] },
  );
  const events = await firstEvents<{ conversionEventUpdated: { eventId: string; status: string } }>(
    'conversionEvent',
    'subscription { conversionEventUpdated { eventId status } }',
    {},
    2,
    () =>
      s.t.ok('mutation($i: CapturePaidResponseInput!) { capturePaidResponse(input: $i) { duplicate } }', {
        i: { eventId: 'live-1', conversionName: 'Purchase', occurredAt: new Date().toISOString(), clickId: 'gclid-live' },
      }),
  );
  expect(events[0]!.conversionEventUpdated, 'the capture itself is announced').toEqual({ eventId: 'live-1', status: 'PENDING' });
  expect(events.every((e) => e.conversionEventUpdated.eventId === 'live-1')).toBe(true);
});
