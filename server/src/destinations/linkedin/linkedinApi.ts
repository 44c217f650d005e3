// One LinkedIn Marketing API call (Rest.li 2.0): `/rest/...` under the destination's apiBaseUrl, with
// the versioned headers LinkedIn requires. The token travels in a header, never in the URL.
import type { HttpResponse } from '../adapter.ts';
import type { AdapterContext } from '../adapter.ts';
import { mapLinkedInError, type LinkedInCall } from './mapLinkedInError.ts';

export const LINKEDIN_DEFAULT_BASE_URL = 'https://api.linkedin.com';
export const LINKEDIN_DEFAULT_VERSION = '202610';

/** POSTs `body` as JSON; a non-2xx answer is thrown as the DeliveryError it maps to. */
export function linkedinRequest(
  ctx: AdapterContext,
  call: LinkedInCall,
  path: string,
  body: object,
  extraHeaders: Record<string, string> = {},
): Promise<HttpResponse> {
  return send(ctx, call, 'POST', path, { 'content-type': 'application/json', ...extraHeaders }, JSON.stringify(body));
}

/** GETs `path` (query string included); a non-2xx answer is thrown as the DeliveryError it maps to. */
export function linkedinGet(ctx: AdapterContext, call: LinkedInCall, path: string): Promise<HttpResponse> {
  return send(ctx, call, 'GET', path, {}, undefined);
}

async function send(
  ctx: AdapterContext,
  call: LinkedInCall,
  method: 'GET' | 'POST',
  path: string,
  extraHeaders: Record<string, string>,
  body: string | undefined,
): Promise<HttpResponse> {
  const base = String(ctx.destination.settings.apiBaseUrl ?? LINKEDIN_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const response = await ctx.http.request({
    method,
    url: `${base}${path}`,
    headers: {
      authorization: `Bearer ${ctx.credentials.accessToken ?? ''}`,
      'linkedin-version': String(ctx.destination.settings.apiVersion ?? LINKEDIN_DEFAULT_VERSION),
      'x-restli-protocol-version': '2.0.0',
      ...extraHeaders,
    },
    body,
  });
  if (response.status < 200 || response.status >= 300) throw mapLinkedInError(response, call);
  return response;
}
