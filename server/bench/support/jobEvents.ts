// Sync jobs' live updates (syncJobUpdated over a bare graphql-transport-ws socket), as the dashboard
// learns them: when each job was first seen in each status. Benchmarks time a sync to its COMPLETED
// event; polling every 50 ms added up to 50 ms, 25 on average, to what it measured.
import WebSocket from 'ws';
import type { BenchEnvironment } from './environment.ts';

export interface JobEvents {
  /** performance.now() when the job was first seen with this status */
  firstSeen(id: string, status: string): number | undefined;
  close(): void;
}

const SUBSCRIPTION = 'subscription { syncJobUpdated { id status } }';
/** graphql-transport-ws does not acknowledge a subscribe: time for the server to register it */
const REGISTER_MS = 200;

export async function watchJobEvents(env: BenchEnvironment): Promise<JobEvents> {
  const seen = new Map<string, number>();
  const socket = new WebSocket(env.url.replace('http', 'ws') + '/graphql', 'graphql-transport-ws');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${env.adminKey}` } })));
    socket.on('message', (raw) => {
      const at = performance.now();
      const message = JSON.parse(raw.toString());
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION } }));
        setTimeout(resolve, REGISTER_MS);
      } else if (message.type === 'next') {
        const job = message.payload?.data?.syncJobUpdated;
        if (job) {
          const key = `${job.id}:${job.status}`;
          if (!seen.has(key)) seen.set(key, at);
        }
      } else if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
    });
  });
  return {
    firstSeen: (id, status) => seen.get(`${id}:${status}`),
    close: () => socket.close(),
  };
}
