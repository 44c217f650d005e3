import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
  kit: {
    // web/build/handler.js is mounted by the server (server/src/http/createHttpServer.ts) as a middleware
    adapter: adapter({ out: 'build', precompress: false }),
    // the dashboard shares one origin with /graphql; nothing here needs a server-side secret
    csrf: { trustedOrigins: [] },
    // the API key sits in localStorage: no script but the app's own (its inline start script by
    // hash), no framing (clickjacking), no plugins, no foreign base or form targets
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:'],
        'connect-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['none'],
        'form-action': ['self'],
        'frame-ancestors': ['none'],
      },
    },
  },
};

export default config;
