// One subscription over a bare `ws` socket speaking graphql-transport-ws, as a browser's client does.
// Benchmarks' subscribers stand for browsers on other machines, so they should cost the cores being
// measured as little as the floor's bare clients do; graphql-ws's own client costs several times more
// a message.
import WebSocket from 'ws';
import type { BenchEnvironment } from './environment.ts';

export interface BareSubscription {
  /** resolves once the server acknowledged the connection and the subscribe went out */
  subscribed: Promise<void>;
  close(): void;
}

/** `onNext` gets each result's data and performance.now() at its receipt. */
export function bareSubscription(env: BenchEnvironment, query: string, onNext: (data: any, receivedAt: number) => void): BareSubscription {
  const socket = new WebSocket(env.url.replace('http', 'ws') + '/graphql', 'graphql-transport-ws');
  const subscribed = new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${env.adminKey}` } })));
    socket.on('message', (raw) => {
      const receivedAt = performance.now();
      const message = JSON.parse(raw.toString());
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
        resolve();
      } else if (message.type === 'next') {
        if (message.payload?.data) onNext(message.payload.data, receivedAt);
      } else if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
    });
  });
  return { subscribed, close: () => socket.close() };
}
