import { stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dmpAdapter } from './dmpAdapter.ts';
import { dmpContext, useDirectory } from '../../../test/support/adapters/dmpTestSupport.ts';
import { SAFE_DIRECTORY_NAME } from './safeDirectoryName.ts';

const t = useDirectory();

describe('DMP: ensureAudience', () => {
  it('makes a directory with a safe name (readable slug + hash of the exact name) and returns that name', async () => {
    const name = await dmpAdapter.ensureAudience(dmpContext(path.join(t.dir, 'not/yet/there')), {
      name: 'VIP Buyers: Q4 / Café',
      externalId: null,
    });
    expect(name).toMatch(/^vip-buyers-q4-cafe-[0-9a-f]{8}$/);
    expect((await stat(path.join(t.dir, 'not/yet/there', name))).isDirectory(), 'mkdir -p made the whole path').toBe(true);
  });

  it('never lets a name climb out or collide', async () => {
    const ctx = dmpContext(t.dir);
    const names = await Promise.all(
      ['../../etc', 'A/B', 'A B', '', 'conversions'].map((n) => dmpAdapter.ensureAudience(ctx, { name: n, externalId: null })),
    );
    for (const n of names) expect(n, `${n} is one plain path segment`).toMatch(SAFE_DIRECTORY_NAME);
    expect(new Set(names).size, 'different names, different directories').toBe(names.length);
    expect(names).not.toContain('conversions');
  });

  it('keeps an existing safe external id', async () => {
    expect(await dmpAdapter.ensureAudience(dmpContext(t.dir), { name: 'whatever', externalId: 'vip-1a2b3c4d' })).toBe('vip-1a2b3c4d');
  });
});
