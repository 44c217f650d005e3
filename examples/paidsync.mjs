// A minimal paidsync GraphQL client over fetch, shared by the examples. Copy it as it is.
//
// It resends a request only when that is safe: a query, a mutation sent with an Idempotency-Key
// (the server answers a repeat with the first answer and runs nothing again), or a mutation that
// is idempotent by itself (capturePaidResponse, by eventId). Everything else is sent once.

export function settings() {
  const url = process.env.PAIDSYNC_URL;
  const apiKey = process.env.PAIDSYNC_API_KEY;
  if (!url || !apiKey) {
    console.error('Set PAIDSYNC_URL (e.g. http://localhost:4000) and PAIDSYNC_API_KEY (an OPERATOR key).');
    process.exit(2);
  }
  return { url: url.replace(/\/+$/, ''), apiKey };
}

export class PaidsyncError extends Error {
  constructor(error) {
    super(`${error.extensions?.code ?? 'ERROR'}: ${error.message}`);
    this.code = error.extensions?.code;
    this.reason = error.extensions?.reason;
    this.retryAfterSeconds = error.extensions?.retryAfterSeconds;
  }
}

/**
 * Sends one GraphQL operation and returns its `data`, or throws a PaidsyncError.
 * options.idempotencyKey: sent as the Idempotency-Key header, and makes the request safe to resend.
 * options.safeToRepeat: the operation is idempotent by itself (a query, a capture by eventId).
 */
export async function graphql(query, variables = {}, options = {}) {
  const { url, apiKey } = settings();
  const resendable = options.safeToRepeat || options.idempotencyKey !== undefined;
  const attempts = resendable ? (options.attempts ?? 6) : 1;
  for (let attempt = 1; ; attempt++) {
    let response;
    let body = null;
    try {
      response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${apiKey}`,
          ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}),
        },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
      if (response.headers.get('content-type')?.includes('json')) body = await response.json();
    } catch (error) {
      // the network failed or timed out: the answer may be lost, so the same request goes again
      if (attempt >= attempts) throw error;
      await pause(attempt, 0);
      continue;
    }
    const error = body?.errors?.[0];
    if (body && !error) return body.data;
    // worth resending: rate limited, the first request with this key still running, a server fault
    const retryable =
      response.status === 429 || response.status === 409 || response.status >= 500 || error?.extensions?.code === 'INTERNAL_SERVER_ERROR';
    if (!retryable || attempt >= attempts) throw error ? new PaidsyncError(error) : new Error(`HTTP ${response.status}`);
    await pause(attempt, Number(error?.extensions?.retryAfterSeconds ?? response.headers.get('retry-after') ?? 0) * 1000);
  }
}

/** Exponential backoff with jitter, and never sooner than the server asked. */
function pause(attempt, atLeastMs) {
  const ms = Math.max(atLeastMs, 2 ** attempt * 250 * (0.5 + Math.random()));
  console.error(`  attempt ${attempt} did not get an answer; trying again in ${Math.round(ms)} ms`);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
