-- Authored with `prisma migrate diff` (ADD COLUMN ... NOT NULL, CREATE UNIQUE INDEX), then split so
-- existing keys keep working: they get the lookup id authentication derives for a key without an
-- embedded id, `sha256:` + the first 16 hex digits of its SHA-256 (key_hash).

-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "lookup_id" TEXT;
UPDATE "api_keys" SET "lookup_id" = 'sha256:' || left("key_hash", 16);
ALTER TABLE "api_keys" ALTER COLUMN "lookup_id" SET NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_lookup_id_key" ON "api_keys"("lookup_id");
