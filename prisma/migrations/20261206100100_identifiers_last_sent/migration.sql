-- Each membership points at the payload row of the identifiers the network last accepted; a payload
-- row carries what its job removes. Existing memberships point nowhere: their removals use the
-- customer's current identifiers, as before, until their next accepted add.
-- AlterTable
ALTER TABLE "memberships" ADD COLUMN     "sent_job_id" INTEGER;

-- AlterTable
ALTER TABLE "sync_payloads" ADD COLUMN     "stale_identifiers" TEXT;
