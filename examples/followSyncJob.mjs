// Follow a sync job live over graphql-ws until it finishes: each status, stage and count change as
// it happens, then what was sent and what the network rejected. No polling.
//
//   PAIDSYNC_URL=http://localhost:4000 PAIDSYNC_API_KEY=psk_… node followSyncJob.mjs JOB_ID
//
// Exits 0 when the job COMPLETED, 1 when it FAILED or was WITHDRAWN. The last line is JSON:
// { "id", "status", "recordsAdded", "recordsRemoved", "recordsRejected" }.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { graphql, settings } from './paidsync.mjs';

const jobId = process.argv[2];
if (!jobId) {
  console.error('usage: node followSyncJob.mjs JOB_ID');
  process.exit(2);
}
const { url, apiKey } = settings();
const timeoutSeconds = Number(process.env.PAIDSYNC_FOLLOW_TIMEOUT_SECONDS ?? 600);

const JOB = 'id status stage recordsTotal recordsAdded recordsRemoved recordsRejected error canRetry destination { id name }';
const FINISHED = ['COMPLETED', 'FAILED', 'WITHDRAWN'];
const line = (job) =>
  `${new Date().toISOString()} ${job.status.padEnd(17)} ${(job.stage ?? '-').padEnd(18)} ` +
  `added ${job.recordsAdded}/${job.recordsTotal}, removed ${job.recordsRemoved}, rejected ${job.recordsRejected}`;
const fetchJob = async () =>
  (await graphql(`query Job($id: ID!) { syncJob(id: $id) { ${JOB} } }`, { id: jobId }, { safeToRepeat: true })).syncJob;

let job = await fetchJob();
if (!job) {
  console.error(`no sync job ${jobId}`);
  process.exit(2);
}
console.log(`following job ${job.id} to ${job.destination.name}`);
console.log(line(job));

if (!FINISHED.includes(job.status)) {
  const client = createClient({
    url: url.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${apiKey}` },
    retryAttempts: 5, // a dropped connection is re-made; the re-read below covers what it missed
  });
  const connected = new Promise((resolve) => client.on('connected', resolve));
  // only this job's destination: the server sends nothing about other destinations' jobs
  const updates = client.iterate({
    query: `subscription Follow($filter: SyncJobFilter) { syncJobUpdated(filter: $filter) { ${JOB} } }`,
    variables: { filter: { destinationId: job.destination.id } },
  });
  const timer = setTimeout(() => {
    console.error(`job ${jobId} did not finish within ${timeoutSeconds} s`);
    process.exit(1);
  }, timeoutSeconds * 1000);
  const next = updates.next(); // starts the subscription
  await connected;
  // a change between the first read and the subscription is seen by reading once more
  job = (await fetchJob()) ?? job;
  let pending = next;
  while (!FINISHED.includes(job.status)) {
    const { value, done } = await pending;
    if (done) break;
    if (value.errors?.length) throw new Error(value.errors.map((e) => e.message).join('; '));
    const update = value.data.syncJobUpdated;
    if (update.id === jobId) {
      job = update;
      console.log(line(job));
    }
    pending = updates.next();
  }
  clearTimeout(timer);
  await updates.return?.();
  await client.dispose();
}

const { syncJob: finished } = await graphql(
  `query Outcome($id: ID!) { syncJob(id: $id) { ${JOB}
    queueItems(first: 100) { totalCount edges { node { operation status recordCount attempts } } }
    rejectedRecords(first: 10) { totalCount edges { node { primaryKey reason } } } } }`,
  { id: jobId },
  { safeToRepeat: true },
);
console.log(line(finished));
for (const { node } of finished.queueItems.edges)
  console.log(`  item ${node.operation} x${node.recordCount}: ${node.status} after ${node.attempts} attempt(s)`);
for (const { node } of finished.rejectedRecords.edges) console.log(`  rejected ${node.primaryKey}: ${node.reason}`);
if (finished.error) console.log(`  error: ${finished.error}${finished.canRetry ? ' (retrySyncJob can resend its failed items)' : ''}`);

const { id, status, recordsAdded, recordsRemoved, recordsRejected } = finished;
console.log(JSON.stringify({ id, status, recordsAdded, recordsRemoved, recordsRejected }));
process.exitCode = status === 'COMPLETED' ? 0 : 1;
