import { validateCustomers } from '../../customers/customerInput.ts';
import { upsertCustomers } from '../../customers/upsertCustomers.ts';
import { builder } from '../builder.ts';
import { badInput } from '../errors.ts';

const CustomerInput = builder.inputType('CustomerInput', {
  description:
    'One customer to create or update, by externalId. PII stays in paidsync: only normalised SHA-256 hashes leave it. A field left out (or null) keeps its stored value.',
  fields: (t) => ({
    externalId: t.string({ required: true, description: "Your system's id of the customer (1 to 256 characters); the key of the upsert." }),
    email: t.string({ description: 'Email address; lower-cased and trimmed before hashing.' }),
    phone: t.string({ description: 'Phone number, ideally E.164 (+15551234567); normalised to digits before hashing.' }),
    firstName: t.string({ description: 'Given name.' }),
    lastName: t.string({ description: 'Family name.' }),
    city: t.string({ description: 'City.' }),
    state: t.string({ description: 'State or region (a US state as its two-letter code).' }),
    zip: t.string({ description: 'Postal code.' }),
    country: t.string({ description: 'Country as an ISO-3166 alpha-2 code, e.g. US.' }),
    dateOfBirth: t.string({ description: 'Date of birth as YYYY-MM-DD.' }),
    gender: t.string({ description: 'm, f, male or female (any case).' }),
    adConsent: t.boolean({ description: 'false: never sent; removed from audiences it was in' }),
    attributes: t.field({
      type: 'JSON',
      description:
        'Free-form attributes (a JSON object, at most 64 KiB) that segment criteria test, e.g. { "plan": "gold" }; merged into the stored ones key by key.',
    }),
  }),
});

const UpsertCustomersPayload = builder.objectRef<{ count: number }>('UpsertCustomersPayload').implement({
  description: 'What upsertCustomers did.',
  fields: (t) => ({ count: t.exposeInt('count', { description: 'How many customers were created or updated.' }) }),
});

builder.mutationFields((t) => ({
  upsertCustomers: t.field({
    type: UpsertCustomersPayload,
    description:
      'OPERATOR or ADMIN. Creates or updates customers by externalId, all in one statement; up to 10,000 a call. A changed PII field makes the customer count as changed on the next sync of its audiences.',
    args: { customers: t.arg({ type: [CustomerInput], required: true, description: 'The customers, each externalId once.' }) },
    resolve: async (_root, args, ctx) => {
      const result = validateCustomers(args.customers);
      if (!result.ok) return badInput(result.message, { index: result.index, field: result.field });
      return { count: await upsertCustomers(ctx.pool, result.customers) };
    },
  }),
}));
