// One statement for the whole batch: the records travel as one array per column and are expanded
// with unnest in PostgreSQL. Fields a record leaves out keep their stored value; pii_updated_at and
// pii_version move only when a PII column really changed: the PII-update agent looks for the first,
// re-syncs for the second.
//
// New rows need no look-up first: ON CONFLICT merges into the stored row (EXCLUDED holds what the
// call sent). Only adConsent cannot say "left out" in EXCLUDED (the column is NOT NULL, default
// true), so records that send it and records that leave it out go through two INSERTs of the same
// statement, the second of which never touches ad_consent of a stored row.
import type pg from 'pg';
import type { CustomerColumns } from './customerInput.ts';

const PII: ReadonlyArray<[column: string, field: keyof CustomerColumns]> = [
  ['email', 'email'],
  ['phone', 'phone'],
  ['first_name', 'firstName'],
  ['last_name', 'lastName'],
  ['city', 'city'],
  ['state', 'state'],
  ['zip', 'zip'],
  ['country', 'country'],
  ['date_of_birth', 'dateOfBirth'],
  ['gender', 'gender'],
];
const COLUMNS = PII.map(([column]) => column);

// parameters: $1 external ids, $2…$11 the PII columns, $12 ad consent, $13 attributes as JSON text;
// a column no record sends is passed as NULL (unnest pads it with NULLs)
const SOURCE = `unnest($1::text[], ${COLUMNS.map((_, i) => `$${i + 2}::text[]`).join(', ')}, $12::boolean[], $13::text[])
       AS x(external_id, ${COLUMNS.join(', ')}, ad_consent, attributes)`;

const stored = COLUMNS.map((column) => `customers.${column}`).join(', ');
const merged = COLUMNS.map((column) => `COALESCE(EXCLUDED.${column}, customers.${column})`).join(', ');
const piiChanged = `(${stored}) IS DISTINCT FROM (${merged})`;

/** The INSERT … ON CONFLICT of the records `from` names; with `adConsent` they all send it. */
function insert(from: string, adConsent: boolean): string {
  return `INSERT INTO customers (external_id, ${COLUMNS.join(', ')}${adConsent ? ', ad_consent' : ''}, attributes)
     SELECT x.external_id, ${COLUMNS.map((column) => `x.${column}`).join(', ')}${adConsent ? ', x.ad_consent' : ''},
            COALESCE(x.attributes::jsonb, '{}'::jsonb)
       FROM ${from}
     ON CONFLICT (external_id) DO UPDATE SET
       ${COLUMNS.map((column) => `${column} = COALESCE(EXCLUDED.${column}, customers.${column})`).join(', ')},
       ${adConsent ? 'ad_consent = EXCLUDED.ad_consent,' : ''}
       attributes = customers.attributes || EXCLUDED.attributes,
       updated_at = now(),
       pii_updated_at = CASE WHEN ${piiChanged} THEN now() ELSE customers.pii_updated_at END,
       pii_version = CASE WHEN ${piiChanged} THEN nextval('customers_pii_version_seq') ELSE customers.pii_version END
     WHERE (${stored}${adConsent ? ', customers.ad_consent' : ''}, customers.attributes)
           IS DISTINCT FROM (${merged}${adConsent ? ', EXCLUDED.ad_consent' : ''}, customers.attributes || EXCLUDED.attributes)`;
}

const WITHOUT_CONSENT = insert(SOURCE, false);
const WITH_CONSENT = insert(SOURCE, true);
const MIXED = `WITH x AS (SELECT * FROM ${SOURCE}),
     given AS (${insert('x WHERE x.ad_consent IS NOT NULL', true)})
${insert('x WHERE x.ad_consent IS NULL', false)}`;

/** The column, or null when no record sends that field. */
function sent<T>(values: (T | null)[]): (T | null)[] | null {
  for (const value of values) if (value !== null) return values;
  return null;
}

export async function upsertCustomers(db: pg.Pool | pg.PoolClient, customers: CustomerColumns): Promise<number> {
  if (customers.length === 0) return 0;
  const consentGiven = customers.adConsent.some((v) => v !== null);
  const consentLeftOut = customers.adConsent.some((v) => v === null);
  const statement = !consentGiven ? WITHOUT_CONSENT : consentLeftOut ? MIXED : WITH_CONSENT;
  await db.query(statement, [
    customers.externalId,
    ...PII.map(([, field]) => sent(customers[field] as (string | null)[])),
    consentGiven ? customers.adConsent : null,
    sent(customers.attributes),
  ]);
  return customers.length;
}
