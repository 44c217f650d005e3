-- Stage 1 decides each payload row's part in the diff as it hashes it, and numbers the adds and the
-- removes in customer order: sync_staging (a second million rows per million-member sync, written by
-- stage 3) is gone. A membership queue item names the customer range its rows lie in, so a delivery
-- reads its rows by the payload's primary key.

ALTER TABLE "sync_payloads" ADD COLUMN "add_row" INTEGER, ADD COLUMN "remove_row" INTEGER;
ALTER TABLE "queue_items" ADD COLUMN "first_customer_id" INTEGER, ADD COLUMN "last_customer_id" INTEGER;
-- stage 1 cuts the numbered rows into items as it goes (queueItemPlan.ts); stage 4 creates them
ALTER TABLE "sync_jobs" ADD COLUMN "queue_item_plan" JSONB;

-- jobs in flight at the upgrade keep their diff: staging was numbered in customer order too
UPDATE "sync_payloads" p SET "add_row" = s."row_number"
  FROM "sync_staging" s WHERE s."sync_job_id" = p."sync_job_id" AND s."customer_id" = p."customer_id" AND s."operation" = 'ADD';
UPDATE "sync_payloads" p SET "remove_row" = s."row_number"
  FROM "sync_staging" s WHERE s."sync_job_id" = p."sync_job_id" AND s."customer_id" = p."customer_id" AND s."operation" = 'REMOVE';
UPDATE "queue_items" q SET "first_customer_id" = r.lo, "last_customer_id" = r.hi
  FROM (SELECT q2."id", min(s."customer_id") AS lo, max(s."customer_id") AS hi
          FROM "queue_items" q2 JOIN "sync_staging" s ON s."sync_job_id" = q2."sync_job_id" AND s."operation" = q2."operation"
                                                     AND s."row_number" BETWEEN q2."row_from" AND q2."row_from" + q2."record_count" - 1
         GROUP BY q2."id") r
 WHERE q."id" = r."id";

-- jobs whose stage 3 had not run yet: their diff, as stage 3 decided it (stage 4 cuts their items
-- from the numbered rows, having no plan)
WITH waiting AS (SELECT id, audience_id FROM "sync_jobs"
                  WHERE "stage" IN ('IDENTIFY_AUDIENCES', 'WRITE_STAGING') AND "status" IN ('PENDING', 'RUNNING')
                    AND "sync_type" <> 'OFFLINE_CONVERSION'),
     diff AS (
       SELECT p."sync_job_id", p."customer_id",
              p."keep" AND m."identifier_hash" IS DISTINCT FROM p."identifier_hash" AS adds,
              (NOT p."keep" OR p."stale_identifiers" IS NOT NULL) AND m."customer_id" IS NOT NULL AS removes
         FROM "sync_payloads" p JOIN waiting w ON w.id = p."sync_job_id"
         LEFT JOIN "memberships" m ON m."audience_id" = w.audience_id AND m."customer_id" = p."customer_id"),
     numbered AS (
       SELECT "sync_job_id", "customer_id",
              CASE WHEN adds THEN row_number() OVER (PARTITION BY "sync_job_id", adds ORDER BY "customer_id") END AS add_row,
              CASE WHEN removes THEN row_number() OVER (PARTITION BY "sync_job_id", removes ORDER BY "customer_id") END AS remove_row
         FROM diff)
UPDATE "sync_payloads" p SET "add_row" = n.add_row, "remove_row" = n.remove_row
  FROM numbered n WHERE p."sync_job_id" = n."sync_job_id" AND p."customer_id" = n."customer_id";

DROP TABLE "sync_staging";
