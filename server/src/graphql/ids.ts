// Global ids ("Destination:12", base64) in, database ids out. A malformed or foreign id is the
// client's mistake, so it is BAD_USER_INPUT, never a masked crash.
import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { badInput } from './errors.ts';

export function decodeId(typename: string, id: string, argument = 'id'): number {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(id);
  } catch {
    return badInput(`${argument} is not a valid ${typename} id`, { argument });
  }
  const value = Number(decoded.id);
  if (decoded.typename !== typename || !Number.isSafeInteger(value) || value <= 0) {
    return badInput(`${argument} is not a valid ${typename} id`, { argument });
  }
  return value;
}

export function decodeIds(typename: string, ids: readonly string[], argument: string): number[] {
  return [...new Set(ids.map((id) => decodeId(typename, id, argument)))];
}

export const encodeId = (typename: string, id: number) => encodeGlobalID(typename, id);
