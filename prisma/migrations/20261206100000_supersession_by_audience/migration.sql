-- A membership item is superseded by a newer full-diff job of the same audience (supersededItem.ts).
-- CreateIndex
CREATE INDEX "sync_jobs_audience_id_id_idx" ON "sync_jobs"("audience_id", "id" DESC);
