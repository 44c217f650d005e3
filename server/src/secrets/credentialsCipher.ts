// Destination credentials are sealed with AES-256-GCM (authenticated: a tampered value fails to open)
// under a key derived from PAIDSYNC_SECRET. The key id in each sealed value lets a rotation find the
// values still sealed under an old secret: given the previous secret (PAIDSYNC_SECRET_PREVIOUS), the
// cipher opens values sealed under either, and seals only under the current one.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

export interface CredentialsCipher {
  /** the current secret's key id: every value sealed now carries it */
  keyId: string;
  /** key ids this cipher can open: the current one first, then previous ones */
  keyIds: string[];
  seal(credentials: Record<string, unknown>): string;
  open(sealed: string): Record<string, unknown>;
}

interface DerivedKey {
  id: string;
  key: Buffer;
}

function derive(secret: string): DerivedKey {
  const key = Buffer.from(hkdfSync('sha256', secret, 'paidsync', 'destination-credentials', 32));
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 12), key };
}

/** The key id a sealed value names (v1:<keyId>:...), or null when it is not a sealed value. */
export function sealedKeyId(sealed: string): string | null {
  const [version, id] = sealed.split(':');
  return version === 'v1' && id ? id : null;
}

export function createCredentialsCipher(secret: string, options: { previous?: Array<string | null | undefined> } = {}): CredentialsCipher {
  const current = derive(secret);
  const keys = new Map<string, Buffer>([[current.id, current.key]]);
  for (const old of options.previous ?? []) {
    if (!old) continue;
    const derived = derive(old);
    if (!keys.has(derived.id)) keys.set(derived.id, derived.key);
  }
  return {
    keyId: current.id,
    keyIds: [...keys.keys()],
    seal(credentials) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      cipher.setAAD(Buffer.from(current.id));
      const body = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
      return ['v1', current.id, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
    },
    open(sealed) {
      const [version, id, iv, tag, body] = sealed.split(':');
      if (version !== 'v1' || !id || !iv || !tag || !body) throw new Error('credentials: unknown format');
      const key = keys.get(id);
      if (!key) throw new Error('credentials: sealed under another secret');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAAD(Buffer.from(id));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
      return JSON.parse(text) as Record<string, unknown>;
    },
  };
}
