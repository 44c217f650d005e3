-- Exact syncJobs.totalCount without count(*) over up to millions of rows: triggers keep the number
-- of jobs per (sync_type, status, destination_id, segment_id) in sync_job_counts, and a count for any
-- filter is the SUM of the few matching rows. The CreateTable / CreateIndex part is authored with
-- `prisma migrate diff`; the functions and triggers by hand (Prisma does not model them).
--
-- No hot row: a key may have several rows. A writer adds to a row of its key that no other open
-- transaction holds (FOR UPDATE SKIP LOCKED) or inserts a new one, so concurrent job creation and
-- status changes never wait for each other's commit (a pipeline stage holds its transaction for the
-- whole stage) and never deadlock over counters. A key has at most as many rows as writers that ever
-- held it at once.

-- CreateTable
CREATE TABLE "sync_job_counts" (
    "id" BIGSERIAL NOT NULL,
    "sync_type" "SyncType" NOT NULL,
    "status" "SyncJobStatus" NOT NULL,
    "destination_id" INTEGER NOT NULL,
    "segment_id" INTEGER,
    "n" BIGINT NOT NULL,

    CONSTRAINT "sync_job_counts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sync_job_counts_sync_type_status_destination_id_segment_id_idx" ON "sync_job_counts"("sync_type", "status", "destination_id", "segment_id");

CREATE FUNCTION paidsync_add_sync_job_count(p_sync_type "SyncType", p_status "SyncJobStatus", p_destination_id integer,
                                            p_segment_id integer, p_delta bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  slot bigint;
BEGIN
  -- under REPEATABLE READ or SERIALIZABLE, locking a row another transaction changed since the
  -- snapshot fails the transaction: such a writer always takes a row of its own
  IF current_setting('transaction_isolation') = 'read committed' THEN
    IF p_segment_id IS NULL THEN
      SELECT id INTO slot FROM sync_job_counts
       WHERE sync_type = p_sync_type AND status = p_status AND destination_id = p_destination_id AND segment_id IS NULL
       LIMIT 1 FOR UPDATE SKIP LOCKED;
    ELSE
      SELECT id INTO slot FROM sync_job_counts
       WHERE sync_type = p_sync_type AND status = p_status AND destination_id = p_destination_id AND segment_id = p_segment_id
       LIMIT 1 FOR UPDATE SKIP LOCKED;
    END IF;
  END IF;
  IF slot IS NOT NULL THEN
    UPDATE sync_job_counts SET n = n + p_delta WHERE id = slot;
  ELSE
    INSERT INTO sync_job_counts (sync_type, status, destination_id, segment_id, n)
    VALUES (p_sync_type, p_status, p_destination_id, p_segment_id, p_delta);
  END IF;
END $$;

-- inserts and deletes count per statement (one bulk INSERT or a destination's cascade is one call per
-- key, not per row); transition tables allow only one event per trigger, hence two functions
CREATE FUNCTION paidsync_count_inserted_sync_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  k record;
BEGIN
  FOR k IN SELECT sync_type, status, destination_id, segment_id, count(*) AS n
             FROM inserted_jobs GROUP BY sync_type, status, destination_id, segment_id LOOP
    PERFORM paidsync_add_sync_job_count(k.sync_type, k.status, k.destination_id, k.segment_id, k.n);
  END LOOP;
  RETURN NULL;
END $$;

CREATE FUNCTION paidsync_count_deleted_sync_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  k record;
BEGIN
  FOR k IN SELECT sync_type, status, destination_id, segment_id, count(*) AS n
             FROM deleted_jobs GROUP BY sync_type, status, destination_id, segment_id LOOP
    PERFORM paidsync_add_sync_job_count(k.sync_type, k.status, k.destination_id, k.segment_id, -k.n);
  END LOOP;
  RETURN NULL;
END $$;

-- updates per row, and only when a counted column changes (the trigger's WHEN): the frequent
-- records_* / stage updates of a running job cost nothing here
CREATE FUNCTION paidsync_count_updated_sync_job() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM paidsync_add_sync_job_count(OLD.sync_type, OLD.status, OLD.destination_id, OLD.segment_id, -1);
  PERFORM paidsync_add_sync_job_count(NEW.sync_type, NEW.status, NEW.destination_id, NEW.segment_id, 1);
  RETURN NULL;
END $$;

CREATE FUNCTION paidsync_count_truncated_sync_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM sync_job_counts;
  RETURN NULL;
END $$;

-- no job may change between the backfill below and the triggers taking over
LOCK TABLE "sync_jobs" IN SHARE ROW EXCLUSIVE MODE;

CREATE TRIGGER sync_jobs_count_insert AFTER INSERT ON "sync_jobs"
  REFERENCING NEW TABLE AS inserted_jobs FOR EACH STATEMENT EXECUTE FUNCTION paidsync_count_inserted_sync_jobs();
CREATE TRIGGER sync_jobs_count_delete AFTER DELETE ON "sync_jobs"
  REFERENCING OLD TABLE AS deleted_jobs FOR EACH STATEMENT EXECUTE FUNCTION paidsync_count_deleted_sync_jobs();
CREATE TRIGGER sync_jobs_count_update AFTER UPDATE ON "sync_jobs"
  FOR EACH ROW WHEN ((OLD.sync_type, OLD.status, OLD.destination_id, OLD.segment_id)
    IS DISTINCT FROM (NEW.sync_type, NEW.status, NEW.destination_id, NEW.segment_id))
  EXECUTE FUNCTION paidsync_count_updated_sync_job();
CREATE TRIGGER sync_jobs_count_truncate AFTER TRUNCATE ON "sync_jobs"
  FOR EACH STATEMENT EXECUTE FUNCTION paidsync_count_truncated_sync_jobs();

INSERT INTO "sync_job_counts" (sync_type, status, destination_id, segment_id, n)
SELECT sync_type, status, destination_id, segment_id, count(*) FROM "sync_jobs"
 GROUP BY sync_type, status, destination_id, segment_id;
