-- AlterTable
ALTER TABLE "queue_items" ADD COLUMN "awaiting_response" BOOLEAN NOT NULL DEFAULT false;
