// Every request to a destination goes through here: a timeout, a failure class for transport
// errors, and an ApiCall row for the API inspector with tokens redacted and bodies capped.
import type pg from 'pg';
import { redactSecrets } from '../logger.ts';
import { DeliveryError } from './deliveryError.ts';

export const API_CALL_BODY_LIMIT = 4096;
const DEFAULT_TIMEOUT_MS = 30_000;
const REDACTION_MARGIN = 64 * 1024;

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  json<T = any>(): T | null;
}

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

export interface DestinationHttp {
  request(request: HttpRequest): Promise<HttpResponse>;
}

export function createDestinationHttp(options: {
  pool: pg.Pool;
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
      let response: Response;
      try {
        response = await fetch(request.url, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          signal: AbortSignal.timeout(request.timeoutMs ?? DEFAULT_TIMEOUT_MS),
        });
      } catch (error) {
        const reason = (error as Error).name === 'TimeoutError' ? 'timed out' : `connection failed (${(error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message})`;
        await record(request, null, started, reason);
        throw new DeliveryError('external', `${request.method} ${new URL(request.url).host}: ${reason}`);
      }
      let text: string;
      try {
        text = await response.text();
      } catch {
        await record(request, response.status, started, '(response body lost)');
        throw new DeliveryError('external', `${request.method} ${new URL(request.url).host}: response interrupted`);
      }
      await record(request, response.status, started, text);
      return {
        status: response.status,
        headers: response.headers,
        text,
        json<T>() {
          try {
            return JSON.parse(text) as T;
          } catch {
            return null;
          }
        },
      };
    },
  };
}
