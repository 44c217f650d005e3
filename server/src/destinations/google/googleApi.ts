// One Google Ads REST call: versioned URL under the destination's apiBaseUrl, Bearer token,
// developer-token and (for manager access) login-customer-id headers. Headers never reach an ApiCall.
import type { HttpResponse } from '../adapter.ts';
import type { AdapterContext } from '../adapter.ts';
import { mapGoogleError, type GoogleCall } from './mapGoogleError.ts';

export const GOOGLE_DEFAULT_BASE_URL = 'https://googleads.googleapis.com';
export const GOOGLE_DEFAULT_VERSION = 'v26';

/** the customer id as the API wants it: ten digits, no dashes */
export function customerId(ctx: AdapterContext): string {
  return String(ctx.destination.settings.customerId).replace(/-/g, '');
}

export function googleUrl(ctx: AdapterContext, path: string): string {
  const base = String(ctx.destination.settings.apiBaseUrl ?? GOOGLE_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const version = String(ctx.destination.settings.apiVersion ?? GOOGLE_DEFAULT_VERSION);
  return `${base}/${version}/${path}`;
}

function headers(ctx: AdapterContext, withBody: boolean): Record<string, string> {
  const out: Record<string, string> = { authorization: `Bearer ${ctx.credentials.accessToken ?? ''}` };
  if (withBody) out['content-type'] = 'application/json';
  if (ctx.credentials.developerToken) out['developer-token'] = String(ctx.credentials.developerToken);
  const login = ctx.destination.settings.loginCustomerId;
  if (login) out['login-customer-id'] = String(login).replace(/-/g, '');
  return out;
}

/** Sends one request and returns whatever came back, errors included (for callers that read an error's codes). */
export function googleSend(ctx: AdapterContext, method: 'GET' | 'POST', path: string, body?: object): Promise<HttpResponse> {
  return ctx.http.request({
    method,
    url: googleUrl(ctx, path),
    headers: headers(ctx, body !== undefined),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Sends one request; a non-2xx answer is thrown as the DeliveryError it maps to for this call. */
export async function googleRequest(
  ctx: AdapterContext,
  call: GoogleCall,
  method: 'GET' | 'POST',
  path: string,
  body?: object,
): Promise<HttpResponse> {
  const response = await googleSend(ctx, method, path, body);
  if (response.status < 200 || response.status >= 300) throw mapGoogleError(response, call);
  return response;
}

/** A GAQL string literal: single-quoted, with backslashes and quotes escaped. */
export function gaqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * Rows of one GAQL query through `googleAds:search` (the REST API's only way to read resources).
 * One page: the queries here select by resource name or exact name, far below a page of 10,000.
 */
export async function googleSearch<Row>(ctx: AdapterContext, call: GoogleCall, query: string): Promise<Row[]> {
  const response = await googleRequest(ctx, call, 'POST', `customers/${customerId(ctx)}/googleAds:search`, { query });
  // no `results` at all when nothing matched
  return response.json<{ results?: Row[] }>()?.results ?? [];
}
