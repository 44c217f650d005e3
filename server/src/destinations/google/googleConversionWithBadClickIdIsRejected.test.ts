// Issue 4, done-when 2: a Google conversion batch with one bad click id ends with that event
// REJECTED (its reason stored) and the others SUCCEEDED.
import { describe, expect, it } from 'vitest';
import { control, createDestination, customers, upsertCustomers, useEndToEnd, waitForJob } from '../../../test/support/endToEndSupport.ts';

const t = useEndToEnd();

interface EventView {
  eventId: string;
  status: string;
  syncJob: { id: string } | null;
}

async function eventsWhenSettled(timeoutMs = 30_000): Promise<EventView[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { conversionEvents } = await t.app.ok<{ conversionEvents: { edges: Array<{ node: EventView }> } }>(
      '{ conversionEvents(first: 50) { edges { node { eventId status syncJob { id } } } } }',
    );
    const events = conversionEvents.edges.map((e) => e.node);
    if (events.length === 4 && events.every((e) => ['SUCCEEDED', 'REJECTED', 'FAILED'].includes(e.status))) return events;
    if (Date.now() > deadline) throw new Error(`timed out waiting for the conversions to settle: ${JSON.stringify(events)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Google offline conversions end to end', () => {
  it('rejects the event with the unknown click id, reason stored, and delivers the others', async () => {
    await control(t, {
      google: { jobDelayMs: 0 },
      faults: [
        {
          network: 'google',
          endpoint: 'uploadClickConversions',
          kind: 'rejectRecords',
          values: ['gclid-unknown'],
          reason: 'The click could not be found.',
        },
      ],
    });
    const google = await createDestination(t, {
      name: 'Google conversions',
      type: 'GOOGLE_ADS',
      settings: { apiBaseUrl: `${t.sim.url}/google`, customerId: '1234567890', conversionActionId: '4242' },
      credentials: { accessToken: 'g-conv-token', developerToken: 'g-conv-dev' },
    });
    const configure = (enabled: boolean) =>
      t.app.ok(
        'mutation($ids: [ID!], $on: Boolean) { updatePaidConfiguration(input: { offlineConversionsEnabled: $on, conversionDestinationIds: $ids }) { offlineConversionsEnabled } }',
        { ids: [google], on: enabled },
      );
    const people = customers('gconv', 4);
    await upsertCustomers(t, people);
    const capture = (i: number, clickId: string) =>
      t.app.ok('mutation($input: CapturePaidResponseInput!) { capturePaidResponse(input: $input) { duplicate } }', {
        input: {
          eventId: `order-${i + 1}`,
          conversionName: 'Purchase',
          occurredAt: new Date(Date.now() - 3600_000).toISOString(),
          customerExternalId: people[i]!.externalId,
          clickId,
          value: 25 + i,
          currency: 'USD',
        },
      });

    // captured together while offline conversions are on: the batcher hands them to a job
    await configure(true);
    await Promise.all([capture(0, 'gclid-good-1'), capture(1, 'gclid-unknown'), capture(2, 'gclid-good-3'), capture(3, 'gclid-good-4')]);

    const events = await eventsWhenSettled();
    const statusOf = Object.fromEntries(events.map((e) => [e.eventId, e.status]));
    expect(statusOf, 'the bad click REJECTED, the others SUCCEEDED').toEqual({
      'order-1': 'SUCCEEDED',
      'order-2': 'REJECTED',
      'order-3': 'SUCCEEDED',
      'order-4': 'SUCCEEDED',
    });

    const badJob = events.find((e) => e.eventId === 'order-2')!.syncJob!.id;
    const { job } = await waitForJob(t, badJob);
    expect(
      job.rejectedRecords.edges.map((e) => e.node),
      'the reason Google gave is stored',
    ).toEqual([{ primaryKey: 'order-2', reason: 'CLICK_NOT_FOUND: The click could not be found.' }]);
    expect(t.sim.simulator.state.google.clickConversions.map((c) => c.conversion.orderId).sort(), 'Google recorded the good ones').toEqual([
      'order-1',
      'order-3',
      'order-4',
    ]);
  });
});
