-- A job whose items wait for the automatic resend says when it comes; a real-time request's job
-- keeps the request's source.
-- AlterTable
ALTER TABLE "sync_jobs" ADD COLUMN     "next_retry_at" TIMESTAMPTZ(3),
ADD COLUMN     "source" TEXT;
