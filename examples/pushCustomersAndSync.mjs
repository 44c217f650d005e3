// Push customers, then sync a segment to its ad networks, with an Idempotency-Key so that a sync
// whose answer was lost can be sent again without starting a second set of jobs.
//
//   PAIDSYNC_URL=http://localhost:4000 PAIDSYNC_API_KEY=psk_… node pushCustomersAndSync.mjs SEGMENT_ID
//
// Prints the jobs the sync started; the last line is JSON: { "segmentId", "idempotencyKey", "jobIds" }.
import { randomUUID } from 'node:crypto';
import { graphql } from './paidsync.mjs';

const segmentId = process.argv[2] ?? process.env.PAIDSYNC_SEGMENT_ID;
if (!segmentId) {
  console.error('usage: node pushCustomersAndSync.mjs SEGMENT_ID   (a segment id from `{ segments { id name } }`)');
  process.exit(2);
}

// 1. Customers from your system. PII stays in paidsync; only hashes go to the networks. With a
// key, paidsync.mjs may resend the call after a lost answer; the repeat writes nothing.
const customers = [
  { externalId: 'cust-1001', email: 'ana.silva@example.com', phone: '+15551230001', country: 'US', attributes: { plan: 'gold' } },
  { externalId: 'cust-1002', email: 'ben.okafor@example.com', firstName: 'Ben', lastName: 'Okafor', attributes: { plan: 'gold' } },
  { externalId: 'cust-1003', email: 'chen.li@example.com', adConsent: false, attributes: { plan: 'silver' } },
];
const { upsertCustomers } = await graphql(
  'mutation Upsert($customers: [CustomerInput!]!) { upsertCustomers(customers: $customers) { count } }',
  { customers },
  { idempotencyKey: randomUUID() },
);
console.log(`upserted ${upsertCustomers.count} customers`);

// 2. The sync. Make the key once per intended sync and keep it with the request: every resend of
// this sync (after a timeout, a dropped connection, a crash of your own process) uses the same key.
const idempotencyKey = process.env.PAIDSYNC_IDEMPOTENCY_KEY ?? randomUUID();
const trigger = 'mutation Sync($segmentId: ID!) { triggerSegmentSync(segmentId: $segmentId) { id status destination { name } } }';
const { triggerSegmentSync: jobs } = await graphql(trigger, { segmentId }, { idempotencyKey });
for (const job of jobs) console.log(`started job ${job.id} to ${job.destination.name} (${job.status})`);

// Had that answer been lost, sending the same request with the same key returns the same jobs
// and starts nothing (within 24 hours). The same key with other variables is refused (CONFLICT).
const { triggerSegmentSync: again } = await graphql(trigger, { segmentId }, { idempotencyKey });
console.log(
  `resent with the same key: ${again.map((job) => job.id).join(', ') === jobs.map((job) => job.id).join(', ') ? 'same jobs, nothing new started' : 'DIFFERENT jobs'}`,
);

console.log(JSON.stringify({ segmentId, idempotencyKey, jobIds: jobs.map((job) => job.id) }));
