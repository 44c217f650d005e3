// One statement for the whole batch: the records travel as one JSON array and are expanded in
// PostgreSQL. Fields a record leaves out keep their stored value; pii_updated_at and pii_version move
// only when a PII column really changed: the PII-update agent looks for the first, re-syncs for the second.
import type pg from 'pg';
import type { CustomerRecord } from './customerInput.ts';

const PII = ['email', 'phone', 'first_name', 'last_name', 'city', 'state', 'zip', 'country', 'date_of_birth', 'gender'];

export async function upsertCustomers(db: pg.Pool | pg.PoolClient, customers: CustomerRecord[]): Promise<number> {
  if (customers.length === 0) return 0;
  const rows = customers.map((c) => ({
    external_id: c.externalId,
    email: c.email,
    phone: c.phone,
    first_name: c.firstName,
    last_name: c.lastName,
    city: c.city,
    state: c.state,
    zip: c.zip,
    country: c.country,
    date_of_birth: c.dateOfBirth,
    gender: c.gender,
    ad_consent: c.adConsent,
    attributes: c.attributes,
  }));
  const merged = PII.map((column) => `COALESCE(x.${column}, c.${column})`).join(', ');
  const excluded = PII.map((column) => `EXCLUDED.${column}`).join(', ');
  const current = PII.map((column) => `customers.${column}`).join(', ');
  const piiChanged = `(${current}) IS DISTINCT FROM (${excluded})`;
  await db.query(
    `INSERT INTO customers (external_id, ${PII.join(', ')}, ad_consent, attributes, updated_at)
     SELECT x.external_id, ${merged},
            COALESCE(x.ad_consent, c.ad_consent, true),
            COALESCE(c.attributes, '{}'::jsonb) || COALESCE(x.attributes, '{}'::jsonb),
            now()
       FROM jsonb_to_recordset($1::jsonb) AS x(external_id text, ${PII.map((c) => `${c} text`).join(', ')},
                                               ad_consent boolean, attributes jsonb)
       LEFT JOIN customers c ON c.external_id = x.external_id
     ON CONFLICT (external_id) DO UPDATE SET
       ${PII.map((column) => `${column} = EXCLUDED.${column}`).join(', ')},
       ad_consent = EXCLUDED.ad_consent,
       attributes = EXCLUDED.attributes,
       updated_at = now(),
       pii_updated_at = CASE WHEN ${piiChanged} THEN now() ELSE customers.pii_updated_at END,
       pii_version = CASE WHEN ${piiChanged} THEN nextval('customers_pii_version_seq') ELSE customers.pii_version END
     WHERE (${current}, customers.ad_consent, customers.attributes)
           IS DISTINCT FROM (${excluded}, EXCLUDED.ad_consent, EXCLUDED.attributes)`,
    [JSON.stringify(rows)],
  );
  return customers.length;
}
