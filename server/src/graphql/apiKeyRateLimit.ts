// A rate limit per API key on mutations: token buckets, one pair per key in each API process.
//
// Two budgets, because the mutations differ by orders of magnitude in what a normal client sends:
// - capturePaidResponse is the ingestion path (a partner streams conversions; the benchmark sends
//   2,000 a second with one key) and each call is one small row: PAIDSYNC_CAPTURES_PER_MINUTE_PER_KEY,
//   600,000 by default (10,000/s sustained), there to stop a runaway client, not a busy one;
// - every other mutation starts work (a sync, a 10,000-customer upsert, a segment rebuild) or changes
//   configuration: PAIDSYNC_MUTATIONS_PER_MINUTE_PER_KEY, 1,200 by default (20/s sustained).
// Each bucket holds a minute's budget (the burst) and refills continuously. A request whose mutations
// do not all fit is refused whole (nothing runs): RATE_LIMITED, HTTP 429 with Retry-After.
// The buckets live in memory: with N API processes a key may get up to N times the budget.
import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export const HIGH_VOLUME_MUTATIONS: ReadonlySet<string> = new Set(['capturePaidResponse']);

export interface RateLimiterOptions {
  mutationsPerMinute: number;
  capturesPerMinute: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export function createMutationRateLimiter(options: RateLimiterOptions) {
  const now = options.now ?? Date.now;
  const buckets = new Map<string, Bucket>();
  const perMinute = { mutation: options.mutationsPerMinute, capture: options.capturesPerMinute };

  function bucket(keyId: number, kind: 'mutation' | 'capture'): Bucket {
    const name = `${kind}:${keyId}`;
    const t = now();
    let b = buckets.get(name);
    if (!b) {
      if (buckets.size > 100_000) buckets.clear(); // keys are few; this only bounds memory against misuse
      b = { tokens: perMinute[kind], at: t };
      buckets.set(name, b);
    }
    b.tokens = Math.min(perMinute[kind], b.tokens + ((t - b.at) / 60_000) * perMinute[kind]);
    b.at = t;
    return b;
  }

  return {
    /** Takes `mutations` and `captures` tokens for the key, or none and says how long to wait. */
    take(
      keyId: number,
      cost: { mutations: number; captures: number },
    ): { ok: true } | { ok: false; retryAfterSeconds: number; limit: number; kind: string } {
      const checks = [['mutation', cost.mutations] as const, ['capture', cost.captures] as const].filter(([, n]) => n > 0);
      for (const [kind, n] of checks) {
        const b = bucket(keyId, kind);
        if (b.tokens < n) {
          const missing = Math.min(n, perMinute[kind]) - b.tokens;
          return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((missing / perMinute[kind]) * 60)), limit: perMinute[kind], kind };
        }
      }
      for (const [kind, n] of checks) bucket(keyId, kind).tokens -= n;
      return { ok: true };
    },
  };
}

export type MutationRateLimiter = ReturnType<typeof createMutationRateLimiter>;

/** The root fields an operation selects (fragments followed), counted by budget. */
export function mutationCost(document: DocumentNode, operation: OperationDefinitionNode) {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const cost = { mutations: 0, captures: 0 };
  const walk = (set: SelectionSetNode, seen: Set<string>) => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (s.name.value === '__typename') continue;
        if (HIGH_VOLUME_MUTATIONS.has(s.name.value)) cost.captures++;
        else cost.mutations++;
      } else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet, seen);
      else if (!seen.has(s.name.value)) {
        const f = fragments.get(s.name.value);
        if (f) walk(f.selectionSet, new Set([...seen, s.name.value]));
      }
    }
  };
  walk(operation.selectionSet, new Set());
  return cost;
}

export function rateLimitedError(refusal: { retryAfterSeconds: number; limit: number; kind: string }) {
  const what = refusal.kind === 'capture' ? 'capturePaidResponse calls' : 'mutations';
  return new GraphQLError(
    `Too many ${what} with this API key: at most ${refusal.limit} a minute. Try again in ${refusal.retryAfterSeconds} s.`,
    {
      extensions: {
        code: 'RATE_LIMITED',
        retryAfterSeconds: refusal.retryAfterSeconds,
        http: { status: 429, headers: { 'retry-after': String(refusal.retryAfterSeconds) } },
      },
    },
  );
}
