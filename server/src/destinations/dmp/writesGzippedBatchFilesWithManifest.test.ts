import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dmpAdapter } from './dmpAdapter.ts';
import { dmpContext, gunzipText, list, member, readJson, useDirectory } from '../../../test/support/adapters/dmpTestSupport.ts';

const t = useDirectory();

describe('DMP: batch files', () => {
  it('writes one gzipped NDJSON file per batch, named {jobId}-{seq}, and a manifest listing files, operations and counts', async () => {
    const ctx = dmpContext(t.dir);
    const dir = await dmpAdapter.ensureAudience(ctx, { name: 'Buyers', externalId: null });
    const audience = { name: 'Buyers', externalId: dir };
    const adds = [member(1), member(2)];
    expect(await dmpAdapter.sendMembers(ctx, { audience, operation: 'ADD', records: adds, idempotencyKey: 'paidsync-5-0-2' })).toEqual({
      rejected: [],
    });
    await dmpAdapter.sendMembers(ctx, { audience, operation: 'REMOVE', records: [member(3)], idempotencyKey: 'paidsync-6-0-1' });

    expect(await list(path.join(t.dir, dir)), 'two batch files and the manifest, no temporary files').toEqual([
      '31-5-0-2.ndjson.gz',
      '31-6-0-1.ndjson.gz',
      '31.manifest.json',
    ]);
    const lines = (await gunzipText(path.join(t.dir, dir, '31-5-0-2.ndjson.gz')))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual(adds.map((r) => ({ id: r.key, ...r.identifiers.ids })));
    expect(lines[0].EMAIL, 'hashed, never the address').toMatch(/^[0-9a-f]{64}$/);

    const manifest = await readJson(path.join(t.dir, dir, '31.manifest.json'));
    expect(manifest).toMatchObject({
      syncJobId: 31,
      audience: 'Buyers',
      format: 'ndjson',
      files: [
        { file: '31-5-0-2.ndjson.gz', operation: 'ADD', records: 2, idempotencyKey: 'paidsync-5-0-2' },
        { file: '31-6-0-1.ndjson.gz', operation: 'REMOVE', records: 1, idempotencyKey: 'paidsync-6-0-1' },
      ],
      totals: { ADD: 2, REMOVE: 1 },
    });
  });

  it('writes CSV with a header row when format is csv, only the chosen fields', async () => {
    const ctx = dmpContext(t.dir, { format: 'csv', fields: ['EMAIL', 'PHONE'] });
    const dir = await dmpAdapter.ensureAudience(ctx, { name: 'Csv', externalId: null });
    const records = [member(1, { fields: ['EMAIL', 'PHONE'] })];
    await dmpAdapter.sendMembers(ctx, {
      audience: { name: 'Csv', externalId: dir },
      operation: 'ADD',
      records,
      idempotencyKey: 'paidsync-1-0-1',
    });
    const text = await gunzipText(path.join(t.dir, dir, '31-1-0-1.csv.gz'));
    expect(text).toBe(`id,EMAIL,PHONE\ncust-1,${records[0]!.identifiers.ids.EMAIL},${records[0]!.identifiers.ids.PHONE}\n`);
  });

  it('keeps the manifest whole when batches of one job are written at once', async () => {
    const ctx = dmpContext(t.dir);
    const dir = await dmpAdapter.ensureAudience(ctx, { name: 'Parallel', externalId: null });
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        dmpAdapter.sendMembers(ctx, {
          audience: { name: 'Parallel', externalId: dir },
          operation: 'ADD',
          records: [member(i)],
          idempotencyKey: `paidsync-${i}-0-1`,
        }),
      ),
    );
    const manifest = await readJson(path.join(t.dir, dir, '31.manifest.json'));
    expect(manifest.files.length, 'no update lost').toBe(12);
    expect(manifest.totals).toEqual({ ADD: 12 });
  });
});
