// The rotation path for PAIDSYNC_SECRET: at start, every destination credential still sealed under
// the previous secret is opened and sealed again under the current one, in one transaction (rows
// locked, one set-based UPDATE), so a rotation is all-or-nothing and safe when many processes start
// at once (the second finds nothing left to do). Values sealed under a secret the process does not
// know are left as they are and counted in a warning: their destinations cannot send until their
// credentials are entered again.
import type pg from 'pg';
import type { Logger } from '../logger.ts';
import { sealedKeyId, type CredentialsCipher } from './credentialsCipher.ts';

export async function resealCredentials(options: { pool: pg.Pool; cipher: CredentialsCipher; logger: Logger }) {
  const { pool, cipher, logger } = options;
  const client = await pool.connect();
  let resealed = 0;
  let unreadable = 0;
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ id: number; credentials_encrypted: string }>(
      `SELECT id, credentials_encrypted FROM destinations
        WHERE credentials_encrypted IS NOT NULL AND split_part(credentials_encrypted, ':', 2) <> $1
        ORDER BY id FOR UPDATE`,
      [cipher.keyId],
    );
    const ids: number[] = [];
    const sealed: string[] = [];
    for (const row of rows) {
      const keyId = sealedKeyId(row.credentials_encrypted);
      if (!keyId || !cipher.keyIds.includes(keyId)) {
        unreadable++;
        continue;
      }
      ids.push(row.id);
      sealed.push(cipher.seal(cipher.open(row.credentials_encrypted)));
    }
    if (ids.length) {
      // plain SQL beside the resolvers' Prisma writes: every destination re-sealed in one statement
      const result = await client.query(
        `UPDATE destinations d SET credentials_encrypted = v.sealed
           FROM unnest($1::int[], $2::text[]) AS v(id, sealed) WHERE d.id = v.id`,
        [ids, sealed],
      );
      resealed = result.rowCount ?? 0;
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  if (resealed) logger.info('destination credentials re-sealed under the current PAIDSYNC_SECRET', { destinations: resealed });
  if (unreadable) {
    logger.warn(
      'destination credentials sealed under an unknown secret were left as they are; set PAIDSYNC_SECRET_PREVIOUS or enter them again',
      {
        destinations: unreadable,
      },
    );
  }
  return { resealed, unreadable };
}
