// Loaded with `--import` into the server processes the fault tests start (serverProcess.ts): every
// outgoing fetch carries `X-Paidsync-Test-Process: <name>`, so a test's simulator can tell which
// process sent a request. Test-only; the server itself knows nothing of it.
const name = process.env.PAIDSYNC_TEST_PROCESS;
if (name) {
  const original = globalThis.fetch;
  globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    headers.set('x-paidsync-test-process', name);
    return original(input, { ...init, headers });
  };
}
