// The rotation path for PAIDSYNC_SECRET: started with the new secret and PAIDSYNC_SECRET_PREVIOUS set
// to the old one, the server re-seals every credential sealed under the old secret (one transaction,
// one log line with the count), and destinations keep sending with them; a restart finds nothing
// left to do; values sealed under a secret it was not given are left alone and counted in a warning.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type StartedSimulator } from '../simulator/index.ts';
import { startTestApp, type TestApp } from '../../test/support/testApp.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { createCredentialsCipher, sealedKeyId } from './credentialsCipher.ts';

const OLD = 'old-secret-' + randomBytes(24).toString('hex');
const NEW = 'new-secret-' + randomBytes(24).toString('hex');
const OTHER = 'other-secret-' + randomBytes(24).toString('hex');
const SIGNING = 'signing-' + randomBytes(16).toString('hex');

let database: TestDatabase;
let sim: StartedSimulator;
let db: pg.Client;
beforeAll(async () => {
  database = await createTestDatabase();
  sim = await startSimulator();
  db = new pg.Client({ connectionString: database.url });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await sim?.close();
  await database?.drop();
});

async function started(env: Record<string, string>, run: (t: TestApp, log: string[]) => Promise<void>) {
  const log: string[] = [];
  const t = await startTestApp({
    database,
    env: { PAIDSYNC_LOG_LEVEL: 'info', PAIDSYNC_BACKOFF_BASE_MS: '20', ...env },
    log: (line) => log.push(line),
  });
  try {
    await run(t, log);
  } finally {
    await t.stop();
  }
}

const sealedValues = async () =>
  (
    await db.query<{ name: string; credentials_encrypted: string }>(
      `SELECT name, credentials_encrypted FROM destinations WHERE credentials_encrypted IS NOT NULL ORDER BY name`,
    )
  ).rows;
const resealLines = (log: string[]) =>
  log.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => String(l.msg).includes('re-sealed'));

