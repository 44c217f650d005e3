// The schema is the published reference: every type, field, argument, input field and enum value
// has a description, and so does every error code a client can get. `pnpm check:schema` (run by
// `pnpm build` and `pnpm test`) fails on the first one that does not; this pins what it finds.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { buildSchema, type GraphQLEnumType } from 'graphql';
import { expect, it } from 'vitest';
import { KNOWN_CODES } from './errorCodes.ts';
import { schema } from './schema.ts';
import { undescribedSchemaElements } from './undescribedSchemaElements.ts';

it('every type, field, argument, input field and enum value of the schema has a description', () => {
  expect(undescribedSchemaElements(schema), 'these have no description').toEqual([]);
});

it('finds an undescribed type, field, argument, input field and enum value', () => {
  const sdl = `
    "d" type Query { "d" described(arg: Int): Int undescribed: Kind }
    enum Kind { "d" A B }
    "d" input Filter { "d" ok: Int bare: Int }
    "d" type Extra { "d" f("d" x: Filter): Int }
  `;
  expect(undescribedSchemaElements(buildSchema(sdl))).toEqual([
    'Filter.bare',
    'Kind',
    'Kind.B',
    'Query.described(arg:)',
    'Query.undescribed',
  ]);
});

it('the schema check fails on a deliberately undescribed field, naming it', async () => {
  // the check run on a schema with one more field, added without a description
  const script = `
    import { builder } from './src/graphql/builder.ts';
    builder.queryField('undescribedOnPurpose', (t) => t.int({ resolve: () => 1 }));
    await import('./src/graphql/printSchema.ts');
  `;
  const run = promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, '--', '--check'], {
    cwd: new URL('../..', import.meta.url).pathname,
  });
  const failure = await run.then(
    () => null,
    (error: { code: number; stderr: string }) => error,
  );
  expect(failure?.code, 'the check exits non-zero').toBe(1);
  expect(failure?.stderr).toContain('Query.undescribedOnPurpose');
});

it('every error code a client can get is described in the ErrorCode enum', () => {
  const values = (schema.getType('ErrorCode') as GraphQLEnumType).getValues();
  expect(values.map((v) => v.name).sort()).toEqual([...KNOWN_CODES].sort());
});
