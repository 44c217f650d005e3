// Sync jobs' live updates (syncJobUpdated), as the dashboard learns them: when each job was first seen
// in each status. Benchmarks time a sync to its COMPLETED event; polling every 50 ms added up to
// 50 ms, 25 on average, to what it measured.
import { bareSubscription } from './bareSubscription.ts';
import type { BenchEnvironment } from './environment.ts';

export interface JobEvents {
  /** performance.now() when the job was first seen with this status */
  firstSeen(id: string, status: string): number | undefined;
  close(): void;
}

/** graphql-transport-ws does not acknowledge a subscribe: time for the server to register it */
const REGISTER_MS = 200;

export async function watchJobEvents(env: BenchEnvironment): Promise<JobEvents> {
  const seen = new Map<string, number>();
  const subscription = bareSubscription(env, 'subscription { syncJobUpdated { id status } }', (data, receivedAt) => {
    const key = `${data.syncJobUpdated.id}:${data.syncJobUpdated.status}`;
    if (!seen.has(key)) seen.set(key, receivedAt);
  });
  await subscription.subscribed;
  await new Promise((resolve) => setTimeout(resolve, REGISTER_MS));
  return { firstSeen: (id, status) => seen.get(`${id}:${status}`), close: subscription.close };
}
