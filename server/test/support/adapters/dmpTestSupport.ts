// Shared by the DMP adapter tests: a fresh directory per test and a context writing into it.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach } from 'vitest';
import type { MemberRecord } from '../../../src/destinations/adapter.ts';
import { adapterContext, pii } from './adapterTestContext.ts';
import { identifiersFor } from '../../../src/destinations/hashing/index.ts';

export function useDirectory(): { dir: string } {
  const t = { dir: '' };
  beforeEach(async () => {
    t.dir = await mkdtemp(path.join(os.tmpdir(), 'paidsync-dmp-'));
  });
  afterEach(() => rm(t.dir, { recursive: true, force: true }));
  return t;
}

export function dmpContext(directory: string, settings: Record<string, unknown> = {}, syncJobId: number | null = 31) {
  return adapterContext({ type: 'DMP', settings: { directory, ...settings }, syncJobId });
}

export function member(n: number, fields?: Parameters<typeof identifiersFor>[2]): MemberRecord {
  return {
    key: `cust-${n}`,
    identifiers: identifiersFor(
      'DMP',
      pii({
        externalId: `cust-${n}`,
        email: `person${n}@example.com`,
        phone: `+1 415 555 ${String(n).padStart(4, '0')}`,
        firstName: 'Ada',
      }),
      fields,
    ),
  };
}

/** the text of a gzipped batch file */
export async function gunzipText(file: string): Promise<string> {
  return gunzipSync(await readFile(file)).toString('utf8');
}

export const list = (dir: string) => readdir(dir).then((names) => names.sort());
export const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8'));
