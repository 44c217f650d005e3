import { describe, expect, it } from 'vitest';
import {
  createGoogleJob,
  createGoogleUserList,
  GOOGLE_HEADERS,
  googleJobStatus,
  h,
  useSimulator,
} from '../../../test/support/simulatorTestSupport.ts';

const t = useSimulator();

describe('latency, Google job delay and job failure', () => {
  it('adds the chosen latency to matching requests', async () => {
    // a latency far above any busy machine's noise, so "the next one is fast" cannot flake
    await t.control({ network: 'web', kind: 'latency', ms: 1500, count: 1 });
    const started = performance.now();
    await t.call('POST', '/web/crm', { audience: 'a', operation: 'add', records: [{ id: '1' }] });
    expect(performance.now() - started, 'slowed by ~1500 ms').toBeGreaterThanOrEqual(1490);
    const fast = performance.now();
    await t.call('POST', '/web/crm', { audience: 'a', operation: 'add', records: [{ id: '1' }] });
    expect(performance.now() - fast, 'count: 1, the next one is not slowed').toBeLessThan(1000);
  });

  it('keeps a Google job RUNNING for google.jobDelayMs', async () => {
    await t.control({ google: { jobDelayMs: 60_000 } });
    const job = await createGoogleJob(t, await createGoogleUserList(t));
    await t.call(
      'POST',
      `/google/v26/${job}:addOperations`,
      { operations: [{ create: { userIdentifiers: [{ hashedEmail: h('a') }] } }], enablePartialFailure: true },
      GOOGLE_HEADERS,
    );
    await t.call('POST', `/google/v26/${job}:run`, {}, GOOGLE_HEADERS);
    t.clock.now += 59_000;
    expect((await googleJobStatus(t, job))?.status, 'a second before the delay is up').toBe('RUNNING');
    t.clock.now += 1_000;
    expect((await googleJobStatus(t, job))?.status, 'once the delay is up').toBe('SUCCESS');
  });

  it('failJob ends the next run FAILED and applies nothing', async () => {
    await t.control({ google: { jobDelayMs: 0 }, faults: [{ network: 'google', kind: 'failJob', count: 1, reason: 'INTERNAL_ERROR' }] });
    const list = await createGoogleUserList(t);
    const job = await createGoogleJob(t, list);
    await t.call(
      'POST',
      `/google/v26/${job}:addOperations`,
      { operations: [{ create: { userIdentifiers: [{ hashedEmail: h('a') }] } }], enablePartialFailure: true },
      GOOGLE_HEADERS,
    );
    await t.call('POST', `/google/v26/${job}:run`, {}, GOOGLE_HEADERS);
    const polled = await googleJobStatus(t, job);
    expect(polled).toMatchObject({ status: 'FAILED', failureReason: 'INTERNAL_ERROR' });
    expect(polled?.operationMetadata?.matchRateRange, 'a failed job reports no match rate').toBeUndefined();
    expect(t.started.simulator.state.google.userLists.get(list)!.members.size).toBe(0);
  });
});
