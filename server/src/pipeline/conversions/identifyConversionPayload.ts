// Stage 1 of an offline conversion job: the identifiers of each event's customer, hashed for the
// destination. A job carries at most one batch of captured events, so this is one read and one
// set-based UPDATE.
import type pg from 'pg';
import { identifiersFor } from '../../destinations/hashing/index.ts';
import type { LoadedDestination } from '../../delivery/loadDestination.ts';
import type { SyncJobRow } from '../pipelineContext.ts';

export async function identifyConversionPayload(job: SyncJobRow, destination: LoadedDestination, tx: pg.PoolClient) {
  const { rows } = await tx.query(
    `SELECT d.conversion_event_id, c.external_id, c.email, c.phone, c.first_name, c.last_name, c.city, c.state, c.zip,
            c.country, c.date_of_birth, c.gender
       FROM conversion_deliveries d
       JOIN conversion_events e ON e.id = d.conversion_event_id
       JOIN customers c ON c.id = e.customer_id
      WHERE d.sync_job_id = $1 AND c.ad_consent`,
    [job.id],
  );
  const options = destination.settings.fields ? { fields: destination.settings.fields } : undefined;
  const identifiers = rows.map((r) =>
    JSON.stringify(
      identifiersFor(
        destination.type,
        {
          externalId: r.external_id,
          email: r.email,
          phone: r.phone,
          firstName: r.first_name,
          lastName: r.last_name,
          city: r.city,
          state: r.state,
          zip: r.zip,
          country: r.country,
          dateOfBirth: r.date_of_birth,
          gender: r.gender,
        },
        options,
      ),
    ),
  );
  await tx.query(
    `UPDATE conversion_deliveries d SET identifiers = x.identifiers::jsonb
       FROM unnest($2::int[], $3::text[]) AS x(event_id, identifiers)
      WHERE d.sync_job_id = $1 AND d.conversion_event_id = x.event_id`,
    [job.id, rows.map((r) => r.conversion_event_id), identifiers],
  );
}
