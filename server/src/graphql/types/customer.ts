import { validateCustomers } from '../../customers/customerInput.ts';
import { upsertCustomers } from '../../customers/upsertCustomers.ts';
import { builder } from '../builder.ts';
import { badInput } from '../errors.ts';

const CustomerInput = builder.inputType('CustomerInput', {
  fields: (t) => ({
    externalId: t.string({ required: true }),
    email: t.string(),
    phone: t.string(),
    firstName: t.string(),
    lastName: t.string(),
    city: t.string(),
    state: t.string(),
    zip: t.string(),
    country: t.string(),
    dateOfBirth: t.string(),
    gender: t.string(),
    adConsent: t.boolean({ description: 'false: never sent; removed from audiences it was in' }),
    attributes: t.field({ type: 'JSON' }),
  }),
});

const UpsertCustomersPayload = builder.objectRef<{ count: number }>('UpsertCustomersPayload').implement({
  fields: (t) => ({ count: t.exposeInt('count') }),
});

builder.mutationFields((t) => ({
  upsertCustomers: t.field({
    type: UpsertCustomersPayload,
    args: { customers: t.arg({ type: [CustomerInput], required: true }) },
    resolve: async (_root, args, ctx) => {
      const result = validateCustomers(args.customers);
      if (!result.ok) return badInput(result.message, { index: result.index, field: result.field });
      return { count: await upsertCustomers(ctx.pool, result.customers) };
    },
  }),
}));
