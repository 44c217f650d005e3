// API keys: `psk_<id>_<secret>`, where <id> is 12 random base-36 characters (not secret: it names the
// key) and <secret> 32 random bytes. Only the key's SHA-256 is stored. A request's key is looked up
// by its id and its digest then compared with the stored one in constant time (timingSafeEqual), so
// how long a refusal takes says nothing about how close a guess was.
//
// Keys made before ids existed (`psk_` + 43 characters) and a PAIDSYNC_ADMIN_KEY of any shape have
// no embedded id: they are looked up by `sha256:` + the first 16 hex digits of their digest (what
// the migration gave existing rows), and compared the same way.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { ApiKeyRole } from '../generated/prisma/enums.ts';
import type { Prisma } from '../db/connectDatabase.ts';

export interface Principal {
  keyId: number;
  role: ApiKeyRole;
}

const RANK: Record<ApiKeyRole, number> = { VIEWER: 1, OPERATOR: 2, ADMIN: 3 };
const WITH_ID = /^psk_([0-9a-z]{12})_[A-Za-z0-9_-]{43}$/;
const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
export const MAX_KEY_LENGTH = 200;

export function roleAllows(role: ApiKeyRole, needed: ApiKeyRole) {
  return RANK[role] >= RANK[needed];
}

export function generateApiKey(): string {
  let id = '';
  for (let i = 0; i < 12; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return `psk_${id}_${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** What a key is looked up by: its embedded id, or for a key without one a prefix of its digest. */
export function lookupIdOf(key: string): string {
  const match = WITH_ID.exec(key);
  return match ? match[1]! : `sha256:${hashApiKey(key).slice(0, 16)}`;
}

/** The stored columns for a new key. */
export function storedKey(key: string) {
  return { keyHash: hashApiKey(key), lookupId: lookupIdOf(key) };
}

export function bearerToken(header: string | null | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

// compared against when no key has the lookup id, so a miss costs what a hit costs
const NO_DIGEST = Buffer.alloc(32);

export interface StoredKey {
  id: number;
  role: ApiKeyRole;
  keyHash: string;
  revokedAt: Date | null;
}

export async function findStoredKey(prisma: Prisma, key: string): Promise<StoredKey | null> {
  return prisma.apiKey.findUnique({
    where: { lookupId: lookupIdOf(key) },
    select: { id: true, role: true, keyHash: true, revokedAt: true },
  });
}

/** The principal when `key` matches the stored one (digests compared in constant time) and is not revoked. */
export function verifyKey(key: string, found: StoredKey | null): Principal | null {
  const given = createHash('sha256').update(key, 'utf8').digest();
  const stored = found && /^[0-9a-f]{64}$/.test(found.keyHash) ? Buffer.from(found.keyHash, 'hex') : NO_DIGEST;
  const same = timingSafeEqual(given, stored);
  if (!found || !same || found.revokedAt) return null;
  return { keyId: found.id, role: found.role };
}

/**
 * Makes sure an admin key exists at start: PAIDSYNC_ADMIN_KEY when given (created once), otherwise
 * a generated key when the database has never had an admin key, returned so the caller prints it
 * once. Once every admin key is revoked no new one is generated: a restart would otherwise print a
 * working admin key into whatever collects the logs. PAIDSYNC_ADMIN_KEY is the way back in.
 */
export async function ensureAdminKey(prisma: Prisma, configured: string | null): Promise<string | null> {
  if (configured) {
    const stored = storedKey(configured);
    // ON CONFLICT DO NOTHING: API processes starting at once with the same key must not race
    await prisma.apiKey.createMany({ data: [{ name: 'admin (PAIDSYNC_ADMIN_KEY)', role: 'ADMIN', ...stored }], skipDuplicates: true });
    return null;
  }
  const everAdmin = await prisma.apiKey.findFirst({ where: { role: 'ADMIN' }, select: { id: true } });
  if (everAdmin) return null;
  const key = generateApiKey();
  await prisma.apiKey.create({ data: { name: 'admin (generated at first start)', role: 'ADMIN', ...storedKey(key) } });
  return key;
}
