import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSplittingOnRejection } from '../../delivery/splitBatch.ts';
import { startSimulator, type StartedSimulator } from '../../simulator/index.ts';
import { failureOf, useSimulator } from '../../../test/support/adapters/adapterTestContext.ts';
import { facebookAdapter } from './facebookAdapter.ts';
import { conversion, facebookContext } from '../../../test/support/adapters/facebookTestSupport.ts';

const t = useSimulator();
const DAY = 24 * 3600_000;

describe('Facebook: events older than 7 days', () => {
  it('are rejected before sending, with a clear reason, and the rest still go', async () => {
    const ctx = facebookContext(t);
    const result = await facebookAdapter.sendConversions!(ctx, {
      records: [conversion(1), conversion(2, { occurredAt: new Date(Date.now() - 8 * DAY) }), conversion(3)],
      idempotencyKey: 'paidsync-8-0-3',
    });
    expect(result.rejected).toEqual([{ key: 'evt-2', reason: expect.stringMatching(/older than 7 days/) }]);
    expect(
      t.started.simulator.state.facebook.events.map((e) => e.event.event_id),
      'the recent events reached Meta',
    ).toEqual(['evt-1', 'evt-3']);
  });

  it('sends nothing when every event is too old', async () => {
    const ctx = facebookContext(t);
    const result = await facebookAdapter.sendConversions!(ctx, {
      records: [conversion(1, { occurredAt: new Date(Date.now() - 30 * DAY) })],
      idempotencyKey: 'k',
    });
    expect(result.rejected.map((r) => r.key)).toEqual(['evt-1']);
    expect(ctx.apiCalls, 'no request').toEqual([]);
  });

  describe('that the local check misses (Meta’s clock is ahead)', () => {
    let ahead: StartedSimulator;
    beforeAll(async () => {
      ahead = await startSimulator({ now: () => Date.now() + 2 * DAY });
    });
    afterAll(() => ahead?.close());

    it('make Meta refuse the request (code 100, subcode 2804003), which maps to batchRejected so a split isolates them', async () => {
      const ctx = facebookContext({ ...t, url: ahead.url });
      const old = conversion(2, { occurredAt: new Date(Date.now() - 6 * DAY) });
      const error = await failureOf(facebookAdapter.sendConversions!(ctx, { records: [conversion(1), old], idempotencyKey: 'k' }));
      expect(error.kind, error.message).toBe('batchRejected');
      expect(error.message).toMatch(/2804003/);

      const outcome = await sendSplittingOnRejection([conversion(1), old, conversion(3)], (batch, range) =>
        facebookAdapter.sendConversions!(ctx, { records: batch, idempotencyKey: `split-${range.offset}-${range.length}` }),
      );
      expect(
        outcome.rejected.map((r) => r.key),
        'only the old event is isolated',
      ).toEqual(['evt-2']);
      expect(ahead.simulator.state.facebook.events.map((e) => e.event.event_id).sort()).toEqual(['evt-1', 'evt-3']);
    });
  });
});
