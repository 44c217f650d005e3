import { describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../simulator/index.ts';
import { failureOf, fakeResponse, useSimulator, type NetworkFault } from '../../../test/support/adapters/adapterTestContext.ts';
import { googleAdapter } from './googleAdapter.ts';
import { conversion, googleContext, member } from '../../../test/support/adapters/googleTestSupport.ts';
import { mapGoogleError } from './mapGoogleError.ts';

const t = useSimulator();

async function addOne(fault?: NetworkFault) {
  await t.control({ google: { jobDelayMs: 0 } });
  const ctx = googleContext(t);
  const externalId = await googleAdapter.ensureAudience(ctx, { name: 'Errors', externalId: null });
  if (fault) await t.control({ faults: [{ network: 'google', ...fault } as FaultSpec] });
  return failureOf(
    googleAdapter.sendMembers(ctx, {
      audience: { name: 'Errors', externalId },
      operation: 'ADD',
      records: [member(1), member(2)],
      idempotencyKey: 'k',
    }),
  );
}

describe('Google: errors → failure kinds', () => {
  it('401 UNAUTHENTICATED (bad token) → auth', async () => {
    const error = await addOne({ kind: 'invalidToken' });
    expect(error.kind, error.message).toBe('auth');
    expect(error.message).toMatch(/UNAUTHENTICATED/);
  });

  it('a missing developer token → auth', async () => {
    const ctx = googleContext(t, {}, { developerToken: '' });
    expect((await failureOf(googleAdapter.ensureAudience(ctx, { name: 'x', externalId: null }))).kind).toBe('auth');
  });

  it('429 RESOURCE_EXHAUSTED → throttled, waiting the RetryInfo delay', async () => {
    const error = await addOne({ kind: 'rateLimit', endpoint: 'addOperations', retryAfterSeconds: 7 });
    expect(error.kind, error.message).toBe('throttled');
    expect(error.waitMs).toBe(7_000);
  });

  it('a 429 without details waits for Retry-After', () => {
    const error = mapGoogleError(fakeResponse(429, 'Too Many Requests', { 'retry-after': '12' }), 'uploadConversions');
    expect(error).toMatchObject({ kind: 'throttled', waitMs: 12_000 });
  });

  it('CONCURRENT_MODIFICATION → external', () => {
    const body = {
      error: {
        code: 409,
        status: 'ABORTED',
        message: 'Multiple requests',
        details: [{ errors: [{ errorCode: { databaseError: 'CONCURRENT_MODIFICATION' }, message: 'm' }] }],
      },
    };
    expect(mapGoogleError(fakeResponse(409, body), 'jobOperation').kind).toBe('external');
  });

  it('5xx and dropped connections → external', async () => {
    expect((await addOne({ kind: 'outage', endpoint: 'offlineUserDataJobs' })).kind).toBe('external');
    expect((await addOne({ kind: 'outage', endpoint: 'run', mode: 'reset' })).kind).toBe('external');
  });

  it('a job that ends FAILED → external (the batch is sent again later)', async () => {
    const error = await addOne({ kind: 'failJob', reason: 'INTERNAL_ERROR' });
    expect(error.kind, error.message).toBe('external');
    expect(error.message).toMatch(/FAILED \(INTERNAL_ERROR\)/);
  });

  it('polls through a passing outage rather than uploading again', async () => {
    await t.control({ google: { jobDelayMs: 300 } });
    const ctx = googleContext(t);
    const externalId = await googleAdapter.ensureAudience(ctx, { name: 'Flaky poll', externalId: null });
    await t.control({ faults: [{ network: 'google', endpoint: 'search', kind: 'outage', count: 1 }] });
    const result = await googleAdapter.sendMembers(ctx, {
      audience: { name: 'Flaky poll', externalId },
      operation: 'ADD',
      records: [member(1)],
      idempotencyKey: 'k',
    });
    expect(result.matchRate).toBeDefined();
    expect(t.started.simulator.state.google.jobs.size, 'one job, not a second upload').toBe(1);
  });

  it('400 INVALID_ARGUMENT for the whole request → batchRejected (members and conversions)', async () => {
    expect((await addOne({ kind: 'rejectBatch', endpoint: 'addOperations' })).kind).toBe('batchRejected');
    await t.control({ faults: [{ network: 'google', endpoint: 'uploadClickConversions', kind: 'rejectBatch' }] });
    expect(
      (await failureOf(googleAdapter.sendConversions!(googleContext(t), { records: [conversion(1)], idempotencyKey: 'k' }))).kind,
    ).toBe('batchRejected');
  });

  it('a removed or unknown user list → audienceMissing', async () => {
    const ctx = googleContext(t);
    const error = await failureOf(
      googleAdapter.sendMembers(ctx, {
        audience: { name: 'Gone', externalId: 'customers/1234567890/userLists/999' },
        operation: 'ADD',
        records: [member(1)],
        idempotencyKey: 'k',
      }),
    );
    expect(error.kind, error.message).toBe('audienceMissing');
  });
});
