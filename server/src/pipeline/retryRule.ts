// When may a failed job be retried (seeds/000, "Restarting a failed synchronization job")?
// - it failed in the sync layer (talking to the destination), not while preparing data;
// - for every sync type but OFFLINE_CONVERSION, it is the latest failed job of its type and scope,
//   so an old job can never be restarted over a newer one and remove customers needlessly.
// Returns why not, or null when the retry is allowed. `canRetry` and `retrySyncJob` both ask here.
import type { Prisma } from '../db/connectDatabase.ts';

export interface RetryCandidate {
  id: number;
  status: string;
  failureLayer: string | null;
  syncType: string;
  scopeKey: string;
}

// Answered at once when the job's own fields decide (most jobs are not FAILED): a job list asks for
// every row, and one promise per row made graphql-js assemble each row asynchronously.
export function retryRefusal(prisma: Prisma, job: RetryCandidate): string | null | Promise<string | null> {
  if (job.status !== 'FAILED') return `only a failed job can be retried; this one is ${job.status}`;
  if (job.failureLayer !== 'SYNC') return 'the job failed while preparing its data, not while talking to the destination';
  if (job.syncType === 'OFFLINE_CONVERSION') return null;
  return newerFailedJobRefusal(prisma, job);
}

async function newerFailedJobRefusal(prisma: Prisma, job: RetryCandidate): Promise<string | null> {
  const newer = await prisma.syncJob.findFirst({
    where: { syncType: job.syncType as never, scopeKey: job.scopeKey, status: 'FAILED', id: { gt: job.id } },
    select: { id: true },
  });
  return newer ? 'a newer job of the same type and scope failed after it; only the latest failed job can be retried' : null;
}
