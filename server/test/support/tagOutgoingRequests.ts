// Loaded with `--import` into the server processes the fault tests start (serverProcess.ts): every
// outgoing destination request (node:http and node:https, see destinationHttp.ts) carries
// `X-Paidsync-Test-Process: <name>`, so a test's simulator can tell which process sent a request.
// Test-only; the server itself knows nothing of it.
import http from 'node:http';
import https from 'node:https';

const name = process.env.PAIDSYNC_TEST_PROCESS;
if (name) {
  for (const module of [http, https]) {
    const original = module.request;
    module.request = ((url: string | URL, options: http.RequestOptions, ...rest: unknown[]) => {
      const tagged = { ...options, headers: { ...options?.headers, 'x-paidsync-test-process': name } };
      return (original as (...args: unknown[]) => http.ClientRequest)(url, tagged, ...rest);
    }) as typeof module.request;
  }
}
