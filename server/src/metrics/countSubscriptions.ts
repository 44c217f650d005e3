// An envelop plugin that keeps the open-subscriptions gauge: one up when a subscription's stream
// starts, one down when it ends (the client completed it, disconnected, or the stream failed).
import type { Plugin } from 'graphql-yoga';
import type { Gauge } from 'prom-client';

export function useSubscriptionCount(gauge: Gauge): Plugin {
  return {
    onSubscribe() {
      return {
        onSubscribeResult({ result }) {
          if (!result || typeof result !== 'object' || !(Symbol.asyncIterator in result)) return;
          gauge.inc();
          let ended = false;
          return {
            onEnd() {
              if (ended) return;
              ended = true;
              gauge.dec();
            },
          };
        },
      };
    },
  };
}
