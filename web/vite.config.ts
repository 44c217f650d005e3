import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// `vite dev` proxies the API to a locally running server (PAIDSYNC_API, default http://127.0.0.1:4000)
const api = process.env.PAIDSYNC_API ?? 'http://127.0.0.1:4000';

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    proxy: { '/graphql': { target: api, ws: true, changeOrigin: true } },
  },
});
