// Every request authenticates, so the stored key rows are kept for a few seconds per process instead
// of being read again each time (at thousands of captures a second the lookup dominated the API's
// CPU). The digest is still compared on every request, in constant time. A revocation drops the row
// at once in the revoking process and, through the apiKeyRevoked live event, within milliseconds in
// every other one.
import type { LiveEvents } from '../db/liveEvents.ts';
import type { Prisma } from '../db/connectDatabase.ts';
import { findStoredKey, lookupIdOf, MAX_KEY_LENGTH, verifyKey, type Principal, type StoredKey } from './apiKeys.ts';

const TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;

export interface ApiKeyCache {
  authenticate(key: string | null): Promise<Principal | null>;
  forget(keyId: number): void;
}

export function createApiKeyCache(options: { prisma: Prisma; liveEvents: LiveEvents }): ApiKeyCache {
  const rows = new Map<string, { row: StoredKey; expires: number }>(); // lookup id → stored key
  const forget = (keyId: number) => {
    for (const [lookupId, entry] of rows) if (entry.row.id === keyId) rows.delete(lookupId);
  };
  options.liveEvents.on('apiKeyRevoked', (event) => forget(event.id));
  return {
    forget,
    async authenticate(key) {
      if (!key || key.length > MAX_KEY_LENGTH) return null;
      const lookupId = lookupIdOf(key);
      const cached = rows.get(lookupId);
      if (cached && cached.expires > Date.now()) return verifyKey(key, cached.row);
      const row = await findStoredKey(options.prisma, key);
      // only keys that exist are kept: made-up keys cannot fill the cache
      if (row && !row.revokedAt) {
        if (rows.size >= MAX_ENTRIES) rows.clear();
        rows.set(lookupId, { row, expires: Date.now() + TTL_MS });
      } else rows.delete(lookupId);
      return verifyKey(key, row);
    },
  };
}
