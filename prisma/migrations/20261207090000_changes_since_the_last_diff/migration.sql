-- A full-diff sync whose previous run of the same scope completed whole reads only the customers
-- changed since that run's snapshot, instead of joining every customer with every membership
-- (pipeline/diffBase.ts says when that is safe). Two records make it possible:
-- - customers.changed_xid: the transaction that last wrote the row, so "changed since a snapshot"
--   is an index range and a visibility test;
-- - membership_writes: one row per statement that wrote an audience's memberships, naming the job
--   that wrote them (or no one), so a run can tell whether anything but its base wrote them since.

-- every existing row gets this migration's transaction: a later snapshot sees it as old
ALTER TABLE "customers" ADD COLUMN "changed_xid" XID8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX "customers_changed_xid_idx" ON "customers"("changed_xid");

-- whichever code path updates a customer, the row says which transaction did
CREATE FUNCTION paidsync_mark_customer_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.changed_xid := pg_current_xact_id();
  RETURN NEW;
END $$;
CREATE TRIGGER customers_mark_changed BEFORE UPDATE ON "customers"
  FOR EACH ROW EXECUTE FUNCTION paidsync_mark_customer_changed();

-- the snapshot stage 1 read the customers in, and the scope it read them for
ALTER TABLE "sync_jobs" ADD COLUMN "diff_snapshot" TEXT, ADD COLUMN "diff_snapshot_at" TIMESTAMPTZ(3), ADD COLUMN "diff_scope" TEXT;

CREATE TABLE "membership_writes" (
  "id" BIGSERIAL PRIMARY KEY,
  -- NULL: a statement whose writer did not say (a trigger, a cascade): it counts for every audience
  "audience_id" INTEGER,
  "sync_job_id" INTEGER,
  "xid" XID8 NOT NULL DEFAULT pg_current_xact_id(),
  "written_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
-- the base check reads the writes since a snapshot; the pruning, those older than a week
CREATE INDEX "membership_writes_xid_idx" ON "membership_writes"("xid");
CREATE INDEX "membership_writes_written_at_idx" ON "membership_writes"("written_at");

-- A statement-level trigger: one row per statement, whatever its size. The writer names itself with
-- set_config('paidsync.membership_writer', '<audience>:<job>', true) in its transaction
-- (pipeline/membershipWriter.ts); an unnamed write is recorded against every audience.
CREATE FUNCTION paidsync_record_membership_write() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  writer text := COALESCE(current_setting('paidsync.membership_writer', true), '');
BEGIN
  INSERT INTO membership_writes (audience_id, sync_job_id)
  VALUES (NULLIF(split_part(writer, ':', 1), '')::integer, NULLIF(split_part(writer, ':', 2), '')::integer);
  RETURN NULL;
END $$;
CREATE TRIGGER memberships_record_writes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "memberships"
  FOR EACH STATEMENT EXECUTE FUNCTION paidsync_record_membership_write();
