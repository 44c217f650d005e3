// The key first: a request is authenticated in yoga's earliest hook, from its Authorization header
// alone, so a request without a valid key is answered before its body is read, parsed or validated
// (a 6 MB query from a stranger costs what a 6-byte one does). The principal found is kept for the
// context factory, which then need not look the key up again.
import type { Plugin } from 'graphql-yoga';
import { bearerToken, type Principal } from '../auth/apiKeys.ts';
import type { ApiKeyCache } from '../auth/apiKeyCache.ts';

export function unauthenticatedMessage(token: string | null): string {
  return token ? 'The API key is invalid or revoked' : 'An API key is required: send Authorization: Bearer KEY';
}

export function useAuthenticateFirst(options: { apiKeys: ApiKeyCache; principals: WeakMap<Request, Principal> }): Plugin {
  return {
    async onRequest({ request, endResponse, fetchAPI }) {
      const token = bearerToken(request.headers.get('authorization'));
      const principal = await options.apiKeys.authenticate(token);
      if (principal) {
        options.principals.set(request, principal);
        return;
      }
      endResponse(
        new fetchAPI.Response(
          JSON.stringify({ errors: [{ message: unauthenticatedMessage(token), extensions: { code: 'UNAUTHENTICATED' } }] }),
          {
            status: 401,
            // the body is never parsed: Node discards whatever of it is still arriving
            headers: { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Bearer' },
          },
        ),
      );
    },
  };
}
