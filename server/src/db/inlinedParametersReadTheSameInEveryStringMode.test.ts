// The COPY query's inlined parameters come from operator-controlled segment criteria: whatever the
// text, PostgreSQL must read back exactly that text, and nothing of it as SQL, with
// standard_conforming_strings on or off (a hand-quoted 'a\'' ends the literal early when it is off).
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.ts';
import { inlineParams } from './inlineParams.ts';

let database: TestDatabase;
let client: pg.Client;
beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await database?.drop();
});

const HOSTILE = [
  'plain',
  "o'brien",
  'back\\slash',
  "a\\'",
  "x\\' OR TRUE --",
  "\\\\'; SELECT pg_sleep(10); --",
  '$1 $$ $tag$',
  'tab\there\nnewline',
  'ünïcødé ✓',
];

for (const mode of ['on', 'off']) {
  it(`reads every string back as it was, with standard_conforming_strings ${mode}`, async () => {
    await client.query(`SET standard_conforming_strings = ${mode}`);
    for (const value of HOSTILE) {
      const { rows } = await client.query<{ v: string; a: string[] }>(
        inlineParams('SELECT $1::text AS v, $2::text[] AS a', [value, [value, 'other']]),
      );
      expect(rows[0]!.v, `the text ${JSON.stringify(value)} comes back unchanged`).toBe(value);
      expect(rows[0]!.a, `and inside an array`).toEqual([value, 'other']);
    }
  });
}
