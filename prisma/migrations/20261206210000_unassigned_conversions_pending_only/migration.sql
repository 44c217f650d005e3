-- The batcher's index holds only what it can take: a capture made while offline conversions were
-- disabled (OFFLINE_CONVERSION_DISABLED) is never batched, yet stayed in the index for good and was
-- stepped over by every batcher run. Its only reader is batchConversions.ts.
DROP INDEX "conversion_events_unassigned_idx";
CREATE INDEX "conversion_events_unassigned_idx" ON "conversion_events"("id") WHERE sync_job_id IS NULL AND status = 'PENDING';
