import { describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../simulator/index.ts';
import { failureOf, fakeResponse, useSimulator, type NetworkFault } from '../../../test/support/adapters/adapterTestContext.ts';
import { linkedinAdapter } from './linkedinAdapter.ts';
import { linkedinContext, member } from '../../../test/support/adapters/linkedinTestSupport.ts';
import { mapLinkedInError } from './mapLinkedInError.ts';

const t = useSimulator();

async function addOne(fault?: NetworkFault) {
  const ctx = linkedinContext(t);
  const externalId = await linkedinAdapter.ensureAudience(ctx, { name: 'Errors', externalId: null });
  if (fault) await t.control({ faults: [{ network: 'linkedin', ...fault } as FaultSpec] });
  return failureOf(
    linkedinAdapter.sendMembers(ctx, {
      audience: { name: 'Errors', externalId },
      operation: 'ADD',
      records: [member(1), member(2)],
      idempotencyKey: 'k',
    }),
  );
}

describe('LinkedIn: errors → failure kinds', () => {
  it('401 → auth', async () => {
    const error = await addOne({ kind: 'invalidToken' });
    expect(error.kind, error.message).toBe('auth');
  });

  it('429 with Retry-After → throttled, waiting that long', async () => {
    const error = await addOne({ kind: 'rateLimit', retryAfterSeconds: 9 });
    expect(error).toMatchObject({ kind: 'throttled', waitMs: 9_000 });
  });

  it('404 on the segment → audienceMissing', async () => {
    const error = await failureOf(
      linkedinAdapter.sendMembers(linkedinContext(t), {
        audience: { name: 'Gone', externalId: '999' },
        operation: 'ADD',
        records: [member(1)],
        idempotencyKey: 'k',
      }),
    );
    expect(error.kind, error.message).toBe('audienceMissing');
  });

  it('5xx and dropped connections → external', async () => {
    expect((await addOne({ kind: 'outage', endpoint: 'users' })).kind).toBe('external');
    expect((await addOne({ kind: 'outage', endpoint: 'users', mode: 'reset' })).kind).toBe('external');
  });

  it('400 for the whole batch → batchRejected', async () => {
    expect((await addOne({ kind: 'rejectBatch', endpoint: 'users' })).kind).toBe('batchRejected');
  });

  it('a version LinkedIn does not serve → permanent (a setting to fix, not records to split)', async () => {
    const ctx = linkedinContext(t, { apiVersion: '1999' });
    expect((await failureOf(linkedinAdapter.ensureAudience(ctx, { name: 'x', externalId: null }))).kind).toBe('permanent');
    expect(mapLinkedInError(fakeResponse(426, { status: 426, code: 'NONEXISTENT_VERSION', message: 'gone' }), 'segmentUsers').kind).toBe(
      'permanent',
    );
  });
});
