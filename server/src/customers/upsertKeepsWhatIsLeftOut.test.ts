// What an upsert writes into a stored customer: a field left out (or null, or blank) keeps its value,
// adConsent left out keeps the stored consent (a new customer consents by default), attributes merge
// key by key, and pii_updated_at / pii_version move only when a PII column really changed. Calls mix
// records that send adConsent with records that leave it out, new customers with stored ones.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/testApp.ts';

let t: TestApp;
let db: pg.Client;
beforeAll(async () => {
  t = await startTestApp({ env: { PAIDSYNC_ROLE: 'api' } });
  db = new pg.Client({ connectionString: t.databaseUrl });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await t?.stop();
});

const UPSERT = `mutation($customers: [CustomerInput!]!) { upsertCustomers(customers: $customers) { count } }`;
const upsert = (customers: Record<string, unknown>[]) => t.ok(UPSERT, { customers });

interface Row {
  external_id: string;
  email: string | null;
  phone: string | null;
  city: string | null;
  country: string | null;
  ad_consent: boolean;
  attributes: Record<string, unknown>;
  pii_updated_at: Date;
  pii_version: string;
  updated_at: Date;
  xmin: string;
}

async function rows(prefix: string): Promise<Record<string, Row>> {
  const { rows } = await db.query<Row>(
    `SELECT external_id, email, phone, city, country, ad_consent, attributes, pii_updated_at, pii_version, updated_at, xmin::text
       FROM customers WHERE external_id LIKE $1 ORDER BY external_id`,
    [`${prefix}%`],
  );
  return Object.fromEntries(rows.map((r) => [r.external_id, r]));
}

describe('upsertCustomers', () => {
  it('keeps what a record leaves out, and consent defaults to true only for a new customer', async () => {
    await upsert([
      {
        externalId: 'keep-1',
        email: 'one@example.com',
        phone: '+15550001111',
        city: 'Oakland',
        adConsent: false,
        attributes: { plan: 'gold' },
      },
      { externalId: 'keep-2', email: 'two@example.com', adConsent: true },
      { externalId: 'keep-3', email: 'three@example.com', adConsent: false },
    ]);
    const created = await rows('keep-');
    expect(created['keep-1']!.ad_consent, 'consent as sent').toBe(false);

    // one call: a stored customer leaving everything but one field out, one sending consent, a new one
    // leaving consent out, and blanks and nulls that mean "left out"
    await upsert([
      { externalId: 'keep-1', city: 'Berkeley', email: '  ', phone: null },
      { externalId: 'keep-2', adConsent: false, attributes: { plan: 'silver' } },
      { externalId: 'keep-3' },
      { externalId: 'keep-4', email: 'four@example.com' },
    ]);
    const after = await rows('keep-');
    expect(after['keep-1'], 'fields left out, blank or null keep their values; consent left out stays false').toMatchObject({
      email: 'one@example.com',
      phone: '+15550001111',
      city: 'Berkeley',
      ad_consent: false,
      attributes: { plan: 'gold' },
    });
    expect(after['keep-2'], 'consent sent is written').toMatchObject({
      email: 'two@example.com',
      ad_consent: false,
      attributes: { plan: 'silver' },
    });
    expect(after['keep-3']!.xmin, 'a record that changes nothing rewrites nothing').toBe(created['keep-3']!.xmin);
    expect(after['keep-4'], 'a new customer consents by default and starts with no attributes').toMatchObject({
      email: 'four@example.com',
      ad_consent: true,
      attributes: {},
    });

    // the other way round: consent given back, and left out by a stored customer that consents
    await upsert([{ externalId: 'keep-1', adConsent: true }, { externalId: 'keep-2' }, { externalId: 'keep-4', city: 'Alameda' }]);
    const last = await rows('keep-');
    expect(
      [last['keep-1']!.ad_consent, last['keep-2']!.ad_consent, last['keep-4']!.ad_consent],
      'consent given back; kept false; kept true',
    ).toEqual([true, false, true]);
  });

  it('merges attributes key by key', async () => {
    await upsert([{ externalId: 'attr-1', attributes: { plan: 'gold', score: 1, tags: ['a'] } }]);
    await upsert([{ externalId: 'attr-1', attributes: { score: 2, region: 'west' } }]);
    await upsert([{ externalId: 'attr-1', email: 'attr@example.com' }]);
    const { 'attr-1': row } = await rows('attr-');
    expect(row!.attributes, 'new keys added, sent keys replaced, others kept').toEqual({
      plan: 'gold',
      score: 2,
      tags: ['a'],
      region: 'west',
    });
  });

  it('moves pii_updated_at and pii_version only when a PII column really changed', async () => {
    await upsert([
      { externalId: 'pii-1', email: 'p1@example.com', country: 'US' },
      { externalId: 'pii-2', email: 'p2@example.com', country: 'US' },
      { externalId: 'pii-3', email: 'p3@example.com', country: 'US' },
    ]);
    const before = await rows('pii-');
    await new Promise((resolve) => setTimeout(resolve, 10));
    await upsert([
      // the same PII, with whitespace the validation trims, and a new attribute and consent: no PII change
      { externalId: 'pii-1', email: ' p1@example.com ', country: 'US', attributes: { plan: 'gold' }, adConsent: false },
      // a PII column changes
      { externalId: 'pii-2', country: 'CA' },
      // a PII column that was empty gets a value
      { externalId: 'pii-3', phone: '+15550002222' },
    ]);
    const after = await rows('pii-');
    expect(after['pii-1'], 'no PII change: neither moves, though the row was written').toMatchObject({
      pii_updated_at: before['pii-1']!.pii_updated_at,
      pii_version: before['pii-1']!.pii_version,
      ad_consent: false,
      attributes: { plan: 'gold' },
    });
    expect(after['pii-1']!.updated_at.getTime(), 'updated_at moves with any change').toBeGreaterThan(before['pii-1']!.updated_at.getTime());
    for (const id of ['pii-2', 'pii-3']) {
      expect(after[id]!.pii_updated_at.getTime(), `${id}: pii_updated_at moves`).toBeGreaterThan(before[id]!.pii_updated_at.getTime());
      expect(after[id]!.pii_version, `${id}: pii_version moves`).not.toBe(before[id]!.pii_version);
    }
    expect([after['pii-2']!.country, after['pii-2']!.email], 'the changed column written, the others kept').toEqual([
      'CA',
      'p2@example.com',
    ]);
    const versions = new Set(Object.values(after).map((r) => r.pii_version));
    expect(versions.size, 'every customer holds its own version number').toBe(3);
  });
});
