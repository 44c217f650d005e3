import { builder } from './builder.ts';

/**
 * A Relay connection named as contract.graphql names it, with totalCount.
 */
export function namedConnection(type: Parameters<typeof builder.connectionObject>[0]['type'], name: string) {
  return builder.connectionObject({
    type,
    name,
    fields: (t) => ({
      totalCount: t.int({
        resolve: (connection) => {
          // a root field's count is a function run on demand; a relation's comes counted already
          const { totalCount } = connection as unknown as { totalCount: number | (() => number | Promise<number>) };
          return typeof totalCount === 'function' ? totalCount() : totalCount;
        },
      }),
    }),
  });
}
