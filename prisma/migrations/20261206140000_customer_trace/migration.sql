-- customerTrace: the queue item that carries one customer of an in-flight job (staging rows are
-- deleted when their job completes, so the index only ever holds in-flight jobs' rows).
-- CreateIndex
CREATE INDEX "sync_staging_sync_job_id_customer_id_idx" ON "sync_staging"("sync_job_id", "customer_id");
