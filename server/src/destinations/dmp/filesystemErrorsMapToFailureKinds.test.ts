import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { failureOf } from '../../../test/support/adapters/adapterTestContext.ts';
import { dmpAdapter } from './dmpAdapter.ts';
import { dmpContext, member, useDirectory } from '../../../test/support/adapters/dmpTestSupport.ts';
import { mapFilesystemError } from './mapFilesystemError.ts';

const t = useDirectory();
const errno = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });

describe('DMP: filesystem errors → failure kinds', () => {
  it('ENOSPC (disk full) and other passing troubles → external: tried again later', () => {
    for (const code of ['ENOSPC', 'EDQUOT', 'EIO', 'EMFILE', 'EBUSY'])
      expect(mapFilesystemError(errno(code), 'writing').kind, code).toBe('external');
  });

  it('EACCES / EPERM / EROFS (no right to write) → permanent: no resend fixes them', () => {
    for (const code of ['EACCES', 'EPERM', 'EROFS']) expect(mapFilesystemError(errno(code), 'writing').kind, code).toBe('permanent');
  });

  it('a directory setting that is a file → permanent, for real', async () => {
    const file = path.join(t.dir, 'a-file');
    await writeFile(file, 'x');
    const error = await failureOf(
      dmpAdapter.sendMembers(dmpContext(file), {
        audience: { name: 'A', externalId: 'a-1a2b3c4d' },
        operation: 'ADD',
        records: [member(1)],
        idempotencyKey: 'k',
      }),
    );
    expect(error.kind, error.message).toBe('permanent');
    expect(error.message).toMatch(/ENOTDIR|EEXIST/);
  });

  it('no directory setting → permanent', async () => {
    const error = await failureOf(dmpAdapter.ensureAudience(dmpContext(''), { name: 'A', externalId: null }));
    expect(error.kind).toBe('permanent');
  });
});