describe('rotating PAIDSYNC_SECRET', () => {
  it('re-seals every credential under the new secret at start, in one step, and the destinations keep working', async () => {
    await started({ PAIDSYNC_SECRET: OLD }, async (t) => {
      await t.ok(`mutation($i: CreateDestinationInput!) { createDestination(input: $i) { id } }`, {
        i: { name: 'signed', type: 'WEB', settings: { url: `${sim.url}/web/signed` }, credentials: { signingSecret: SIGNING } },
      });
      await t.ok(`mutation($i: CreateDestinationInput!) { createDestination(input: $i) { id } }`, {
        i: {
          name: 'fb',
          type: 'FACEBOOK_ADS',
          settings: { adAccountId: '1', apiBaseUrl: `${sim.url}/facebook` },
          credentials: { accessToken: 'EAAB-rotate' },
        },
      });
      await t.ok(`mutation($i: CreateDestinationInput!) { createDestination(input: $i) { id } }`, {
        i: { name: 'plain', type: 'DMP', settings: { directory: '/tmp/paidsync-rotate' } },
      });
    });
    const oldId = createCredentialsCipher(OLD).keyId;
    const newCipher = createCredentialsCipher(NEW);
    expect(
      (await sealedValues()).map((r) => sealedKeyId(r.credentials_encrypted)),
      'both credentials start sealed under the old secret',
    ).toEqual([oldId, oldId]);

    await started({ PAIDSYNC_SECRET: NEW, PAIDSYNC_SECRET_PREVIOUS: OLD }, async (t, log) => {
      expect(
        resealLines(log).map((l) => l.destinations),
        'one log line says two credentials were re-sealed',
      ).toEqual([2]);
      const rows = await sealedValues();
      expect(
        rows.map((r) => sealedKeyId(r.credentials_encrypted)),
        'every credential is now sealed under the new secret',
      ).toEqual([newCipher.keyId, newCipher.keyId]);
      expect(
        rows.map((r) => newCipher.open(r.credentials_encrypted)),
        'the new secret alone opens them, unchanged',
      ).toEqual([{ accessToken: 'EAAB-rotate' }, { signingSecret: SIGNING }]);
      for (const row of rows)
        expect(() => createCredentialsCipher(OLD).open(row.credentials_encrypted), 'the old secret no longer opens them').toThrow();

      // the Web endpoint checks the HMAC signature made with the re-sealed signing secret
      await fetch(`${sim.url}/_control`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ webSecrets: { signed: SIGNING } }),
      });
      const destinationId = (await t.ok('{ destinations { id name } }')).destinations.find((d: { name: string }) => d.name === 'signed').id;
      await t.ok('mutation { upsertCustomers(customers: [{ externalId: "rot-1", email: "rot1@example.com" }]) { count } }');
      const segment = await t.ok('mutation($i: CreateSegmentInput!) { createSegment(input: $i) { id } }', {
        i: { name: 'rotated', paidSyncEnabled: true, destinationIds: [destinationId], customerExternalIds: ['rot-1'] },
      });
      const [job] = (await t.ok('mutation($s: ID!) { triggerSegmentSync(segmentId: $s) { id } }', { s: segment.createSegment.id }))
        .triggerSegmentSync;
      let status = '';
      for (let i = 0; i < 200 && !['COMPLETED', 'FAILED'].includes(status); i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = (await t.ok('query($id: ID!) { syncJob(id: $id) { status } }', { id: job.id })).syncJob.status;
      }
      expect(status, 'a sync signed with the re-sealed secret completes (the endpoint checked the signature)').toBe('COMPLETED');
    });

    await started({ PAIDSYNC_SECRET: NEW, PAIDSYNC_SECRET_PREVIOUS: OLD }, async (_t, log) => {
      expect(resealLines(log), 'a second start with the same settings has nothing to re-seal').toEqual([]);
    });
  });

  it('leaves values sealed under a secret it was not given as they are, and warns with their count', async () => {
    const foreign = createCredentialsCipher(OTHER).seal({ accessToken: 'foreign' });
    await db.query(
      `INSERT INTO destinations (name, type, settings, credentials_encrypted) VALUES ('foreign', 'LINKEDIN_ADS', '{"adAccountId":"1"}', $1)`,
      [foreign],
    );
    await started({ PAIDSYNC_SECRET: NEW, PAIDSYNC_SECRET_PREVIOUS: OLD }, async (_t, log) => {
      const warnings = log
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.level === 'warn' && String(l.msg).includes('unknown secret'));
      expect(
        warnings.map((w) => w.destinations),
        'one warning counts the one value it cannot open',
      ).toEqual([1]);
      const { rows } = await db.query<{ credentials_encrypted: string }>(
        `SELECT credentials_encrypted FROM destinations WHERE name = 'foreign'`,
      );
      expect(rows[0]!.credentials_encrypted, 'the value is untouched').toBe(foreign);
      expect(log.join('\n'), 'no secret reaches the log').not.toMatch(new RegExp(`${NEW}|${OLD}|foreign"`));
    });
  });
});

describe('PAIDSYNC_SECRET_PREVIOUS is validated at start', () => {
  const problem = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (error) {
      return error as ConfigError;
    }
    throw new Error('expected a ConfigError');
  };
  it('is refused without PAIDSYNC_SECRET, equal to it, or too short, naming the variable and never echoing it', () => {
    for (const [what, env] of [
      ['without PAIDSYNC_SECRET', { PAIDSYNC_SECRET_PREVIOUS: OLD }],
      ['equal to PAIDSYNC_SECRET', { PAIDSYNC_SECRET: OLD, PAIDSYNC_SECRET_PREVIOUS: OLD }],
      ['too short', { PAIDSYNC_SECRET: NEW, PAIDSYNC_SECRET_PREVIOUS: 'short-old-secret' }],
    ] as const) {
      const error = problem(env);
      expect(error.variable, `${what}: the error names PAIDSYNC_SECRET_PREVIOUS`).toBe('PAIDSYNC_SECRET_PREVIOUS');
      expect(error.message, `${what}: the error does not echo the secret`).not.toMatch(new RegExp(`${OLD}|short-old-secret`));
    }
    expect(loadConfig({ PAIDSYNC_SECRET: NEW, PAIDSYNC_SECRET_PREVIOUS: OLD }).previousSecret, 'a valid pair is accepted').toBe(OLD);
  });
});
