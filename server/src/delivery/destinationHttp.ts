// Every request to a destination goes through here: the network policy (checked on the address each
// socket connects to), no redirects, a timeout, a failure class for transport errors, and an ApiCall
// row for the API inspector with tokens redacted and bodies capped.
//
// node:http rather than fetch: fetch cannot be told which addresses it may connect to, and it
// follows redirects, which would carry a request (and its Authorization header) wherever a
// destination's answer points.
import http from 'node:http';
import https from 'node:https';
import type pg from 'pg';
import { redactSecrets } from '../logger.ts';
import { DeliveryError } from '../destinations/deliveryError.ts';
import { httpResponse, type DestinationHttp, type HttpRequest } from '../destinations/adapter.ts';
import { NetworkPolicyError, type NetworkPolicy } from './networkPolicy.ts';

export const API_CALL_BODY_LIMIT = 4096;
const DEFAULT_TIMEOUT_MS = 30_000;
const REDACTION_MARGIN = 64 * 1024;
/** an answer longer than this is a fault of the destination, not something to hold in memory */
const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

export function createDestinationHttp(options: {
  pool: pg.Pool;
  networkPolicy: NetworkPolicy;
  destinationId: number;
  syncJobId: number | null;
  queueItemId: number | null;
  /** extra strings to blank out of URLs and bodies (the destination's own secrets) */
  secrets?: string[];
  /** told of every request: its status (null: no response) and duration, for the metrics */
  observe?: (status: number | null, seconds: number) => void;
}): DestinationHttp {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 4);
  const redact = (text: string) => {
    let out = redactSecrets(text);
    for (const secret of secrets) out = out.split(secret).join('[redacted]');
    return out;
  };
  const cap = (text: string | undefined) => {
    if (text === undefined || text === '') return null;
    // only the kept head is redacted (a 10,000-member body is a megabyte): the head plus a margin
    // longer than any secret, so a secret that starts in the head is still matched whole
    const head = text.length > API_CALL_BODY_LIMIT + REDACTION_MARGIN ? text.slice(0, API_CALL_BODY_LIMIT + REDACTION_MARGIN) : text;
    const redacted = redact(head);
    if (head === text && redacted.length <= API_CALL_BODY_LIMIT) return redacted;
    return `${redacted.slice(0, API_CALL_BODY_LIMIT)}… [${head === text ? redacted.length : text.length} chars]`;
  };
  const record = (request: HttpRequest, status: number | null, started: number, responseBody: string | undefined) => {
    options.observe?.(status, (performance.now() - started) / 1000);
    return options.pool
      .query(
        `INSERT INTO api_calls (destination_id, sync_job_id, queue_item_id, method, url, status_code, duration_ms, request_body, response_body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          options.destinationId,
          options.syncJobId,
          options.queueItemId,
          request.method,
          redact(request.url),
          status,
          Math.round(performance.now() - started),
          cap(request.body),
          cap(responseBody),
        ],
      )
      .catch(() => undefined); // the inspector must never fail a delivery
  };

  return {
    async request(request) {
      const started = performance.now();
      const url = new URL(request.url);
      let response: { status: number; headers: Headers; text: string };
      try {
        options.networkPolicy.checkTarget(url);
        response = await send(url, request, options.networkPolicy);
      } catch (error) {
        const reason = failureReason(error as Error);
        await record(request, null, started, reason);
        throw new DeliveryError(
          error instanceof NetworkPolicyError || (error as { code?: string }).code === 'EPOLICY' ? 'permanent' : 'external',
          `${request.method} ${url.host}: ${reason}`,
        );
      }
      await record(request, response.status, started, response.text);
      if (response.status >= 300 && response.status < 400 && response.status !== 304) {
        const location = response.headers.get('location');
        let where = '';
        try {
          where = location ? ` to ${new URL(location, url).host}` : '';
        } catch {
          // an unparseable Location says nothing more
        }
        throw new DeliveryError(
          'permanent',
          `${request.method} ${url.host}: answered ${response.status}, a redirect${where}; redirects are not followed`,
        );
      }
      return httpResponse(response.status, response.headers, response.text);
    },
  };
}

function failureReason(error: Error & { code?: string }): string {
  if (error instanceof NetworkPolicyError || error.code === 'EPOLICY') return `refused by the network policy: ${error.message}`;
  if (error.name === 'TimeoutError') return 'timed out';
  if (error.name === 'ResponseInterrupted') return 'response interrupted';
  return `connection failed (${error.code ?? error.message})`;
}

/** One request and its whole answer, on a socket whose address the policy approved. */
function send(url: URL, request: HttpRequest, policy: NetworkPolicy): Promise<{ status: number; headers: Headers; text: string }> {
  const secure = url.protocol === 'https:';
  const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
  const headers: Record<string, string> = { ...request.headers };
  if (body) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    let cause: Error | null = null; // why the request was cut short, whatever event reports it
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(cause ?? error);
    };
    const req = (secure ? https : http).request(url, {
      method: request.method,
      headers,
      agent: secure ? agents.https : agents.http,
      lookup: policy.lookupFor(url),
    });
    const cut = (error: Error) => {
      cause ??= error;
      req.destroy(error);
    };
    const timer = setTimeout(
      () => cut(Object.assign(new Error('timed out'), { name: 'TimeoutError' })),
      request.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    );
    req.on('error', fail);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) cut(Object.assign(new Error('response too large'), { code: 'ERESPONSETOOLARGE' }));
        else chunks.push(chunk);
      });
      const interrupted = () => fail(Object.assign(new Error('response interrupted'), { name: 'ResponseInterrupted' }));
      res.on('error', interrupted);
      res.on('close', () => {
        if (!res.complete) interrupted();
      });
      res.on('end', () => {
        clearTimeout(timer);
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value === undefined) continue;
          for (const one of Array.isArray(value) ? value : [value]) responseHeaders.append(name, one);
        }
        resolve({ status: res.statusCode ?? 0, headers: responseHeaders, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.end(body);
  });
}
