// Issue 4, done-when 5: after syncs to all four networks (and conversions), no ApiCall row holds a
// customer's raw email, phone or name, or a destination's token, in its URL or bodies.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  control,
  createDestination,
  createSegment,
  customers,
  triggerSegmentSync,
  upsertCustomers,
  useEndToEnd,
  waitForJob,
} from '../../../test/support/endToEndSupport.ts';

const t = useEndToEnd();
const TOKENS = {
  facebook: 'fb-pii-check-token-7f3k',
  google: 'g-pii-check-token-9q2w',
  googleDeveloper: 'g-pii-check-devtoken-4x8z',
  linkedin: 'li-pii-check-token-2m6n',
};
let dmpDir = '';
beforeAll(async () => {
  dmpDir = await mkdtemp(path.join(os.tmpdir(), 'paidsync-pii-dmp-'));
});
afterAll(() => rm(dmpDir, { recursive: true, force: true }));

/** every form a raw value could leak in: as entered, lowercased, digits only, E.164 */
function forbiddenStrings(people: ReturnType<typeof customers>): string[] {
  const out = new Set<string>(Object.values(TOKENS));
  for (const p of people) {
    const digits = p.phone.replace(/\D/g, '');
    for (const v of [
      p.email,
      p.email.toLowerCase(),
      p.email.split('@')[0]!,
      p.phone,
      digits,
      `+${digits}`,
      p.firstName,
      p.firstName.toLowerCase(),
      p.lastName,
      p.lastName.toLowerCase(),
    ])
      out.add(v);
  }
  return [...out];
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('no raw PII or token in any ApiCall', () => {
  it('holds after segment syncs to Facebook, Google, LinkedIn and DMP and conversions to Facebook and Google', async () => {
    await control(t, { google: { jobDelayMs: 0 } });
    const facebook = await createDestination(t, {
      name: 'FB pii',
      type: 'FACEBOOK_ADS',
      settings: { apiBaseUrl: `${t.sim.url}/facebook`, adAccountId: '1234', pixelId: '5555' },
      credentials: { accessToken: TOKENS.facebook },
    });
    const google = await createDestination(t, {
      name: 'Google pii',
      type: 'GOOGLE_ADS',
      settings: { apiBaseUrl: `${t.sim.url}/google`, customerId: '1234567890', conversionActionId: '99' },
      credentials: { accessToken: TOKENS.google, developerToken: TOKENS.googleDeveloper },
    });
    const linkedin = await createDestination(t, {
      name: 'LinkedIn pii',
      type: 'LINKEDIN_ADS',
      settings: { apiBaseUrl: `${t.sim.url}/linkedin`, adAccountId: '507' },
      credentials: { accessToken: TOKENS.linkedin },
    });
    const dmp = await createDestination(t, { name: 'DMP pii', type: 'DMP', settings: { directory: dmpDir } });

    const people = customers('piicheck', 3);
    await upsertCustomers(t, people);
    const segment = await createSegment(
      t,
      'PII check',
      [facebook, google, linkedin, dmp],
      people.map((p) => p.externalId),
    );
    const jobs = await triggerSegmentSync(t, segment);
    expect(jobs.map((j) => j.destinationType).sort()).toEqual(['DMP', 'FACEBOOK_ADS', 'GOOGLE_ADS', 'LINKEDIN_ADS']);
    for (const job of jobs) {
      const { job: done } = await waitForJob(t, job.id);
      expect(done.status, `${job.destinationType}: ${done.error ?? ''}`).toBe('COMPLETED');
      expect(done.recordsAdded, `${job.destinationType} added everyone`).toBe(3);
    }

    await t.app.ok(
      'mutation($ids: [ID!]) { updatePaidConfiguration(input: { offlineConversionsEnabled: true, conversionDestinationIds: $ids }) { offlineConversionsEnabled } }',
      { ids: [facebook, google] },
    );
    for (const [i, p] of people.entries()) {
      await t.app.ok('mutation($input: CapturePaidResponseInput!) { capturePaidResponse(input: $input) { duplicate } }', {
        input: {
          eventId: `pii-order-${i}`,
          conversionName: 'Purchase',
          occurredAt: new Date(Date.now() - 600_000).toISOString(),
          customerExternalId: p.externalId,
          clickId: `gclid-pii-${i}`,
          value: 10,
          currency: 'USD',
        },
      });
    }
    await expect
      .poll(
        async () => {
          const { conversionEvents } = await t.app.ok<{ conversionEvents: { edges: Array<{ node: { status: string } }> } }>(
            '{ conversionEvents(first: 10) { edges { node { status } } } }',
          );
          return conversionEvents.edges.map((e) => e.node.status).join(',');
        },
        { timeout: 30_000, interval: 100, message: 'every conversion delivered to both networks' },
      )
      .toBe('SUCCEEDED,SUCCEEDED,SUCCEEDED');
    expect(t.sim.simulator.state.facebook.events.length, 'Meta got the conversions').toBe(3);

    const db = new pg.Client({ connectionString: t.app.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ destination_id: number; url: string; request_body: string | null; response_body: string | null }>(
        'SELECT destination_id, url, request_body, response_body FROM api_calls ORDER BY id',
      );
      const perNetwork = await db.query<{ type: string; n: number }>(
        'SELECT d.type, count(*)::int AS n FROM api_calls a JOIN destinations d ON d.id = a.destination_id GROUP BY 1 ORDER BY 1',
      );
      expect(Object.fromEntries(perNetwork.rows.map((r) => [r.type, r.n > 0])), 'every HTTP network has ApiCalls to search').toEqual({
        FACEBOOK_ADS: true,
        GOOGLE_ADS: true,
        LINKEDIN_ADS: true,
      });
      const bodies = rows.filter(
        (r) => r.request_body?.includes('userIdentifiers') || r.request_body?.includes('"em"') || r.request_body?.includes('SHA256_EMAIL'),
      );
      expect(bodies.length, 'the search covers requests that carried identifiers').toBeGreaterThan(0);
      expect(
        rows.filter((r) => /… \[\d+ chars\]$/.test(r.request_body ?? '')),
        'bodies short enough to be stored whole, so the search sees all of them',
      ).toEqual([]);
      const hashedEmail = createHash('sha256').update(people[0]!.email.toLowerCase()).digest('hex');
      expect(
        rows.some((r) => r.request_body?.includes(hashedEmail)),
        'the customer did go out, hashed',
      ).toBe(true);

      const leaks: string[] = [];
      for (const row of rows) {
        for (const [column, text] of [
          ['url', row.url],
          ['request_body', row.request_body],
          ['response_body', row.response_body],
        ] as const) {
          if (!text) continue;
          for (const secret of forbiddenStrings(people))
            if (text.includes(secret)) leaks.push(`${column} of a call to destination ${row.destination_id} holds "${secret}"`);
        }
      }
      expect(leaks, 'no raw email, phone, name or token in any ApiCall').toEqual([]);
    } finally {
      await db.end();
    }

    // the DMP makes no ApiCalls: its files are held to the same rule
    const files = await filesUnder(dmpDir);
    expect(
      files.some((f) => f.endsWith('.ndjson.gz')),
      'the DMP wrote batch files',
    ).toBe(true);
    for (const file of files) {
      const raw = await readFile(file);
      const text = file.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
      for (const secret of forbiddenStrings(people)) expect(text.includes(secret), `${path.basename(file)} holds "${secret}"`).toBe(false);
    }
  });
});
