import { updatePaidConfiguration } from '../../paidConfiguration/updatePaidConfiguration.ts';
import { builder } from '../builder.ts';
import { badInput } from '../errors.ts';
import { decodeIds } from '../ids.ts';

interface PaidConfigurationShape {
  offlineConversionsEnabled: boolean;
}

// destination types with a conversion upload in api-shapes.md
const CONVERSION_TYPES = ['FACEBOOK_ADS', 'GOOGLE_ADS', 'DMP', 'WEB'] as const;

const PaidConfiguration = builder.objectRef<PaidConfigurationShape>('PaidConfiguration').implement({
  description: 'The primary paid configuration: whether captured conversions go out, and where.',
  fields: (t) => ({
    offlineConversionsEnabled: t.exposeBoolean('offlineConversionsEnabled', {
      description:
        'Whether captures become OFFLINE_CONVERSION jobs. A capture made while off is kept (and deduplicated) but never sent by itself later.',
    }),
    conversionDestinations: t.prismaField({
      type: ['Destination'],
      description: 'The destinations conversions go to, oldest first.',
      resolve: (query, _parent, _args, ctx) =>
        ctx.prisma.destination.findMany({ ...query, where: { conversionDestination: { isNot: null } }, orderBy: { id: 'asc' } }),
    }),
  }),
});

const PaidConfigurationInput = builder.inputType('PaidConfigurationInput', {
  description: 'Changes to the paid configuration; a field left out (or null) stays as it is.',
  fields: (t) => ({
    offlineConversionsEnabled: t.boolean({ description: 'Turn sending captured conversions on or off.' }),
    conversionDestinationIds: t.idList({
      description: 'The new full list of conversion destinations (FACEBOOK_ADS, GOOGLE_ADS, DMP or WEB).',
    }),
  }),
});

builder.queryFields((t) => ({
  paidConfiguration: t.field({
    type: PaidConfiguration,
    description: 'The primary paid configuration.',
    resolve: async (_root, _args, ctx) => ctx.prisma.paidConfiguration.findUniqueOrThrow({ where: { id: 1 } }),
  }),
}));

builder.mutationFields((t) => ({
  updatePaidConfiguration: t.field({
    type: PaidConfiguration,
    authScopes: { admin: true },
    description: 'ADMIN only. Turns offline conversions on or off and sets where they go.',
    args: { input: t.arg({ type: PaidConfigurationInput, required: true, description: 'What to change.' }) },
    resolve: async (_root, { input }, ctx) => {
      const ids = input.conversionDestinationIds
        ? decodeIds('Destination', input.conversionDestinationIds, 'conversionDestinationIds')
        : null;
      if (ids) {
        const found = await ctx.prisma.destination.findMany({ where: { id: { in: ids } }, select: { type: true } });
        if (found.length !== ids.length) badInput('conversionDestinationIds names a destination that does not exist');
        const wrong = found.find((d) => !(CONVERSION_TYPES as readonly string[]).includes(d.type));
        if (wrong) badInput(`${wrong.type} destinations cannot receive offline conversions`);
      }
      await updatePaidConfiguration(ctx.pool, {
        offlineConversionsEnabled: input.offlineConversionsEnabled,
        conversionDestinationIds: ids,
      });
      return ctx.prisma.paidConfiguration.findUniqueOrThrow({ where: { id: 1 } });
    },
  }),
}));
