import { z } from 'zod';
import { ApiKeyRole } from '../../generated/prisma/enums.ts';
import { generateApiKey, storedKey } from '../../auth/apiKeys.ts';
import { publishLiveEvent } from '../../db/liveEvents.ts';
import { builder } from '../builder.ts';
import { notFound } from '../errors.ts';
import { decodeId } from '../ids.ts';
import { parseInput } from '../validate.ts';

const ApiKeyRoleEnum = builder.enumType(ApiKeyRole, { name: 'ApiKeyRole' });

builder.prismaNode('ApiKey', {
  // on the type, not only on apiKeys: node(id:) reaches any Node. Keys are ADMIN's to read, except a
  // key's own record (`me`)
  authScopes: (key, ctx) => (ctx.principal !== null && key.id === ctx.principal.keyId ? true : { admin: true }),
  id: { field: 'id' },
  fields: (t) => ({
    name: t.exposeString('name'),
    role: t.expose('role', { type: ApiKeyRoleEnum }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
});

const CreatedApiKey = builder.objectRef<{ key: string; apiKeyId: number }>('CreatedApiKey').implement({
  description: 'The key is shown once, here, and never again.',
  fields: (t) => ({
    key: t.exposeString('key'),
    apiKey: t.prismaField({
      type: 'ApiKey',
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
    resolve: (query, _root, _args, ctx) => ctx.prisma.apiKey.findMany({ ...query, orderBy: { id: 'asc' } }),
  }),
}));

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreatedApiKey,
    authScopes: { admin: true },
    args: { name: t.arg.string({ required: true }), role: t.arg({ type: ApiKeyRoleEnum, required: true }) },
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
    args: { id: t.arg.id({ required: true }) },
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
