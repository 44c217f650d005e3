-- When each stage of a job ran, for the stage track of Sync Tracking.
-- CreateTable
CREATE TABLE "sync_job_stage_runs" (
    "sync_job_id" INTEGER NOT NULL,
    "stage" "SyncStage" NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sync_job_stage_runs_pkey" PRIMARY KEY ("sync_job_id","stage")
);

-- AddForeignKey
ALTER TABLE "sync_job_stage_runs" ADD CONSTRAINT "sync_job_stage_runs_sync_job_id_fkey" FOREIGN KEY ("sync_job_id") REFERENCES "sync_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

