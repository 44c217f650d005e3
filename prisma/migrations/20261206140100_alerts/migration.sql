-- Alert rules and lifecycle webhooks (server/src/alerts): notifications travel as NOTIFICATION queue items of
-- NOTIFICATION jobs to a WEB destination, so the delivery engine retries them like any item.
-- CreateEnum
CREATE TYPE "AlertRuleKind" AS ENUM ('JOB_FAILED', 'REJECTION_RATE', 'DESTINATION_PAUSED', 'WAITING_FOR_RETRY', 'SYNC_NOT_COMPLETED', 'LIFECYCLE');

-- AlterEnum
ALTER TYPE "SyncType" ADD VALUE 'NOTIFICATION';

-- AlterEnum
ALTER TYPE "QueueOperation" ADD VALUE 'NOTIFICATION';

-- CreateTable
CREATE TABLE "alert_rules" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "AlertRuleKind" NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "window_minutes" INTEGER NOT NULL DEFAULT 60,
    "destination_id" INTEGER,
    "webhook_destination_id" INTEGER NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "last_fired_window" BIGINT,
    "last_fired_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notifications" (
    "queue_item_id" INTEGER NOT NULL,
    "rule_id" INTEGER,
    "body" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("queue_item_id")
);

-- CreateTable
CREATE TABLE "job_lifecycle_events" (
    "id" BIGSERIAL NOT NULL,
    "sync_job_id" INTEGER NOT NULL,
    "event" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_lifecycle_events_pkey" PRIMARY KEY ("id")
);


-- The lifecycle outbox: one row per job start / completion / failure, written in the transaction that
-- changed the status, whichever code path did it; notification jobs themselves are left out (an
-- alert about an alert would never end). A handful of rows per job, nothing per record.
CREATE FUNCTION paidsync_job_lifecycle() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.sync_type::text = 'NOTIFICATION' THEN RETURN NULL; END IF;
  IF NEW.status = 'RUNNING' AND OLD.status = 'PENDING' THEN
    INSERT INTO job_lifecycle_events (sync_job_id, event) VALUES (NEW.id, 'started');
  ELSIF NEW.status = 'COMPLETED' THEN
    INSERT INTO job_lifecycle_events (sync_job_id, event) VALUES (NEW.id, 'completed');
  ELSIF NEW.status = 'FAILED' THEN
    INSERT INTO job_lifecycle_events (sync_job_id, event) VALUES (NEW.id, 'failed');
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER sync_jobs_lifecycle AFTER UPDATE OF status ON sync_jobs
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION paidsync_job_lifecycle();
