import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dmpAdapter } from './dmpAdapter.ts';
import { dmpContext, gunzipText, list, member, readJson, useDirectory } from '../../../test/support/adapters/dmpTestSupport.ts';

const t = useDirectory();

describe('DMP: conversions', () => {
  it('go to {directory}/conversions the same way, with a manifest', async () => {
    const ctx = dmpContext(t.dir);
    const occurredAt = new Date('2026-11-20T10:00:00Z');
    const result = await dmpAdapter.sendConversions!(ctx, {
      records: [
        {
          key: 'evt-1',
          conversionName: 'Purchase',
          occurredAt,
          value: 9.5,
          currency: 'USD',
          clickId: 'gclid-1',
          identifiers: member(1).identifiers,
        },
      ],
      idempotencyKey: 'paidsync-3-0-1',
    });
    expect(result).toEqual({ rejected: [] });
    expect(await list(path.join(t.dir, 'conversions'))).toEqual(['31-3-0-1.ndjson.gz', '31.manifest.json']);
    const line = JSON.parse((await gunzipText(path.join(t.dir, 'conversions', '31-3-0-1.ndjson.gz'))).trim());
    expect(line).toMatchObject({
      id: 'evt-1',
      conversionName: 'Purchase',
      occurredAt: occurredAt.toISOString(),
      value: 9.5,
      currency: 'USD',
      clickId: 'gclid-1',
      EMAIL: member(1).identifiers.ids.EMAIL,
    });
    expect((await readJson(path.join(t.dir, 'conversions', '31.manifest.json'))).files).toMatchObject([
      { operation: 'CONVERSION', records: 1 },
    ]);
  });
});
