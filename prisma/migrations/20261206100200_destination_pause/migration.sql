-- A throttle holds the whole destination: every worker's next request waits until paused_until.
-- AlterTable
ALTER TABLE "destination_rate_limits" ADD COLUMN     "paused_until" TIMESTAMPTZ(3);
