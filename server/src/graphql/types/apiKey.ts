import { z } from 'zod';
import { ApiKeyRole } from '../../generated/prisma/enums.ts';
import { generateApiKey, storedKey } from '../../auth/apiKeys.ts';
import { publishLiveEvent } from '../../db/liveEvents.ts';
import { builder } from '../builder.ts';
import { notFound } from '../errors.ts';
import { decodeId } from '../ids.ts';
import { parseInput } from '../validate.ts';

const ApiKeyRoleEnum = builder.enumType(ApiKeyRole, {
  name: 'ApiKeyRole',
  description: 'What an API key may do; each role may do everything the one before it may.',
  values: {
    VIEWER: { description: 'Reads every query and subscribes.' },
    OPERATOR: { description: 'Also upserts customers, edits segments, triggers syncs, captures conversions, retries and withdraws jobs.' },
    ADMIN: { description: 'Also manages destinations, API keys and the paid configuration.' },
  },
});

builder.prismaNode('ApiKey', {
  // on the type, not only on apiKeys: node(id:) reaches any Node. Keys are ADMIN's to read, except a
  // key's own record (`me`)
  authScopes: (key, ctx) => (ctx.principal !== null && key.id === ctx.principal.keyId ? true : { admin: true }),
  description:
    'An API key’s record (never the key itself, which is stored only as a hash). ADMIN may read every key; any key may read its own (`me`).',
  id: { field: 'id' },
  fields: (t) => ({
    name: t.exposeString('name', { description: 'What the key is for, as given at creation.' }),
    role: t.expose('role', { type: ApiKeyRoleEnum, description: 'What the key may do.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the key was created.' }),
    revokedAt: t.expose('revokedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was revoked (it no longer authenticates); null while it is valid.',
    }),
  }),
});

const CreatedApiKey = builder.objectRef<{ key: string; apiKeyId: number }>('CreatedApiKey').implement({
  description: 'The key is shown once, here, and never again.',
  fields: (t) => ({
    key: t.exposeString('key', {
      description: 'The key, `psk_<id>_<secret>`: send it as `Authorization: Bearer KEY`. Only its hash is kept.',
    }),
    apiKey: t.prismaField({
      type: 'ApiKey',
      description: 'The new key’s record.',
      resolve: (query, parent, _args, ctx) => ctx.prisma.apiKey.findUniqueOrThrow({ ...query, where: { id: parent.apiKeyId } }),
    }),
  }),
});

builder.queryFields((t) => ({
  me: t.prismaField({
    type: 'ApiKey',
    description: 'the API key this request is made with: its name and role (what the dashboard may offer)',
    resolve: (query, _root, _args, ctx) => ctx.prisma.apiKey.findUniqueOrThrow({ ...query, where: { id: ctx.principal!.keyId } }),
  }),
  apiKeys: t.prismaField({
    type: ['ApiKey'],
    authScopes: { admin: true },
    description: 'ADMIN only. Every API key’s record, revoked ones included, oldest first.',
    resolve: (query, _root, _args, ctx) => ctx.prisma.apiKey.findMany({ ...query, orderBy: { id: 'asc' } }),
  }),
}));

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreatedApiKey,
    authScopes: { admin: true },
    description: 'ADMIN only. Makes an API key; the answer is the only time the key is shown.',
    args: {
      name: t.arg.string({ required: true, description: 'What the key is for, 1 to 200 characters.' }),
      role: t.arg({ type: ApiKeyRoleEnum, required: true, description: 'What the key may do.' }),
    },
    resolve: async (_root, args, ctx) => {
      const name = parseInput(z.string().trim().min(1, 'must not be empty').max(200), args.name, 'name');
      const key = generateApiKey();
      const created = await ctx.prisma.apiKey.create({ data: { name, role: args.role, ...storedKey(key) } });
      return { key, apiKeyId: created.id };
    },
  }),
  revokeApiKey: t.prismaField({
    type: 'ApiKey',
    authScopes: { admin: true },
    description:
      'ADMIN only. Revokes a key at once, in every API process; its open subscriptions end. Revoking a revoked key changes nothing.',
    args: { id: t.arg.id({ required: true, description: 'Global id of the key’s record.' }) },
    resolve: async (query, _root, args, ctx) => {
      const id = decodeId('ApiKey', String(args.id));
      const { count } = await ctx.prisma.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
      const key = await ctx.prisma.apiKey.findUnique({ ...query, where: { id } });
      if (!key) return notFound('ApiKey');
      // open subscriptions made with this key end at once, in every API process
      ctx.apiKeys.forget(id); // at once here; other processes through the live event
      if (count) await publishLiveEvent(ctx.pool, { kind: 'apiKeyRevoked', id });
      return key;
    },
  }),
}));
