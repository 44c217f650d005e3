import { withTransaction } from '../../db/withTransaction.ts';
import { builder } from '../builder.ts';
import { badInput } from '../errors.ts';
import { decodeIds } from '../ids.ts';

interface PaidConfigurationShape {
  offlineConversionsEnabled: boolean;
}

// destination types with a conversion upload in api-shapes.md
const CONVERSION_TYPES = ['FACEBOOK_ADS', 'GOOGLE_ADS', 'DMP', 'WEB'] as const;

const PaidConfiguration = builder.objectRef<PaidConfigurationShape>('PaidConfiguration').implement({
  fields: (t) => ({
    offlineConversionsEnabled: t.exposeBoolean('offlineConversionsEnabled'),
    conversionDestinations: t.prismaField({
      type: ['Destination'],
      resolve: (query, _parent, _args, ctx) =>
        ctx.prisma.destination.findMany({ ...query, where: { conversionDestination: { isNot: null } }, orderBy: { id: 'asc' } }),
    }),
  }),
});

const PaidConfigurationInput = builder.inputType('PaidConfigurationInput', {
  fields: (t) => ({
    offlineConversionsEnabled: t.boolean(),
    conversionDestinationIds: t.idList(),
  }),
});

builder.queryFields((t) => ({
  paidConfiguration: t.field({
    type: PaidConfiguration,
    resolve: async (_root, _args, ctx) => ctx.prisma.paidConfiguration.findUniqueOrThrow({ where: { id: 1 } }),
  }),
}));

builder.mutationFields((t) => ({
  updatePaidConfiguration: t.field({
    type: PaidConfiguration,
    authScopes: { admin: true },
    args: { input: t.arg({ type: PaidConfigurationInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const ids = input.conversionDestinationIds ? decodeIds('Destination', input.conversionDestinationIds, 'conversionDestinationIds') : null;
      if (ids) {
        const found = await ctx.prisma.destination.findMany({ where: { id: { in: ids } }, select: { type: true } });
        if (found.length !== ids.length) badInput('conversionDestinationIds names a destination that does not exist');
        const wrong = found.find((d) => !(CONVERSION_TYPES as readonly string[]).includes(d.type));
        if (wrong) badInput(`${wrong.type} destinations cannot receive offline conversions`);
      }
      await withTransaction(ctx.pool, async (db) => {
        if (input.offlineConversionsEnabled != null) {
          await db.query('UPDATE paid_configuration SET offline_conversions_enabled = $1 WHERE id = 1', [input.offlineConversionsEnabled]);
        }
        if (ids) {
          await db.query('DELETE FROM conversion_destinations WHERE NOT (destination_id = ANY ($1::int[]))', [ids]);
          await db.query('INSERT INTO conversion_destinations (destination_id) SELECT unnest($1::int[]) ON CONFLICT DO NOTHING', [ids]);
        }
      });
      return ctx.prisma.paidConfiguration.findUniqueOrThrow({ where: { id: 1 } });
    },
  }),
}));
