// Stage 3: nothing is left to write for a membership job. Stage 1 numbers the adds and removes in the
// payload rows as it hashes them (membershipDiff.ts), which the queue items of the next stage cover;
// the stage stays so jobs keep their six steps, and a conversion job's deliveries are its staging.
import type { PipelineContext, Stage, SyncJobRow } from '../pipelineContext.ts';

export async function writeStaging(_ctx: PipelineContext, _job: SyncJobRow): Promise<Stage> {
  return 'CREATE_QUEUE_ITEMS';
}
