// The PII-update agent makes one PII job per audience at a time: while one is unfinished (here
// failed, its items waiting for the automatic resend) it makes no other; once that completes, a
// later change gets a new job.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runPiiUpdateAgent } from './piiUpdateAgent.ts';
import { startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';
import { encodeGlobalID } from '@pothos/plugin-relay';

let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario({ env: { PAIDSYNC_RETRY_INTERVAL_SECONDS: '1' } });
});
afterAll(() => s?.stop());

it('makes no second PII job for an audience while its first is failing', async () => {
  const destination = await s.webDestination('pii-open');
  await s.customers([{ externalId: 'pii-0', email: 'pii.0@example.com' }]);
  const segment = await s.segment('PII open', [destination], ['pii-0']);
  const [sync] = await s.syncSegment(segment);
  expect((await s.waitForJob(sync!, ['COMPLETED', 'FAILED'])).status).toBe('COMPLETED');
  const agent = () => runPiiUpdateAgent(s.t.app.services);

  await s.customers([{ externalId: 'pii-0', email: 'pii.0.changed@example.com' }]);
  await s.control({ faults: [{ network: 'web', endpoint: 'pii-open', kind: 'outage', mode: 'unavailable' }] });
  const [first] = await agent();
  expect(first, 'the agent made a PII job for the changed customer').toBeDefined();
  const firstId = encodeGlobalID('SyncJob', first!);
  expect((await s.waitForJob(firstId, ['FAILED', 'COMPLETED'])).status).toBe('FAILED');
  expect(await agent(), 'no second job while the first is failing').toEqual([]);

  await s.control({ clearFaults: 'web' });
  expect((await s.waitForJob(firstId, ['COMPLETED'], 20_000)).recordsAdded).toBe(1);
  await s.customers([{ externalId: 'pii-0', email: 'pii.0.again@example.com' }]);
  expect(await agent(), 'once it completed, a new change gets a new job').toHaveLength(1);
});
