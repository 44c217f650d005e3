// The real server, started in-process on a fresh database and a free port, with clients that talk
// to it over real HTTP and a real graphql-ws WebSocket.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startPaidsync, type Paidsync } from '../../src/app.ts';
import { generateApiKey } from '../../src/auth/apiKeys.ts';
import { loadConfig } from '../../src/config.ts';
import type { ResolveHost } from '../../src/delivery/networkPolicy.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDatabase, type TestDatabase } from './testDatabase.ts';

export interface GraphQLResult<T = Record<string, any>> {
  data?: T | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
}

export interface TestApp {
  app: Paidsync;
  url: string;
  databaseUrl: string;
  adminKey: string;
  /** POST /graphql with the given key (the admin key unless another, or null for none, is given) */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<GraphQLResult<T>>;
  /** like gql, but fails the test with the errors when there are any */
  ok<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<T>;
  /** a new API key of the given role, made through the API */
  keyFor(role: 'VIEWER' | 'OPERATOR' | 'ADMIN'): Promise<string>;
  ws(key?: string | null): Client;
  stop(): Promise<void>;
}

export async function startTestApp(
  options: {
    env?: Record<string, string>;
    database?: TestDatabase;
    /** receives every log line (at PAIDSYNC_LOG_LEVEL) instead of stdout */
    log?: (line: string) => void;
    /** name resolution for the destination network policy (a test's own DNS) */
    resolveHost?: ResolveHost;
  } = {},
): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'paidsync-test-data-'));
  const adminKey = generateApiKey();
  const config = loadConfig({
    DATABASE_URL: database.url,
    PORT: '0',
    PAIDSYNC_ADMIN_KEY: adminKey,
    PAIDSYNC_DATA_DIR: dataDir,
    PAIDSYNC_SIMULATOR: 'off',
    PAIDSYNC_LOG_LEVEL: 'warn',
    // the simulator and the test's own servers listen on loopback
    PAIDSYNC_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
    // tests give their DMP destinations directories of their own under the temporary directory
    PAIDSYNC_DMP_ROOT: os.tmpdir(),
    ...options.env,
  });
  const app = await startPaidsync({
    config,
    logger: createLogger({ level: config.logLevel, write: options.log }),
    resolveHost: options.resolveHost,
  });
  const url = app.url!;
  const clients: Client[] = [];

  const gql: TestApp['gql'] = async (query, variables, key = adminKey) => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResult<any>;
  };
  const ok: TestApp['ok'] = async (query, variables, key) => {
    const result = await gql(query, variables, key);
    if (result.errors?.length) throw new Error(`expected no GraphQL errors, got: ${JSON.stringify(result.errors)}`);
    return result.data as any;
  };
  return {
    app,
    url,
    databaseUrl: database.url,
    adminKey,
    gql,
    ok,
    async keyFor(role) {
      const data = await ok<{ createApiKey: { key: string } }>(
        'mutation($name: String!, $role: ApiKeyRole!) { createApiKey(name: $name, role: $role) { key } }',
        { name: `test ${role}`, role },
      );
      return data.createApiKey.key;
    },
    ws(key = adminKey) {
      const client = createClient({
        url: url.replace('http', 'ws') + '/graphql',
        webSocketImpl: WebSocket,
        connectionParams: key ? { authorization: `Bearer ${key}` } : {},
        retryAttempts: 0,
        lazy: true,
      });
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) await client.dispose();
      await app.stop();
      if (!options.database) await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
