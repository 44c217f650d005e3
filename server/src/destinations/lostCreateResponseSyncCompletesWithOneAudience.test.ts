// End to end: each network makes the audience but its answer to the create is lost (connection reset,
// or a 5xx after the commit). The engine retries within the run; the retry finds the audience by name,
// so the sync completes with exactly one audience in each network, holding every member.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  control,
  createDestination,
  createSegment,
  customers,
  triggerSegmentSync,
  upsertCustomers,
  useEndToEnd,
  waitForJob,
} from '../../test/support/endToEndSupport.ts';

const t = useEndToEnd();
const SEGMENT = 'Lost answer segment';

describe('a lost audience-creation answer during a segment sync', () => {
  it('completes with exactly one audience per network (Facebook, Google, LinkedIn)', async () => {
    await control(t, {
      google: { jobDelayMs: 0 },
      faults: [
        { network: 'facebook', endpoint: 'customaudiences', kind: 'outage', mode: 'resetAfterProcessing', count: 1 },
        { network: 'google', endpoint: 'userLists', kind: 'outage', mode: 'unavailableAfterProcessing', status: 500, count: 1 },
        { network: 'linkedin', endpoint: 'dmpSegments', kind: 'outage', mode: 'resetAfterProcessing', count: 1 },
      ],
    });
    const facebook = await createDestination(t, {
      name: 'FB lost answer',
      type: 'FACEBOOK_ADS',
      settings: { apiBaseUrl: `${t.sim.url}/facebook`, adAccountId: '4321' },
      credentials: { accessToken: 'fb-lost-answer-token' },
    });
    const google = await createDestination(t, {
      name: 'Google lost answer',
      type: 'GOOGLE_ADS',
      settings: { apiBaseUrl: `${t.sim.url}/google`, customerId: '2223334444' },
      credentials: { accessToken: 'g-lost-answer-token', developerToken: 'g-lost-answer-dev' },
    });
    const linkedin = await createDestination(t, {
      name: 'LinkedIn lost answer',
      type: 'LINKEDIN_ADS',
      settings: { apiBaseUrl: `${t.sim.url}/linkedin`, adAccountId: '808' },
      credentials: { accessToken: 'li-lost-answer-token' },
    });
    const people = customers('lostans', 4);
    await upsertCustomers(t, people);
    const segment = await createSegment(
      t,
      SEGMENT,
      [facebook, google, linkedin],
      people.map((p) => p.externalId),
    );
    const jobs = await triggerSegmentSync(t, segment);
    expect(jobs.map((j) => j.destinationType).sort()).toEqual(['FACEBOOK_ADS', 'GOOGLE_ADS', 'LINKEDIN_ADS']);
    for (const job of jobs) {
      const { job: done } = await waitForJob(t, job.id);
      expect(done.status, `${job.destinationType}: ${done.error ?? ''}`).toBe('COMPLETED');
      expect(done.recordsAdded, `${job.destinationType} added everyone`).toBe(4);
    }

    const state = t.sim.simulator.state;
    expect(state.faults, 'every lost answer did happen').toEqual([]);
    const fb = [...state.facebook.audiences.values()].filter((a) => a.name === SEGMENT);
    const lists = [...state.google.userLists.values()].filter((l) => l.name === SEGMENT);
    const segments = [...state.linkedin.segments.values()].filter((s) => s.name === SEGMENT);
    expect(
      fb.map((a) => a.members.size),
      'one Facebook audience, holding the four',
    ).toEqual([4]);
    expect(
      lists.map((l) => l.members.size),
      'one Google user list, holding the four',
    ).toEqual([4]);
    expect(
      segments.map((s) => s.members.size),
      'one LinkedIn segment, holding the four',
    ).toEqual([4]);

    for (const [id, externalId] of [
      [facebook, fb[0]!.id],
      [google, lists[0]!.resourceName],
      [linkedin, segments[0]!.id],
    ] as const) {
      const { destination } = await t.app.ok<{ destination: { audiences: Array<{ externalId: string }> } }>(
        'query($id: ID!) { destination(id: $id) { audiences { externalId } } }',
        { id },
      );
      expect(
        destination.audiences.map((a) => a.externalId),
        'the audience row holds the reused id',
      ).toEqual([externalId]);
    }

    // the inspector shows the lookups beside the creates: lookup, lost create, lookup that found it
    const db = new pg.Client({ connectionString: t.app.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ type: string; method: string; url: string; status_code: number | null }>(
        `SELECT d.type, a.method, a.url, a.status_code FROM api_calls a JOIN destinations d ON d.id = a.destination_id
          WHERE a.queue_item_id IS NULL ORDER BY a.id`,
      );
      const calls = (type: string) =>
        rows
          .filter((r) => r.type === type)
          .map((r) => `${r.method} ${new URL(r.url).pathname.split('/').pop()} ${r.status_code ?? 'no answer'}`);
      expect(calls('FACEBOOK_ADS')).toEqual(['GET customaudiences 200', 'POST customaudiences no answer', 'GET customaudiences 200']);
      expect(calls('GOOGLE_ADS')).toEqual(['POST googleAds:search 200', 'POST userLists:mutate 500', 'POST googleAds:search 200']);
      expect(calls('LINKEDIN_ADS')).toEqual(['GET dmpSegments 200', 'POST dmpSegments no answer', 'GET dmpSegments 200']);
    } finally {
      await db.end();
    }
  });
});
