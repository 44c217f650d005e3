// graphql-codegen: types for every GraphQL document in the dashboard, from the server's printed schema.
// Run with `pnpm run codegen` (root); the output in web/src/lib/gql/ is generated, never edited or committed.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'server/schema.graphql',
  documents: ['web/src/**/*.{ts,svelte}', '!web/src/lib/gql/**'],
  ignoreNoDocuments: false,
  // .svelte files are read through svelte2tsx by graphql-tag-pluck
  pluckConfig: { globalGqlIdentifierName: ['graphql'] },
  generates: {
    'web/src/lib/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false, gqlTagName: 'graphql' },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: { DateTime: 'string', JSON: 'unknown' },
        skipTypename: false,
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
      },
    },
  },
  hooks: {},
};

export default config;
