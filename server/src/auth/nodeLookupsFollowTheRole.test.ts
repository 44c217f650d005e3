// node(id:) reaches every Node type, so each type must enforce its own role, not only the root
// field that lists it: a VIEWER (or OPERATOR) asking for another API key by id gets FORBIDDEN and
// no data (its own key it may read, as `me` does), an ADMIN gets any; every other Node type of the
// served schema is readable by a VIEWER.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { isObjectType, type GraphQLObjectType } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedSchema } from '../../test/support/introspection.ts';
import { startTestApp, type TestApp } from '../../test/support/testApp.ts';

const ADMIN_ONLY_TYPES = ['ApiKey'];

let t: TestApp;
let db: pg.Client;
let nodeTypes: GraphQLObjectType[];
const rowIds: Record<string, number> = {};
beforeAll(async () => {
  t = await startTestApp({ env: { PAIDSYNC_ROLE: 'api' } });
  db = new pg.Client({ connectionString: t.databaseUrl });
  await db.connect();
  const { schema } = await servedSchema(t);
  nodeTypes = Object.values(schema.getTypeMap()).filter(
    (type): type is GraphQLObjectType => isObjectType(type) && type.getInterfaces().some((i) => i.name === 'Node'),
  );
  const one = async (sql: string, params: unknown[] = []) => (await db.query<{ id: number }>(sql, params)).rows[0]!.id;
  rowIds.Destination = await one(
    `INSERT INTO destinations (name, type, settings) VALUES ('nodes', 'DMP', '{"directory":"/tmp/x"}') RETURNING id`,
  );
  rowIds.Audience = await one(
    `INSERT INTO audiences (destination_id, scope_key, name) VALUES ($1, 'nodes', 'nodes audience') RETURNING id`,
    [rowIds.Destination],
  );
  rowIds.Segment = await one(`INSERT INTO segments (name, paid_sync_enabled) VALUES ('nodes segment', false) RETURNING id`);
  rowIds.SyncJob = await one(
    `INSERT INTO sync_jobs (destination_id, destination_type, sync_type, scope_key) VALUES ($1, 'DMP', 'SEGMENT', 'n') RETURNING id`,
    [rowIds.Destination],
  );
  rowIds.QueueItem = await one(`INSERT INTO queue_items (sync_job_id, operation) VALUES ($1, 'ADD') RETURNING id`, [rowIds.SyncJob]);
  rowIds.ConversionEvent = await one(
    `INSERT INTO conversion_events (event_id, conversion_name, occurred_at) VALUES ('n-1', 'Purchase', now()) RETURNING id`,
  );
  rowIds.ApiCall = await one(
    `INSERT INTO api_calls (destination_id, method, url, duration_ms) VALUES ($1, 'POST', 'http://x.example', 1) RETURNING id`,
    [rowIds.Destination],
  );
  rowIds.OutboundSchedule = await one(
    `INSERT INTO outbound_schedules (issue, group_name, destination_ids, cron) VALUES ('nodes', 'nodes', ARRAY[$1::int], '0 3 * * *') RETURNING id`,
    [rowIds.Destination],
  );
  rowIds.ApiKey = await one(`SELECT id FROM api_keys ORDER BY id LIMIT 1`);
});
afterAll(async () => {
  await db?.end();
  await t?.stop();
});

const query = (type: GraphQLObjectType) => {
  const leaves = Object.values(type.getFields()).filter(
    (f) =>
      f.args.length === 0 &&
      !isObjectType(f.type) &&
      !String(f.type).includes('[') &&
      /^[A-Z]\w*!?$/.test(String(f.type)) &&
      !['Destination', 'SyncJob', 'Segment', 'QueueItem'].some((n) => String(f.type).startsWith(n)),
  );
  return `query($id: ID!) { node(id: $id) { id ... on ${type.name} { ${leaves.map((f) => f.name).join(' ')} } } }`;
};

describe('node(id:)', () => {
  it('every Node type has a row here to look up', () => {
    expect(
      nodeTypes.map((n) => n.name).filter((name) => !(name in rowIds)),
      'add a row for a new Node type',
    ).toEqual([]);
  });

  it('refuses API keys to a VIEWER and an OPERATOR with FORBIDDEN, and gives them to an ADMIN', async () => {
    for (const role of ['VIEWER', 'OPERATOR'] as const) {
      const key = await t.keyFor(role);
      for (const name of ADMIN_ONLY_TYPES) {
        const type = nodeTypes.find((n) => n.name === name)!;
        const result = await t.gql(query(type), { id: encodeGlobalID(name, rowIds[name]!) }, key);
        expect(result.errors?.map((e) => e.extensions?.code) ?? [], `${role} reading a ${name} by node(id:) is FORBIDDEN`).toContain(
          'FORBIDDEN',
        );
        expect(JSON.stringify(result.data ?? null), `${role} gets none of the ${name}'s fields`).not.toMatch(/"(name|role|createdAt)"/);
      }
      const own = (await t.ok('{ me { id } }', {}, key)).me.id;
      const mine = await t.gql(query(nodeTypes.find((n) => n.name === 'ApiKey')!), { id: own }, key);
      expect(mine.errors, `${role} may read its own key by node(id:)`).toBeUndefined();
      expect(mine.data?.node?.role, `${role} sees its own role`).toBe(role);
    }
    const admin = await t.gql(query(nodeTypes.find((n) => n.name === 'ApiKey')!), { id: encodeGlobalID('ApiKey', rowIds.ApiKey!) });
    expect(admin.errors, 'an ADMIN reads the key').toBeUndefined();
    expect(admin.data?.node?.role, 'an ADMIN sees its role').toBe('ADMIN');
  });

  it('gives a VIEWER every other Node type', async () => {
    const viewer = await t.keyFor('VIEWER');
    for (const type of nodeTypes.filter((n) => !ADMIN_ONLY_TYPES.includes(n.name))) {
      const result = await t.gql(query(type), { id: encodeGlobalID(type.name, rowIds[type.name]!) }, viewer);
      expect(result.errors, `VIEWER reads a ${type.name} by node(id:)`).toBeUndefined();
      expect(result.data?.node?.id, `the ${type.name} is returned`).toBe(encodeGlobalID(type.name, rowIds[type.name]!));
    }
  });
});
