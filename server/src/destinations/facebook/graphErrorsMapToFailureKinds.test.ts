import { describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../simulator/index.ts';
import { failureOf, fakeResponse, useSimulator, type NetworkFault } from '../../../test/support/adapters/adapterTestContext.ts';
import { facebookAdapter } from './facebookAdapter.ts';
import { facebookContext, member, conversion } from '../../../test/support/adapters/facebookTestSupport.ts';
import { mapFacebookError } from './mapFacebookError.ts';

const t = useSimulator();

async function addOne(fault?: NetworkFault) {
  const ctx = facebookContext(t);
  const externalId = await facebookAdapter.ensureAudience(ctx, { name: 'Errors', externalId: null });
  if (fault) await t.control({ faults: [{ network: 'facebook', ...fault } as FaultSpec] });
  return failureOf(
    facebookAdapter.sendMembers(ctx, {
      audience: { name: 'Errors', externalId },
      operation: 'ADD',
      records: [member(1), member(2)],
      idempotencyKey: 'k',
    }),
  );
}

describe('Facebook: Graph errors → failure kinds', () => {
  it('190 (invalid or expired token) → auth', async () => {
    const error = await addOne({ kind: 'invalidToken' });
    expect(error.kind, error.message).toBe('auth');
    expect(error.message).toMatch(/190/);
  });

  it('a token Meta does not know → auth', async () => {
    const ctx = { ...facebookContext(t), credentials: { accessToken: 'invalid' } };
    const error = await failureOf(facebookAdapter.ensureAudience(ctx, { name: 'x', externalId: null }));
    expect(error.kind, error.message).toBe('auth');
  });

  for (const code of [4, 17, 613, 80003]) {
    it(`${code} (rate limited) → throttled, waiting estimated_time_to_regain_access minutes`, async () => {
      const error = await addOne({ kind: 'rateLimit', code, regainAccessMinutes: 2 });
      expect(error.kind, error.message).toBe('throttled');
      expect(error.waitMs, 'two minutes from X-Business-Use-Case-Usage').toBe(120_000);
    });
  }

  it('a throttle answer with no usage header → throttled with no wait of its own (the engine backs off)', () => {
    const error = mapFacebookError(fakeResponse(400, { error: { code: 17, message: 'User request limit reached' } }), 'users');
    expect(error.kind).toBe('throttled');
    expect(error.waitMs).toBeNull();
  });

  it('X-App-Usage is read too', () => {
    const error = mapFacebookError(
      fakeResponse(400, { error: { code: 4 } }, { 'x-app-usage': JSON.stringify({ call_count: 100, estimated_time_to_regain_access: 3 }) }),
      'users',
    );
    expect(error.waitMs).toBe(180_000);
  });

  it('1 and 2 (temporary / unknown) and HTTP 5xx → external', async () => {
    expect((await addOne({ kind: 'outage' })).kind, 'code 2 on a 503').toBe('external');
    expect(mapFacebookError(fakeResponse(400, { error: { code: 1, message: 'An unknown error occurred' } }), 'users').kind).toBe(
      'external',
    );
    expect(mapFacebookError(fakeResponse(500, 'oops'), 'events').kind).toBe('external');
  });

  it('a dropped connection → external', async () => {
    expect((await addOne({ kind: 'outage', mode: 'reset' })).kind).toBe('external');
  });

  it('100 subcode 33 on a deleted audience → audienceMissing', async () => {
    const ctx = facebookContext(t);
    const externalId = await facebookAdapter.ensureAudience(ctx, { name: 'Gone', externalId: null });
    await fetch(`${t.url}/facebook/v27.0/${externalId}`, { method: 'DELETE', headers: { authorization: 'Bearer x' } });
    const error = await failureOf(
      facebookAdapter.sendMembers(ctx, {
        audience: { name: 'Gone', externalId },
        operation: 'ADD',
        records: [member(1)],
        idempotencyKey: 'k',
      }),
    );
    expect(error.kind, error.message).toBe('audienceMissing');
  });

  it('1487366 and 1487301 (audience deleted / not shared) → audienceMissing', () => {
    expect(mapFacebookError(fakeResponse(400, { error: { code: 1487366 } }), 'users').kind).toBe('audienceMissing');
    expect(mapFacebookError(fakeResponse(400, { error: { code: 1487301 } }), 'users').kind).toBe('audienceMissing');
  });

  it('other 100 (invalid parameter) → batchRejected, so the engine splits the batch', async () => {
    const error = await addOne({ kind: 'rejectBatch' });
    expect(error.kind, error.message).toBe('batchRejected');
  });

  it('a refused event batch → batchRejected; an unknown pixel → permanent', async () => {
    await t.control({ faults: [{ network: 'facebook', endpoint: 'events', kind: 'rejectBatch' }] });
    expect(
      (await failureOf(facebookAdapter.sendConversions!(facebookContext(t), { records: [conversion(1)], idempotencyKey: 'k' }))).kind,
    ).toBe('batchRejected');
    expect(mapFacebookError(fakeResponse(400, { error: { code: 100, error_subcode: 33 } }), 'events').kind).toBe('permanent');
  });

  it('another code (terms not accepted, a policy block) → permanent: splitting would reject every record for nothing', () => {
    expect(mapFacebookError(fakeResponse(400, { error: { code: 2655, message: 'Terms of service not accepted' } }), 'users').kind).toBe(
      'permanent',
    );
    expect(mapFacebookError(fakeResponse(400, '<html>bad request</html>'), 'users').kind).toBe('permanent');
  });
});
