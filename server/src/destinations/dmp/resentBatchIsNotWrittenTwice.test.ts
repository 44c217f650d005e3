import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dmpAdapter } from './dmpAdapter.ts';
import { dmpContext, list, member, readJson, useDirectory } from '../../../test/support/adapters/dmpTestSupport.ts';

const t = useDirectory();

describe('DMP: resending a batch', () => {
  it('finds the file of the same idempotency key and succeeds without writing it again or listing it twice', async () => {
    const ctx = dmpContext(t.dir);
    const dir = await dmpAdapter.ensureAudience(ctx, { name: 'Resend', externalId: null });
    const batch = {
      audience: { name: 'Resend', externalId: dir },
      operation: 'ADD' as const,
      records: [member(1)],
      idempotencyKey: 'paidsync-9-0-1',
    };
    await dmpAdapter.sendMembers(ctx, batch);
    const file = path.join(t.dir, dir, '31-9-0-1.ndjson.gz');
    const first = await stat(file);
    expect(await dmpAdapter.sendMembers(ctx, batch)).toEqual({ rejected: [] });
    const second = await stat(file);
    expect(second.ino, 'the same file, not replaced').toBe(first.ino);
    expect(second.mtimeMs).toBe(first.mtimeMs);
    expect((await readJson(path.join(t.dir, dir, '31.manifest.json'))).files.length).toBe(1);
  });

  it('lists a file a crash left written but unlisted', async () => {
    const ctx = dmpContext(t.dir);
    const dir = await dmpAdapter.ensureAudience(ctx, { name: 'Crash', externalId: null });
    await writeFile(path.join(t.dir, dir, '31-4-0-1.ndjson.gz'), 'left by a crash');
    await dmpAdapter.sendMembers(ctx, {
      audience: { name: 'Crash', externalId: dir },
      operation: 'ADD',
      records: [member(1)],
      idempotencyKey: 'paidsync-4-0-1',
    });
    expect(await list(path.join(t.dir, dir))).toEqual(['31-4-0-1.ndjson.gz', '31.manifest.json']);
    expect((await readJson(path.join(t.dir, dir, '31.manifest.json'))).files.map((f: { file: string }) => f.file)).toEqual([
      '31-4-0-1.ndjson.gz',
    ]);
  });
});
