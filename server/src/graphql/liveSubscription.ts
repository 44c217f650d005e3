// Turns live events into a subscription's stream: each event is loaded once per process (all
// subscribers share the load), filtered per subscriber, and delivered in order. The stream ends
// with UNAUTHENTICATED the moment the subscriber's API key is revoked.
import { GraphQLError } from 'graphql';
import type { LiveEvent } from '../db/liveEvents.ts';
import type { GraphQLContext } from './context.ts';

type EventOf<K extends LiveEvent['kind']> = Extract<LiveEvent, { kind: K }>;

export function sharedLoader<E extends object, T>(load: (event: E, ctx: GraphQLContext) => Promise<T | null>) {
  const cache = new WeakMap<E, Promise<T | null>>();
  return (event: E, ctx: GraphQLContext) => {
    let loaded = cache.get(event);
    if (!loaded) {
      loaded = load(event, ctx).catch(() => null);
      cache.set(event, loaded);
    }
    return loaded;
  };
}

export function liveSubscription<K extends Exclude<LiveEvent['kind'], 'apiKeyRevoked'>, T>(
  ctx: GraphQLContext,
  kind: K,
  options: { relevant?: (event: EventOf<K>) => boolean; load: (event: EventOf<K>) => Promise<T | null>; accept: (item: T) => boolean },
): AsyncIterableIterator<T> {
  // listening starts with the first next(), as a subscription is read, and stops when it ends
  return new LiveStream<T>((stream) => {
    let chain = Promise.resolve();
    const offEvents = ctx.liveEvents.on(kind, (event) => {
      if (options.relevant && !options.relevant(event as EventOf<K>)) return;
      // one event at a time, in arrival order, whatever order the loads finish in
      chain = chain
        .then(() => options.load(event as EventOf<K>))
        .then((item) => {
          if (item !== null && options.accept(item)) stream.push(item);
        })
        .catch(() => undefined);
    });
    const offRevoked = ctx.liveEvents.on('apiKeyRevoked', (event) => {
      if (event.id === ctx.principal?.keyId) {
        stream.fail(new GraphQLError('API key revoked', { extensions: { code: 'UNAUTHENTICATED' } }));
      }
    });
    return () => {
      offEvents();
      offRevoked();
    };
  });
}

type Waiter<T> = { resolve: (result: IteratorResult<T, undefined>) => void; reject: (error: unknown) => void };

/**
 * A minimal push-driven async iterator. It replaces a Repeater here because a live event reaches
 * every subscriber, and a Repeater's push allocates about ten promises per subscriber per event:
 * with a thousand subscribers that was a measurable part of each fan-out. Items pushed while no one
 * is reading wait in order; failing or returning drops what has not been read and stops listening.
 */
class LiveStream<T> implements AsyncIterableIterator<T, undefined> {
  private readonly items: T[] = [];
  private readonly waiters: Waiter<T>[] = [];
  private start: ((stream: LiveStream<T>) => () => void) | null;
  private unlisten: (() => void) | null = null;
  private ended = false;
  /** the error the stream failed with, thrown by the next read (once) */
  private error: { value: unknown } | null = null;

  constructor(start: (stream: LiveStream<T>) => () => void) {
    this.start = start;
  }

  push(item: T) {
    if (this.ended) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve({ value: item, done: false });
    else this.items.push(item);
  }

  fail(error: unknown) {
    if (this.ended) return;
    this.finish();
    const waiter = this.waiters.shift();
    if (waiter) waiter.reject(error);
    else this.error = { value: error };
    this.settleWaiters();
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.start) {
      const start = this.start;
      this.start = null;
      try {
        if (!this.ended) this.unlisten = start(this);
      } catch (error) {
        this.fail(error);
      }
    }
    if (this.items.length) return Promise.resolve({ value: this.items.shift()!, done: false });
    if (this.error) {
      const error = this.error.value;
      this.error = null;
      return Promise.reject(error);
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<T, undefined>> {
    this.finish();
    this.error = null;
    this.settleWaiters();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<T, undefined>> {
    this.finish();
    this.error = null;
    this.settleWaiters();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  private finish() {
    if (this.ended) return;
    this.ended = true;
    this.start = null;
    this.items.length = 0;
    this.unlisten?.();
    this.unlisten = null;
  }

  private settleWaiters() {
    for (const waiter of this.waiters.splice(0)) waiter.resolve({ value: undefined, done: true });
  }
}
