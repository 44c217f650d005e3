-- Staging rows stop copying the identifiers: each points at its payload row (job, customer), which
-- now stays until the job completes. Identifiers are only passed through to the adapter, so they
-- are kept as text (no jsonb parsing on the way in, or printing on the way out). The payload row
-- also keeps the customer's external id, so loading a batch joins no customers.

-- Jobs delivering while this runs had their payload rows deleted by stage 3: put them back from
-- their staging rows first, so the rows still to be sent keep their identifiers.
INSERT INTO "sync_payloads" ("sync_job_id", "customer_id", "identifiers", "identifier_hash", "keep", "pii_version")
SELECT "sync_job_id", "customer_id", "identifiers", "identifier_hash", "operation" = 'ADD', "pii_version" FROM "sync_staging"
ON CONFLICT DO NOTHING;

ALTER TABLE "sync_payloads" ADD COLUMN "external_id" TEXT;
UPDATE "sync_payloads" p SET "external_id" = c."external_id" FROM "customers" c WHERE c."id" = p."customer_id";
DELETE FROM "sync_payloads" WHERE "external_id" IS NULL;
ALTER TABLE "sync_payloads" ALTER COLUMN "external_id" SET NOT NULL;

-- AlterTable
ALTER TABLE "sync_payloads" ALTER COLUMN "identifiers" SET DATA TYPE TEXT;

-- AlterTable
ALTER TABLE "sync_staging" DROP COLUMN "identifier_hash",
DROP COLUMN "identifiers",
DROP COLUMN "pii_version";
