// An audience's directory under the DMP directory: a readable slug of its name plus a short hash of
// the exact name, so "A/B" and "A B" never share a directory and no name can climb out (no '/' or
// '..'), nor become the `conversions` directory.
import { createHash } from 'node:crypto';

export const SAFE_DIRECTORY_NAME = /^[a-z0-9][a-z0-9-]{0,90}$/;

export function safeDirectoryName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${slug || 'audience'}-${hash}`;
}
