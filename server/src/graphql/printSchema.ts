// Writes the schema as SDL to server/schema.graphql (committed; codegen reads it). With --check it
// only compares, and fails when the committed file is stale or when anything in the schema lacks a
// description (the schema is the published reference).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from './schema.ts';
import { undescribedSchemaElements } from './undescribedSchemaElements.ts';

const file = path.resolve(import.meta.dirname, '../../schema.graphql');
const printed = printSchema(lexicographicSortSchema(schema)) + '\n';

const undescribed = undescribedSchemaElements(schema);
if (undescribed.length) {
  console.error(`${undescribed.length} schema element(s) have no description; give each a \`description\`:\n  ${undescribed.join('\n  ')}`);
}

if (process.argv.includes('--check')) {
  if (undescribed.length) process.exit(1);
  let committed = '';
  try {
    committed = readFileSync(file, 'utf8');
  } catch {}
  if (committed !== printed) {
    console.error('server/schema.graphql is stale: run `pnpm generate` and commit it');
    process.exit(1);
  }
  console.log('server/schema.graphql is current');
} else {
  writeFileSync(file, printed);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
