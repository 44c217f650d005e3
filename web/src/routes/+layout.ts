// The dashboard is a client-side app: the API key lives in the browser and every view talks to /graphql.
export const ssr = false;
export const prerender = false;
