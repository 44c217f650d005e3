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
  },
};

export default config;
