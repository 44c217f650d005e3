// The real server, started in-process on a fresh database and a free port, with clients that talk
// to it over real HTTP and a real graphql-ws WebSocket.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startPaidsync } from "../../src/app.js";
import { generateApiKey } from "../../src/auth/apiKeys.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { createTestDatabase } from "./testDatabase.js";
export async function startTestApp(options = {}) {
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
        ...options.env,
    });
    const app = await startPaidsync({ config, logger: createLogger({ level: config.logLevel, write: options.log }) });
    const url = app.url;
    const clients = [];
    const gql = async (query, variables, key = adminKey) => {
        const response = await fetch(`${url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
            body: JSON.stringify({ query, variables }),
        });
        return (await response.json());
    };
    const ok = async (query, variables, key) => {
        const result = await gql(query, variables, key);
        if (result.errors?.length)
            throw new Error(`expected no GraphQL errors, got: ${JSON.stringify(result.errors)}`);
        return result.data;
    };
    return {
        app,
        url,
        databaseUrl: database.url,
        adminKey,
        gql,
        ok,
        async keyFor(role) {
            const data = await ok('mutation($name: String!, $role: ApiKeyRole!) { createApiKey(name: $name, role: $role) { key } }', { name: `test ${role}`, role });
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
            for (const client of clients)
                await client.dispose();
            await app.stop();
            if (!options.database)
                await database.drop();
            await rm(dataDir, { recursive: true, force: true });
        },
    };
}
