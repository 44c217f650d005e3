// Drives the built dashboard (web/build, served by the real server from startTestApp) in Debian's
// Chromium through playwright-core (browser.ts), and writes rows straight into the test database.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type PgTypes from 'pg';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
// pg is the server's dependency; the web package does not need its own copy for the tests
const pg = createRequire(path.join(repoRoot, 'server/package.json'))('pg') as typeof PgTypes;

export { assertDashboardBuilt, launchBrowser, screenshot, screenshotDir, signIn, signInOn } from './browser.ts';

/** the text of every GraphQL document the page posts over HTTP, from now on */
export function graphqlPosts(page: Page): string[] {
  const posted: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/graphql') {
      posted.push(String((request.postDataJSON() as { query?: string } | null)?.query ?? ''));
    }
  });
  return posted;
}

/** waits until the header says the live (graphql-ws) connection is up */
export async function waitUntilLive(page: Page) {
  await page.locator('header .live-live').waitFor({ timeout: 15_000 });
}

export interface JobRow {
  status?: string;
  stage?: string | null;
  destinationId: number;
  destinationType?: string;
  syncType: string;
  triggeredBy?: string | null;
  scopeKey?: string;
  failureLayer?: string | null;
  error?: string | null;
  recordsTotal?: number;
  recordsRejected?: number;
}

export class Db {
  pool: PgTypes.Pool;
  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 2 });
  }
  async query<T extends PgTypes.QueryResultRow = any>(text: string, values?: unknown[]) {
    return this.pool.query<T>(text, values);
  }
  /** inserts a sync job and returns its database id */
  async insertJob(job: JobRow): Promise<number> {
    const { rows } = await this.pool.query<{ id: number }>(
      `INSERT INTO sync_jobs (status, stage, destination_id, destination_type, sync_type, triggered_by, scope_key,
                              started_at, ended_at, failure_layer, error, records_total, records_rejected)
       VALUES ($1::"SyncJobStatus", $2::"SyncStage", $3, COALESCE($4::"DestinationType", (SELECT type FROM destinations WHERE id = $3)),
               $5::"SyncType", $6, $7, now() - interval '2 minutes',
               CASE WHEN $1 IN ('COMPLETED', 'FAILED', 'WITHDRAWN') THEN now() - interval '1 minute' END,
               $8::"FailureLayer", $9, $10, $11)
       RETURNING id`,
      [
        job.status ?? 'COMPLETED',
        job.stage === undefined ? 'SYNC_MEMBERS' : job.stage,
        job.destinationId,
        job.destinationType ?? null,
        job.syncType,
        job.triggeredBy ?? null,
        job.scopeKey ?? `test:${job.syncType}:${Math.random()}`,
        job.failureLayer ?? null,
        job.error ?? null,
        job.recordsTotal ?? 0,
        job.recordsRejected ?? 0,
      ],
    );
    return rows[0].id;
  }
  /** records a request made to a destination, as the delivery code does; returns its database id */
  async insertApiCall(call: {
    destinationId: number;
    syncJobId?: number | null;
    method?: string;
    url: string;
    statusCode?: number | null;
    durationMs?: number;
    requestBody?: string | null;
    responseBody?: string | null;
    secondsAgo?: number;
  }): Promise<number> {
    const { rows } = await this.pool.query<{ id: number }>(
      `INSERT INTO api_calls (destination_id, sync_job_id, method, url, status_code, duration_ms, request_body, response_body, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() - make_interval(secs => $9)) RETURNING id`,
      [
        call.destinationId,
        call.syncJobId ?? null,
        call.method ?? 'POST',
        call.url,
        call.statusCode === undefined ? 200 : call.statusCode,
        call.durationMs ?? 120,
        call.requestBody ?? null,
        call.responseBody ?? null,
        call.secondsAgo ?? 0,
      ],
    );
    return rows[0].id;
  }
  close() {
    return this.pool.end();
  }
}

/** the Relay global id of a database row, as the API encodes it */
export const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');
