// Capture offline conversions (purchases, sign-ups) so paidsync sends them to the ad networks.
// Each capture carries your eventId: sending it again changes nothing, so a capture whose answer
// was lost is simply sent again (paidsync.mjs retries network errors, 5xx and RATE_LIMITED).
//
//   PAIDSYNC_URL=http://localhost:4000 PAIDSYNC_API_KEY=psk_… node captureConversions.mjs [events.json]
//
// events.json: an array of { eventId, conversionName, occurredAt, customerExternalId?, clickId?,
// value?, currency? }. Without it, three sample purchases are captured. The last line is JSON:
// { "captured", "duplicates", "failed" }.
import { readFile } from 'node:fs/promises';
import { graphql, PaidsyncError } from './paidsync.mjs';

const now = Date.now();
const events = process.argv[2]
  ? JSON.parse(await readFile(process.argv[2], 'utf8'))
  : [
      {
        eventId: 'order-50001',
        conversionName: 'Purchase',
        occurredAt: new Date(now - 3_600_000).toISOString(),
        customerExternalId: 'cust-1001',
        value: 129.9,
        currency: 'USD',
      },
      {
        eventId: 'order-50002',
        conversionName: 'Purchase',
        occurredAt: new Date(now - 1_800_000).toISOString(),
        customerExternalId: 'cust-1002',
        value: 54,
        currency: 'USD',
      },
      {
        eventId: 'order-50003',
        conversionName: 'Purchase',
        occurredAt: new Date(now - 600_000).toISOString(),
        clickId: 'EAIaIQobChMI-example-gclid',
        value: 12.5,
        currency: 'EUR',
      },
    ];

const capture = `mutation Capture($input: CapturePaidResponseInput!) {
  capturePaidResponse(input: $input) { duplicate event { id eventId status } }
}`;

const totals = { captured: 0, duplicates: 0, failed: 0 };
for (const input of events) {
  try {
    const { capturePaidResponse: result } = await graphql(capture, { input }, { safeToRepeat: true });
    totals[result.duplicate ? 'duplicates' : 'captured']++;
    console.log(`${input.eventId}: ${result.duplicate ? 'already captured' : 'captured'} (${result.event.status})`);
  } catch (error) {
    // a refusal (BAD_USER_INPUT: the message names the field) will not pass by resending: fix the event
    if (!(error instanceof PaidsyncError)) throw error;
    totals.failed++;
    console.log(`${input.eventId}: refused, ${error.message}`);
  }
}
console.log(JSON.stringify(totals));
process.exitCode = totals.failed ? 1 : 0;
