-- Rejected records are sent again by the next run of their scope until one gets them accepted.
-- AlterTable
ALTER TABLE "rejected_records" ADD COLUMN     "resolved_at" TIMESTAMPTZ(3);

-- the open ones, looked up by primary key when a later delivery is accepted (not modelled by Prisma)
CREATE INDEX "rejected_records_open_primary_key_idx" ON "rejected_records"("primary_key") WHERE "resolved_at" IS NULL;
