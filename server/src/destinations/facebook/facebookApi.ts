// One Graph API call: the versioned URL under the destination's apiBaseUrl, the token as a Bearer
// header (never in the URL, so it cannot reach an ApiCall row), JSON in and out.
import type { HttpResponse } from '../adapter.ts';
import type { AdapterContext } from '../adapter.ts';
import { mapFacebookError, type FacebookEndpoint } from './mapFacebookError.ts';

export const FACEBOOK_DEFAULT_BASE_URL = 'https://graph.facebook.com';
export const FACEBOOK_DEFAULT_VERSION = 'v27.0';

export function graphUrl(ctx: AdapterContext, path: string): string {
  const base = String(ctx.destination.settings.apiBaseUrl ?? FACEBOOK_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const version = String(ctx.destination.settings.apiVersion ?? FACEBOOK_DEFAULT_VERSION);
  return `${base}/${version}/${path}`;
}

/** the ad account id without its `act_` prefix (settings accept both) */
export function adAccountId(ctx: AdapterContext): string {
  return String(ctx.destination.settings.adAccountId).replace(/^act_/, '');
}

/** Sends one request (a GET carries its parameters in `path`, no body); a non-2xx answer is thrown as the DeliveryError it maps to. */
export async function graphRequest(
  ctx: AdapterContext,
  endpoint: FacebookEndpoint,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: object,
): Promise<HttpResponse> {
  const authorization = `Bearer ${ctx.credentials.accessToken ?? ''}`;
  const response = await ctx.http.request({
    method,
    url: graphUrl(ctx, path),
    headers: body === undefined ? { authorization } : { 'content-type': 'application/json', authorization },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status < 200 || response.status >= 300) throw mapFacebookError(response, endpoint);
  // Graph sometimes answers 200 with an error object
  if (response.json<{ error?: unknown }>()?.error) throw mapFacebookError(response, endpoint);
  return response;
}
