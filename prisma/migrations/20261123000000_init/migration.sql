-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "DestinationType" AS ENUM ('FACEBOOK_ADS', 'GOOGLE_ADS', 'LINKEDIN_ADS', 'DMP', 'WEB');

-- CreateEnum
CREATE TYPE "SyncJobStatus" AS ENUM ('PENDING', 'AWAITING_RESPONSE', 'RUNNING', 'COMPLETED', 'WITHDRAWN', 'FAILED');

-- CreateEnum
CREATE TYPE "SyncType" AS ENUM ('NEXT_BEST_ACTION', 'SEGMENT', 'PII_UPDATE', 'OFFLINE_CONVERSION', 'CONVERSION_AUDIENCE');

-- CreateEnum
CREATE TYPE "SyncStage" AS ENUM ('IDENTIFY_PAYLOAD', 'IDENTIFY_AUDIENCES', 'WRITE_STAGING', 'CREATE_QUEUE_ITEMS', 'UPDATE_AUDIENCES', 'SYNC_MEMBERS');

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('PENDING', 'SENDING', 'SUCCEEDED', 'REJECTED', 'WAITING_FOR_RETRY', 'RESENDING', 'FAILED', 'WITHDRAWN');

-- CreateEnum
CREATE TYPE "QueueOperation" AS ENUM ('ADD', 'REMOVE', 'CONVERSION');

-- CreateEnum
CREATE TYPE "FailureLayer" AS ENUM ('PREPARATION', 'SYNC');

-- CreateEnum
CREATE TYPE "ApiKeyRole" AS ENUM ('VIEWER', 'OPERATOR', 'ADMIN');

-- CreateTable
CREATE TABLE "customers" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "first_name" TEXT,
    "last_name" TEXT,
    "city" TEXT,
    "state" TEXT,
    "zip" TEXT,
    "country" TEXT,
    "date_of_birth" TEXT,
    "gender" TEXT,
    "ad_consent" BOOLEAN NOT NULL DEFAULT true,
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "pii_updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "customers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "segments" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "paid_sync_enabled" BOOLEAN NOT NULL,
    "criteria" JSONB,
    "schedule" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "segments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "segment_members" (
    "segment_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,

    CONSTRAINT "segment_members_pkey" PRIMARY KEY ("segment_id","customer_id")
);

-- CreateTable
CREATE TABLE "segment_destinations" (
    "segment_id" INTEGER NOT NULL,
    "destination_id" INTEGER NOT NULL,

    CONSTRAINT "segment_destinations_pkey" PRIMARY KEY ("segment_id","destination_id")
);

