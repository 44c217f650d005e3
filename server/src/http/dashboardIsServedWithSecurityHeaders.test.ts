// The dashboard keeps the API key in localStorage: its page may run only its own scripts, may not
// be framed, and nothing it serves is MIME-sniffed.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/testApp.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.stop());

it('serves the dashboard with a CSP that forbids framing and foreign scripts, and nosniff everywhere', async () => {
  const page = await fetch(t.url);
  expect(page.headers.get('content-type'), 'the dashboard page is built and served').toMatch(/text\/html/);
  const csp = page.headers.get('content-security-policy') ?? '';
  expect(csp, 'the page may not be framed').toMatch(/frame-ancestors 'none'/);
  expect(csp, 'scripts: its own, and its inline start script by hash').toMatch(/script-src 'self' 'sha256-/);
  expect(csp, 'no plugins').toMatch(/object-src 'none'/);
  expect(page.headers.get('x-frame-options'), 'older browsers: no framing').toBe('DENY');
  for (const path of ['/', '/graphql', '/healthz', '/favicon.svg']) {
    const response = await fetch(`${t.url}${path}`);
    expect(response.headers.get('x-content-type-options'), `${path} is not MIME-sniffed`).toBe('nosniff');
  }
});
