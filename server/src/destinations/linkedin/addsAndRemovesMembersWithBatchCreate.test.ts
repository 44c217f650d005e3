import { describe, expect, it } from 'vitest';
import { useSimulator } from '../../../test/support/adapters/adapterTestContext.ts';
import { linkedinAdapter } from './linkedinAdapter.ts';
import { emailOf, linkedinContext, member } from '../../../test/support/adapters/linkedinTestSupport.ts';

const t = useSimulator();

describe('LinkedIn: adding and removing members', () => {
  it('adds with BATCH_CREATE elements of action ADD and SHA256_EMAIL userIds', async () => {
    const ctx = linkedinContext(t);
    const id = await linkedinAdapter.ensureAudience(ctx, { name: 'Adds', externalId: null });
    const records = [member(1), member(2), member(3)];
    const result = await linkedinAdapter.sendMembers(ctx, {
      audience: { name: 'Adds', externalId: id },
      operation: 'ADD',
      records,
      idempotencyKey: 'k',
    });
    expect(result.rejected).toEqual([]);
    const members = t.started.simulator.state.linkedin.segments.get(id)!.members;
    expect(members.size).toBe(3);
    expect(members.has(emailOf(records[0]!))).toBe(true);
    const sent = JSON.parse(ctx.apiCalls.at(-1)!.requestBody!);
    expect(sent.elements[0]).toEqual({ action: 'ADD', userIds: [{ idType: 'SHA256_EMAIL', idValue: emailOf(records[0]!) }] });
    expect(new URL(ctx.apiCalls.at(-1)!.url).pathname).toBe(`/sim/linkedin/rest/dmpSegments/${id}/users`);
  });

  it('removes with action REMOVE', async () => {
    const ctx = linkedinContext(t);
    const id = await linkedinAdapter.ensureAudience(ctx, { name: 'Removes', externalId: null });
    const audience = { name: 'Removes', externalId: id };
    await linkedinAdapter.sendMembers(ctx, { audience, operation: 'ADD', records: [member(1), member(2)], idempotencyKey: 'a' });
    const result = await linkedinAdapter.sendMembers(ctx, { audience, operation: 'REMOVE', records: [member(1)], idempotencyKey: 'r' });
    expect(result.rejected).toEqual([]);
    const members = t.started.simulator.state.linkedin.segments.get(id)!.members;
    expect(members.has(emailOf(member(1))), 'removed').toBe(false);
    expect(members.has(emailOf(member(2))), 'kept').toBe(true);
    expect(JSON.parse(ctx.apiCalls.at(-1)!.requestBody!).elements[0].action).toBe('REMOVE');
  });

  it('sends a batch over 5,000 in several requests', async () => {
    const ctx = linkedinContext(t);
    const id = await linkedinAdapter.ensureAudience(ctx, { name: 'Big', externalId: null });
    await linkedinAdapter.sendMembers(ctx, {
      audience: { name: 'Big', externalId: id },
      operation: 'ADD',
      records: Array.from({ length: 6_000 }, (_, i) => member(i)),
      idempotencyKey: 'k',
    });
    expect(
      ctx.apiCalls.map((c) => `${c.method} ${new URL(c.url).pathname.replace(/\d+/g, 'N')}`),
      'lookup, creation and two user requests',
    ).toEqual([
      'GET /sim/linkedin/rest/dmpSegments',
      'POST /sim/linkedin/rest/dmpSegments',
      'POST /sim/linkedin/rest/dmpSegments/N/users',
      'POST /sim/linkedin/rest/dmpSegments/N/users',
    ]);
    expect(t.started.simulator.state.linkedin.segments.get(id)!.members.size).toBe(6_000);
  });
});
