// Filesystem errors → failure classes. A full disk or a busy file server may clear up by the next
// retry; a directory we may not write to, or a path that cannot exist, will not until someone acts.
import { DeliveryError, isDeliveryError } from '../deliveryError.ts';

const PERMANENT = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EISDIR', 'ENAMETOOLONG', 'ELOOP', 'EINVAL', 'EEXIST']);

export function mapFilesystemError(error: unknown, doing: string): DeliveryError {
  if (isDeliveryError(error)) return error;
  const code = (error as NodeJS.ErrnoException)?.code;
  const message = `DMP ${doing} failed${code ? ` (${code})` : ''}: ${(error as Error)?.message ?? String(error)}`.slice(0, 500);
  // ENOSPC, EDQUOT, EIO, EMFILE, EBUSY, ESTALE, ...: worth trying again later
  return new DeliveryError(code && PERMANENT.has(code) ? 'permanent' : 'external', message);
}
