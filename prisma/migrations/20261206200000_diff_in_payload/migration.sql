-- Stage 1 decides each payload row's part in the diff as it hashes it, and numbers the adds and the
-- removes in customer order: sync_staging (a second million rows per million-member sync, written by
-- stage 3) is gone. A membership queue item names the customer range its rows lie in, so a delivery
-- reads its rows by the payload's primary key.

ALTER TABLE "sync_payloads" ADD COLUMN "add_row" INTEGER, ADD COLUMN "remove_row" INTEGER;
ALTER TABLE "queue_items" ADD COLUMN "first_customer_id" INTEGER, ADD COLUMN "last_customer_id" INTEGER;

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

DROP TABLE "sync_staging";
