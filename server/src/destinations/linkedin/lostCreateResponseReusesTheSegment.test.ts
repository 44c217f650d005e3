// A create whose answer is lost (LinkedIn made the segment, the client saw a reset or a 5xx) is
// retried by the engine: the retry must find that segment by name instead of making a second one.
import { describe, expect, it } from 'vitest';
import { failureOf, useSimulator } from '../../../test/support/adapters/adapterTestContext.ts';
import { linkedinAdapter } from './linkedinAdapter.ts';
import { LINKEDIN_TOKEN, linkedinContext } from '../../../test/support/adapters/linkedinTestSupport.ts';

const t = useSimulator();
const segmentsNamed = (name: string) => [...t.started.simulator.state.linkedin.segments.values()].filter((s) => s.name === name);

async function makeSegment(name: string, account = '507'): Promise<string> {
  const response = await fetch(`${t.url}/linkedin/rest/dmpSegments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${LINKEDIN_TOKEN}`, 'linkedin-version': '202610' },
    body: JSON.stringify({
      name,
      account: `urn:li:sponsoredAccount:${account}`,
      type: 'USER',
      destinations: [{ destination: 'LINKEDIN' }],
    }),
  });
  if (response.status !== 201) throw new Error(`expected the segment to be created, got ${response.status}`);
  return response.headers.get('x-restli-id')!;
}

describe('LinkedIn: a lost segment-creation answer', () => {
  for (const mode of ['resetAfterProcessing', 'unavailableAfterProcessing'] as const) {
    it(`(${mode}) fails the attempt as external, and the retry reuses the segment LinkedIn made`, async () => {
      await t.control({ faults: [{ network: 'linkedin', endpoint: 'dmpSegments', kind: 'outage', mode, status: 500, count: 1 }] });
      const ctx = linkedinContext(t);
      const lost = await failureOf(linkedinAdapter.ensureAudience(ctx, { name: 'Lapsed buyers', externalId: null }));
      expect(lost.kind, `a lost answer is retried by the engine: ${lost.message}`).toBe('external');
      expect(segmentsNamed('Lapsed buyers'), 'LinkedIn made the segment despite the lost answer').toHaveLength(1);

      const id = await linkedinAdapter.ensureAudience(ctx, { name: 'Lapsed buyers', externalId: null });
      expect(
        segmentsNamed('Lapsed buyers').map((s) => s.id),
        'the retry reused it: still exactly one',
      ).toEqual([id]);
      const retry = ctx.apiCalls.slice(2);
      expect(
        retry.map((c) => c.method),
        'the retry only looked the segment up',
      ).toEqual(['GET']);
      const lookup = new URL(retry[0]!.url);
      expect(Object.fromEntries(lookup.searchParams), 'the account finder').toMatchObject({
        q: 'account',
        account: 'urn:li:sponsoredAccount:507',
      });
    });
  }

  it('follows the finder pages to a segment beyond the first page', async () => {
    for (let i = 0; i < 105; i++) await makeSegment(`Filler ${i}`);
    const late = await makeSegment('Late');
    const ctx = linkedinContext(t);
    expect(await linkedinAdapter.ensureAudience(ctx, { name: 'Late', externalId: null })).toBe(late);
    expect(
      ctx.apiCalls.map((c) => new URL(c.url).searchParams.get('start')),
      'two pages of 100, no create',
    ).toEqual(['0', '100']);
  });

  it("does not take another account's segment or one whose name only starts the same", async () => {
    const other = await makeSegment('Winback', '999');
    const longer = await makeSegment('Winback 2024');
    const id = await linkedinAdapter.ensureAudience(linkedinContext(t), { name: 'Winback', externalId: null });
    expect([other, longer], 'a new segment was made').not.toContain(id);
    expect(t.started.simulator.state.linkedin.segments.get(id)).toMatchObject({ name: 'Winback', account: 'urn:li:sponsoredAccount:507' });
  });
});
