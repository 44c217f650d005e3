// 10,000 customers in one upsertCustomers call, and a second call updating them all, each written
// by a constant number of SQL statements. Measured two ways: a statement-level trigger counts the
// INSERT statements PostgreSQL ran on `customers`, and a counter on the server's own pg pool counts
// every statement the server sent while the mutation ran (the same for 10 customers as for 10,000).
import type pg from 'pg';
import pgModule from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/testApp.ts';

let t: TestApp;
let db: pg.Client;
const sent: string[] = [];
let counting = false;

/** Counts every statement any client of the server's pool sends (Prisma's included). */
function countStatements(pool: pg.Pool) {
  const patched = Symbol.for('paidsync.test.counted');
  const patch = (client: pg.PoolClient) => {
    const c = client as pg.PoolClient & { [patched]?: boolean };
    if (c[patched]) return;
    c[patched] = true;
    const query = c.query.bind(c) as (...args: unknown[]) => unknown;
    (c as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      if (counting) {
        const first = args[0] as string | { text?: string };
        sent.push(typeof first === 'string' ? first : String(first?.text ?? ''));
      }
      return query(...args);
    };
  };
  pool.on('connect', patch);
  pool.on('acquire', patch);
}

beforeAll(async () => {
  t = await startTestApp();
  countStatements(t.app.services.pool);
  db = new pgModule.Client({ connectionString: t.databaseUrl });
  await db.connect();
  // a statement-level trigger: one row per INSERT / UPDATE statement PostgreSQL runs on customers
  await db.query(`
    CREATE TABLE test_customer_statements (id serial PRIMARY KEY, op text NOT NULL, at timestamptz DEFAULT clock_timestamp());
    CREATE FUNCTION test_count_customer_statement() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN INSERT INTO test_customer_statements (op) VALUES (TG_OP); RETURN NULL; END $$;
    CREATE TRIGGER test_customers_insert_statements AFTER INSERT ON customers FOR EACH STATEMENT EXECUTE FUNCTION test_count_customer_statement();
    CREATE TRIGGER test_customers_update_statements AFTER UPDATE ON customers FOR EACH STATEMENT EXECUTE FUNCTION test_count_customer_statement();
  `);
});
afterAll(async () => {
  await db?.end();
  await t?.stop();
});

const UPSERT = `mutation($customers: [CustomerInput!]!) { upsertCustomers(customers: $customers) { count } }`;

function people(n: number, prefix: string, city: string) {
  return Array.from({ length: n }, (_, i) => ({
    externalId: `${prefix}-${i}`,
    email: `person.${i}@${prefix}.example.com`,
    phone: `+1555${String(i).padStart(7, '0')}`,
    firstName: `First${i}`,
    lastName: `Last${i}`,
    city,
    state: 'CA',
    zip: '94105',
    country: 'US',
    dateOfBirth: '1990-05-17',
    gender: i % 2 ? 'f' : 'm',
    adConsent: i % 10 !== 0,
    attributes: { plan: i % 3 ? 'gold' : 'silver', score: i },
  }));
}

/** Runs one upsert and returns how many statements it took, both as sent and as run on customers. */
async function measuredUpsert(customers: unknown[]) {
  await db.query('TRUNCATE test_customer_statements');
  sent.length = 0;
  counting = true;
  let data;
  try {
    data = await t.ok(UPSERT, { customers });
  } finally {
    counting = false;
  }
  const { rows } = await db.query<{ op: string; n: string }>('SELECT op, count(*) AS n FROM test_customer_statements GROUP BY op');
  const onTable = Object.fromEntries(rows.map((r) => [r.op, Number(r.n)]));
  // the request's key check is per request, not per customer, and may be served from the key cache
  const statementsSent = sent.filter((statement) => !/api_keys/i.test(statement));
  return { count: data.upsertCustomers.count as number, statementsSent, onTable };
}

