-- A conversion captured while offline conversion is disabled is kept with this status and never
-- sent by itself later. Earlier captures still waiting for a job keep PENDING: they were taken
-- while the setting allowed it, or cannot be told apart now.
-- AlterEnum
ALTER TYPE "DeliveryStatus" ADD VALUE 'OFFLINE_CONVERSION_DISABLED';