-- CreateTable
CREATE TABLE "destinations" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "type" "DestinationType" NOT NULL,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "credentials_encrypted" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "destinations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audiences" (
    "id" SERIAL NOT NULL,
    "destination_id" INTEGER NOT NULL,
    "scope_key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "external_id" TEXT,
    "member_count" INTEGER NOT NULL DEFAULT 0,
    "match_rate" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audiences_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "memberships" (
    "audience_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "identifier_hash" TEXT NOT NULL,
    "confirmed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "memberships_pkey" PRIMARY KEY ("audience_id","customer_id")
);

-- CreateTable
CREATE TABLE "sync_jobs" (
    "id" SERIAL NOT NULL,
    "status" "SyncJobStatus" NOT NULL DEFAULT 'PENDING',
    "stage" "SyncStage",
    "destination_id" INTEGER NOT NULL,
    "destination_type" "DestinationType" NOT NULL,
    "sync_type" "SyncType" NOT NULL,
    "triggered_by" TEXT,
    "issue" TEXT,
    "group_name" TEXT,
    "segment_id" INTEGER,
    "audience_id" INTEGER,
    "scope_key" TEXT NOT NULL,
    "customer_external_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "full_diff" BOOLEAN NOT NULL DEFAULT true,
    "started_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),
    "failure_layer" "FailureLayer",
    "error" TEXT,
    "dry_run" BOOLEAN NOT NULL DEFAULT false,
    "dry_run_sample" JSONB,
    "parent_id" INTEGER,
    "records_total" INTEGER NOT NULL DEFAULT 0,
    "records_added" INTEGER NOT NULL DEFAULT 0,
    "records_removed" INTEGER NOT NULL DEFAULT 0,
    "records_rejected" INTEGER NOT NULL DEFAULT 0,
    "records_failed" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sync_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "queue_items" (
    "id" SERIAL NOT NULL,
    "sync_job_id" INTEGER NOT NULL,
    "operation" "QueueOperation" NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "seq" INTEGER NOT NULL DEFAULT 0,
    "row_from" INTEGER NOT NULL DEFAULT 1,
    "record_count" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_attempt_at" TIMESTAMPTZ(3),
    "next_attempt_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "queue_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sync_payloads" (
    "sync_job_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "identifiers" JSONB NOT NULL,
    "identifier_hash" TEXT NOT NULL,
    "keep" BOOLEAN NOT NULL,

    CONSTRAINT "sync_payloads_pkey" PRIMARY KEY ("sync_job_id","customer_id")
);

-- CreateTable
CREATE TABLE "sync_staging" (
    "sync_job_id" INTEGER NOT NULL,
    "operation" "QueueOperation" NOT NULL,
    "row_number" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "identifiers" JSONB NOT NULL,
    "identifier_hash" TEXT NOT NULL,

    CONSTRAINT "sync_staging_pkey" PRIMARY KEY ("sync_job_id","operation","row_number")
);

-- CreateTable
CREATE TABLE "rejected_records" (
    "id" SERIAL NOT NULL,
    "sync_job_id" INTEGER NOT NULL,
    "queue_item_id" INTEGER,
    "primary_key" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rejected_records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "conversion_events" (
    "id" SERIAL NOT NULL,
    "event_id" TEXT NOT NULL,
    "conversion_name" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "customer_id" INTEGER,
    "customer_external_id" TEXT,
    "click_id" TEXT,
    "value" DOUBLE PRECISION,
    "currency" TEXT,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_attempt_at" TIMESTAMPTZ(3),
    "next_attempt_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "sync_job_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "conversion_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_calls" (
    "id" SERIAL NOT NULL,
    "destination_id" INTEGER NOT NULL,
    "sync_job_id" INTEGER,
    "queue_item_id" INTEGER,
    "method" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "status_code" INTEGER,
    "duration_ms" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "request_body" TEXT,
    "response_body" TEXT,

    CONSTRAINT "api_calls_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "role" "ApiKeyRole" NOT NULL,
    "key_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "paid_configuration" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "offline_conversions_enabled" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "paid_configuration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "conversion_destinations" (
    "destination_id" INTEGER NOT NULL,

    CONSTRAINT "conversion_destinations_pkey" PRIMARY KEY ("destination_id")
);

-- CreateTable
CREATE TABLE "destination_rate_limits" (
    "destination_id" INTEGER NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "refilled_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "destination_rate_limits_pkey" PRIMARY KEY ("destination_id")
);

-- CreateTable
CREATE TABLE "conversion_deliveries" (
    "sync_job_id" INTEGER NOT NULL,
    "conversion_event_id" INTEGER NOT NULL,
    "destination_id" INTEGER NOT NULL,
    "identifiers" JSONB NOT NULL,
    "row_number" INTEGER NOT NULL,
    "queue_item_id" INTEGER,
    "accepted" BOOLEAN,
    "reason" TEXT,

    CONSTRAINT "conversion_deliveries_pkey" PRIMARY KEY ("sync_job_id","conversion_event_id")
);

-- CreateTable
CREATE TABLE "outbound_schedules" (
    "id" SERIAL NOT NULL,
    "issue" TEXT NOT NULL,
    "group_name" TEXT NOT NULL,
    "segment_id" INTEGER,
    "customer_external_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "destination_ids" INTEGER[],
    "cron" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbound_schedules_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "customers_external_id_key" ON "customers"("external_id");

-- CreateIndex
CREATE INDEX "customers_pii_updated_at_idx" ON "customers"("pii_updated_at");

-- CreateIndex
CREATE UNIQUE INDEX "segments_name_key" ON "segments"("name");

-- CreateIndex
CREATE INDEX "segment_members_customer_id_idx" ON "segment_members"("customer_id");

-- CreateIndex
CREATE INDEX "segment_destinations_destination_id_idx" ON "segment_destinations"("destination_id");

-- CreateIndex
CREATE UNIQUE INDEX "destinations_name_key" ON "destinations"("name");

-- CreateIndex
CREATE UNIQUE INDEX "audiences_destination_id_scope_key_key" ON "audiences"("destination_id", "scope_key");

-- CreateIndex
CREATE INDEX "memberships_customer_id_idx" ON "memberships"("customer_id");

-- CreateIndex
CREATE INDEX "sync_jobs_sync_type_id_idx" ON "sync_jobs"("sync_type", "id" DESC);

-- CreateIndex
CREATE INDEX "sync_jobs_status_id_idx" ON "sync_jobs"("status", "id" DESC);

-- CreateIndex
CREATE INDEX "sync_jobs_destination_id_id_idx" ON "sync_jobs"("destination_id", "id" DESC);

-- CreateIndex
CREATE INDEX "sync_jobs_segment_id_id_idx" ON "sync_jobs"("segment_id", "id" DESC);

-- CreateIndex
CREATE INDEX "sync_jobs_scope_key_sync_type_id_idx" ON "sync_jobs"("scope_key", "sync_type", "id" DESC);

-- CreateIndex
CREATE INDEX "sync_jobs_parent_id_idx" ON "sync_jobs"("parent_id");

-- CreateIndex
CREATE INDEX "queue_items_sync_job_id_status_idx" ON "queue_items"("sync_job_id", "status");

-- CreateIndex
CREATE INDEX "queue_items_status_next_attempt_at_idx" ON "queue_items"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "queue_items_status_lease_until_idx" ON "queue_items"("status", "lease_until");

-- CreateIndex
CREATE INDEX "rejected_records_sync_job_id_id_idx" ON "rejected_records"("sync_job_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "conversion_events_event_id_key" ON "conversion_events"("event_id");

-- CreateIndex
CREATE INDEX "conversion_events_status_id_idx" ON "conversion_events"("status", "id" DESC);

-- CreateIndex
CREATE INDEX "conversion_events_occurred_at_idx" ON "conversion_events"("occurred_at");

-- CreateIndex
CREATE INDEX "conversion_events_sync_job_id_idx" ON "conversion_events"("sync_job_id");

-- CreateIndex
CREATE INDEX "api_calls_destination_id_id_idx" ON "api_calls"("destination_id", "id" DESC);

-- CreateIndex
CREATE INDEX "api_calls_sync_job_id_id_idx" ON "api_calls"("sync_job_id", "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");

-- CreateIndex
CREATE INDEX "conversion_deliveries_conversion_event_id_idx" ON "conversion_deliveries"("conversion_event_id");

-- CreateIndex
CREATE INDEX "conversion_deliveries_queue_item_id_idx" ON "conversion_deliveries"("queue_item_id");

-- CreateIndex
CREATE INDEX "conversion_deliveries_destination_id_conversion_event_id_idx" ON "conversion_deliveries"("destination_id", "conversion_event_id");

-- CreateIndex
CREATE UNIQUE INDEX "outbound_schedules_issue_group_name_key" ON "outbound_schedules"("issue", "group_name");

-- AddForeignKey
ALTER TABLE "segment_members" ADD CONSTRAINT "segment_members_segment_id_fkey" FOREIGN KEY ("segment_id") REFERENCES "segments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "segment_members" ADD CONSTRAINT "segment_members_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "segment_destinations" ADD CONSTRAINT "segment_destinations_segment_id_fkey" FOREIGN KEY ("segment_id") REFERENCES "segments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "segment_destinations" ADD CONSTRAINT "segment_destinations_destination_id_fkey" FOREIGN KEY ("destination_id") REFERENCES "destinations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audiences" ADD CONSTRAINT "audiences_destination_id_fkey" FOREIGN KEY ("destination_id") REFERENCES "destinations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_audience_id_fkey" FOREIGN KEY ("audience_id") REFERENCES "audiences"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sync_jobs" ADD CONSTRAINT "sync_jobs_destination_id_fkey" FOREIGN KEY ("destination_id") REFERENCES "destinations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sync_jobs" ADD CONSTRAINT "sync_jobs_segment_id_fkey" FOREIGN KEY ("segment_id") REFERENCES "segments"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sync_jobs" ADD CONSTRAINT "sync_jobs_audience_id_fkey" FOREIGN KEY ("audience_id") REFERENCES "audiences"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sync_jobs" ADD CONSTRAINT "sync_jobs_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "sync_jobs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "queue_items" ADD CONSTRAINT "queue_items_sync_job_id_fkey" FOREIGN KEY ("sync_job_id") REFERENCES "sync_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rejected_records" ADD CONSTRAINT "rejected_records_sync_job_id_fkey" FOREIGN KEY ("sync_job_id") REFERENCES "sync_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rejected_records" ADD CONSTRAINT "rejected_records_queue_item_id_fkey" FOREIGN KEY ("queue_item_id") REFERENCES "queue_items"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "conversion_events" ADD CONSTRAINT "conversion_events_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "conversion_events" ADD CONSTRAINT "conversion_events_sync_job_id_fkey" FOREIGN KEY ("sync_job_id") REFERENCES "sync_jobs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_calls" ADD CONSTRAINT "api_calls_destination_id_fkey" FOREIGN KEY ("destination_id") REFERENCES "destinations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_calls" ADD CONSTRAINT "api_calls_sync_job_id_fkey" FOREIGN KEY ("sync_job_id") REFERENCES "sync_jobs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "conversion_destinations" ADD CONSTRAINT "conversion_destinations_destination_id_fkey" FOREIGN KEY ("destination_id") REFERENCES "destinations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "destination_rate_limits" ADD CONSTRAINT "destination_rate_limits_destination_id_fkey" FOREIGN KEY ("destination_id") REFERENCES "destinations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "conversion_deliveries" ADD CONSTRAINT "conversion_deliveries_sync_job_id_fkey" FOREIGN KEY ("sync_job_id") REFERENCES "sync_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "conversion_deliveries" ADD CONSTRAINT "conversion_deliveries_conversion_event_id_fkey" FOREIGN KEY ("conversion_event_id") REFERENCES "conversion_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "conversion_deliveries" ADD CONSTRAINT "conversion_deliveries_queue_item_id_fkey" FOREIGN KEY ("queue_item_id") REFERENCES "queue_items"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- Live events: every committed change of a sync job or queue item is announced on one channel,
-- whichever process made it, so every API process can feed its subscribers (server/src/db/liveEvents.ts).
CREATE FUNCTION paidsync_notify_sync_job() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('paidsync_events', json_build_object('kind', 'syncJob', 'id', NEW.id)::text);
  RETURN NULL;
END $$;

CREATE FUNCTION paidsync_notify_queue_item() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('paidsync_events',
    json_build_object('kind', 'queueItem', 'id', NEW.id, 'syncJobId', NEW.sync_job_id)::text);
  RETURN NULL;
END $$;

CREATE TRIGGER sync_jobs_notify AFTER INSERT OR UPDATE ON "sync_jobs"
  FOR EACH ROW EXECUTE FUNCTION paidsync_notify_sync_job();

-- lease heartbeats alone are not news
CREATE TRIGGER queue_items_notify_insert AFTER INSERT ON "queue_items"
  FOR EACH ROW EXECUTE FUNCTION paidsync_notify_queue_item();
CREATE TRIGGER queue_items_notify_update AFTER UPDATE ON "queue_items"
  FOR EACH ROW WHEN ((OLD.status, OLD.attempts, OLD.next_attempt_at, OLD.last_error, OLD.record_count)
    IS DISTINCT FROM (NEW.status, NEW.attempts, NEW.next_attempt_at, NEW.last_error, NEW.record_count))
  EXECUTE FUNCTION paidsync_notify_queue_item();

-- the retry schedule scans only the items that can be due
CREATE INDEX "queue_items_due_for_retry_idx" ON "queue_items"("next_attempt_at") WHERE status = 'WAITING_FOR_RETRY';

INSERT INTO "paid_configuration" ("id", "offline_conversions_enabled") VALUES (1, false);

-- captured conversions not yet handed to a job: what the conversion batcher picks up
CREATE INDEX "conversion_events_unassigned_idx" ON "conversion_events"("id") WHERE sync_job_id IS NULL;
