// urql over HTTP (queries, mutations) and graphql-ws (subscriptions), both on the dashboard's own origin.
import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';

export interface PaidsyncClient {
  client: Client;
  ws: WsClient;
  dispose(): void;
}

export function createPaidsyncClient(options: {
  apiKey: string;
  onUnauthenticated: () => void;
  onLive: (state: 'connecting' | 'live' | 'reconnecting', reconnected: boolean) => void;
}): PaidsyncClient {
  const authorization = `Bearer ${options.apiKey}`;
  const wsUrl = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/graphql`;
  let everConnected = false;
  let disposed = false;

  const ws = createWsClient({
    url: wsUrl,
    connectionParams: { authorization },
    // connect at once, so the header's live indicator tells the truth even on views without subscriptions
    lazy: false,
    keepAlive: 15_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    // a laptop that slept, a restarted server, a proxy that dropped the socket: always come back
    shouldRetry: () => !disposed,
    retryWait: async (retries) => {
      const delay = Math.min(10_000, 500 * 2 ** retries) * (0.75 + Math.random() * 0.5);
      await new Promise((resolve) => setTimeout(resolve, delay));
    },
    on: {
      connected: () => {
        options.onLive('live', everConnected);
        everConnected = true;
      },
      closed: (event) => {
        if (disposed) return;
        // 4403: the server refused the key on connect
        if ((event as CloseEvent | undefined)?.code === 4403) {
          options.onUnauthenticated();
          return;
        }
        options.onLive(everConnected ? 'reconnecting' : 'connecting', false);
      },
    },
  });

  const client = new Client({
    url: '/graphql',
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetchOptions: () => ({ headers: { authorization } }),
    exchanges: [
      mapExchange({
        onError(error) {
          if (error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) options.onUnauthenticated();
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });

  return {
    client,
    ws,
    dispose() {
      disposed = true;
      void ws.dispose();
    },
  };
}
