-- Authored with `prisma migrate diff`, plus the trigger below. Existing memberships get no version,
-- so their next run hashes them once and records one.

-- AlterTable
ALTER TABLE "customers" ADD COLUMN     "pii_version" BIGSERIAL NOT NULL;

-- AlterTable
ALTER TABLE "memberships" ADD COLUMN     "pii_version" BIGINT;

-- AlterTable
ALTER TABLE "sync_payloads" ADD COLUMN     "pii_version" BIGINT;

-- AlterTable
ALTER TABLE "sync_staging" ADD COLUMN     "pii_version" BIGINT;

-- A destination's `fields` setting decides which identifiers are hashed: when it changes, the versions
-- its memberships were hashed under say nothing any more, whichever code path changed it.
CREATE FUNCTION paidsync_forget_member_pii_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE memberships m SET pii_version = NULL
    FROM audiences a
   WHERE a.destination_id = NEW.id AND m.audience_id = a.id AND m.pii_version IS NOT NULL;
  RETURN NULL;
END $$;

CREATE TRIGGER destinations_settings_forget_member_pii_versions
  AFTER UPDATE OF settings ON destinations
  FOR EACH ROW WHEN (OLD.settings -> 'fields' IS DISTINCT FROM NEW.settings -> 'fields')
  EXECUTE FUNCTION paidsync_forget_member_pii_versions();
