import { builder } from './builder.ts';

/**
 * A Relay connection named as contract.graphql names it, with totalCount.
 */
export function namedConnection(type: Parameters<typeof builder.connectionObject>[0]['type'], name: string) {
  const item = name.replace(/Connection$/, '');
  return builder.connectionObject(
    {
      type,
      name,
      description: `A page of ${item} items (Relay cursor pagination): \`edges\` in the list's order, \`pageInfo\` to fetch the next page, \`totalCount\` of the whole list.`,
      fields: (t) => ({
        totalCount: t.int({
          description: 'How many items the whole list holds (every page, with the same filter), not just this page.',
          resolve: (connection) => {
            // a root field's count is a function run on demand; a relation's comes counted already
            const { totalCount } = connection as unknown as { totalCount: number | (() => number | Promise<number>) };
            return typeof totalCount === 'function' ? totalCount() : totalCount;
          },
        }),
      }),
    },
    { description: `One ${item} in a page, with the cursor to continue after it.` },
  );
}