describe('upsertCustomers with 10,000 customers', () => {
  it('inserts them all with as many statements as it takes for 10', async () => {
    const small = await measuredUpsert(people(10, 'small', 'Oakland'));
    expect(small.count, 'ten customers reported').toBe(10);

    const big = await measuredUpsert(people(10_000, 'big', 'San Francisco'));
    expect(big.count, 'the payload reports 10,000').toBe(10_000);
    expect(big.onTable, 'PostgreSQL ran exactly one INSERT statement on customers for the 10,000').toEqual({ INSERT: 1, UPDATE: 1 });
    expect(
      big.statementsSent.length,
      `the server sent as many statements for 10,000 as for 10 (${JSON.stringify(big.statementsSent.map((s) => s.slice(0, 40)))})`,
    ).toBe(small.statementsSent.length);
    expect(big.statementsSent.length, 'a handful of statements in all').toBeLessThanOrEqual(4);
    expect(
      big.statementsSent.filter((s) => /insert\s+into\s+"?customers/i.test(s)),
      'one INSERT INTO customers',
    ).toHaveLength(1);

    const { rows } = await db.query<{ n: string; cities: string[] }>(
      `SELECT count(*) AS n, array_agg(DISTINCT city) AS cities FROM customers WHERE external_id LIKE 'big-%'`,
    );
    expect(Number(rows[0]!.n), '10,000 rows are in the table').toBe(10_000);
    expect(rows[0]!.cities, 'every row has the city sent').toEqual(['San Francisco']);
    const { rows: sample } = await db.query(
      `SELECT email, phone, first_name, country, date_of_birth, gender, ad_consent, attributes FROM customers WHERE external_id = 'big-4321'`,
    );
    expect(sample[0], 'a sampled row holds exactly what was sent').toEqual({
      email: 'person.4321@big.example.com',
      phone: '+15550004321',
      first_name: 'First4321',
      country: 'US',
      date_of_birth: '1990-05-17',
      gender: 'f',
      ad_consent: true,
      attributes: { plan: 'gold', score: 4321 },
    });
  });

  it('a second call updates all 10,000 in one statement, adding no rows, and moves pii_updated_at only where PII changed', async () => {
    const { rows: before } = await db.query<{ pii: Date; upd: Date }>(
      `SELECT max(pii_updated_at) AS pii, max(updated_at) AS upd FROM customers WHERE external_id LIKE 'big-%'`,
    );
    const changed = people(10_000, 'big', 'Los Angeles');
    // half of them change only an attribute: not a PII change
    for (let i = 0; i < changed.length; i += 2) {
      changed[i]!.city = 'San Francisco';
      changed[i]!.attributes = { plan: 'platinum', score: i };
    }
    const update = await measuredUpsert(changed);
    expect(update.count, 'the payload reports 10,000').toBe(10_000);
    expect(update.onTable, 'one INSERT … ON CONFLICT statement did the update').toEqual({ INSERT: 1, UPDATE: 1 });
    expect(update.statementsSent.length, 'the update took a handful of statements too').toBeLessThanOrEqual(4);

    const { rows } = await db.query<{ total: string; la: string; platinum: string; pii_moved: string; pii_kept: string }>(
      `SELECT count(*) AS total,
              count(*) FILTER (WHERE city = 'Los Angeles') AS la,
              count(*) FILTER (WHERE attributes->>'plan' = 'platinum') AS platinum,
              count(*) FILTER (WHERE city = 'Los Angeles' AND pii_updated_at > $1) AS pii_moved,
              count(*) FILTER (WHERE city = 'San Francisco' AND pii_updated_at <= $1) AS pii_kept
         FROM customers WHERE external_id LIKE 'big-%'`,
      [before[0]!.pii],
    );
    expect(rows[0], 'no rows added; each change applied; pii_updated_at moved exactly for the PII changes').toEqual({
      total: '10000',
      la: '5000',
      platinum: '5000',
      pii_moved: '5000',
      pii_kept: '5000',
    });
    const { rows: all } = await db.query<{ n: string }>('SELECT count(*) AS n FROM customers');
    expect(Number(all[0]!.n), 'the table holds the 10 + 10,000 customers, nothing more').toBe(10_010);
  });

  it('sending the same customers again rewrites no row', async () => {
    const same = people(10, 'small', 'Oakland');
    await measuredUpsert(same);
    const { rows: before } = await db.query<{ upd: Date }>(`SELECT max(updated_at) AS upd FROM customers`);
    const { rows: snapshot } = await db.query<{ digest: string }>(
      `SELECT md5(string_agg(c::text, '|' ORDER BY id)) AS digest FROM customers c`,
    );
    await measuredUpsert(same);
    const { rows: after } = await db.query<{ upd: Date }>(`SELECT max(updated_at) AS upd FROM customers`);
    const { rows: snapshotAfter } = await db.query<{ digest: string }>(
      `SELECT md5(string_agg(c::text, '|' ORDER BY id)) AS digest FROM customers c`,
    );
    expect(after[0]!.upd, 'updated_at did not move for unchanged customers').toEqual(before[0]!.upd);
    expect(snapshotAfter[0]!.digest, 'no row changed').toBe(snapshot[0]!.digest);
  });
});
