import { z } from 'zod';
import { DestinationType } from '../../generated/prisma/enums.ts';
import { credentialsSchemas, needsCredentials, settingsSchemas } from '../../destinations/destinationSettings.ts';
import { builder } from '../builder.ts';
import { badInput, conflict, notFound } from '../errors.ts';
import { decodeId } from '../ids.ts';
import { parseInput } from '../validate.ts';

export const DestinationTypeEnum = builder.enumType(DestinationType, { name: 'DestinationType' });

export const DestinationRef = builder.prismaNode('Destination', {
  id: { field: 'id' },
  fields: (t) => ({
    name: t.exposeString('name'),
    type: t.expose('type', { type: DestinationTypeEnum }),
    settings: t.expose('settings', { type: 'JSON' }),
    enabled: t.exposeBoolean('enabled'),
    hasCredentials: t.boolean({
      description: 'Whether credentials are stored. They are write-only and never returned.',
      select: { credentialsEncrypted: true },
      resolve: (d) => d.credentialsEncrypted !== null,
    }),
    audiences: t.relation('audiences', { query: { orderBy: { id: 'asc' } } }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    pausedUntil: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'While the network throttles this destination (Retry-After and the like): no worker sends to it before this time. Null when not paused.',
      select: { rateLimit: { select: { pausedUntil: true } } },
      resolve: (d) => {
        const until = d.rateLimit?.pausedUntil;
        return until && until.getTime() > Date.now() ? until : null;
      },
    }),
  }),
});

builder.prismaNode('Audience', {
  id: { field: 'id' },
  fields: (t) => ({
    name: t.exposeString('name'),
    externalId: t.exposeString('externalId', { nullable: true }),
    memberCount: t.exposeInt('memberCount'),
    matchRate: t.exposeString('matchRate', { nullable: true, description: 'Match-rate range the network reported' }),
    destination: t.relation('destination'),
  }),
});

builder.queryFields((t) => ({
  destinations: t.prismaField({
    type: ['Destination'],
    resolve: (query, _root, _args, ctx) => ctx.prisma.destination.findMany({ ...query, orderBy: { id: 'asc' } }),
  }),
  destination: t.prismaField({
    type: 'Destination',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.destination.findUnique({ ...query, where: { id: decodeId('Destination', String(args.id)) } }),
  }),
}));

const CreateDestinationInput = builder.inputType('CreateDestinationInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    type: t.field({ type: DestinationTypeEnum, required: true }),
    settings: t.field({ type: 'JSON', required: true }),
    credentials: t.field({ type: 'JSON' }),
  }),
});

const UpdateDestinationInput = builder.inputType('UpdateDestinationInput', {
  fields: (t) => ({
    name: t.string(),
    settings: t.field({ type: 'JSON' }),
    credentials: t.field({ type: 'JSON' }),
    enabled: t.boolean(),
  }),
});

const name = z.string().trim().min(1, 'must not be empty').max(200);

builder.mutationFields((t) => ({
  createDestination: t.prismaField({
    type: 'Destination',
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateDestinationInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const type = input.type;
      const validName = parseInput(name, input.name, 'name');
      const settings = parseInput(settingsSchemas[type], input.settings, `settings for ${type}`);
      const credentials = parseInput(credentialsSchemas[type], input.credentials ?? {}, `credentials for ${type}`);
      if (needsCredentials[type] && Object.keys(credentials).length === 0) {
        badInput(`credentials are required for ${type}`, { field: 'credentials' });
      }
      const sealed = Object.keys(credentials).length ? ctx.cipher.seal(credentials) : null;
      try {
        return await ctx.prisma.destination.create({
          ...query,
          data: { name: validName, type, settings, credentialsEncrypted: sealed },
        });
      } catch (error) {
        if ((error as { code?: string }).code === 'P2002') conflict(`a destination named "${validName}" already exists`);
        throw error;
      }
    },
  }),
  updateDestination: t.prismaField({
    type: 'Destination',
    authScopes: { admin: true },
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateDestinationInput, required: true }),
    },
    resolve: async (query, _root, { id, input }, ctx) => {
      const destinationId = decodeId('Destination', String(id));
      const existing = await ctx.prisma.destination.findUnique({ where: { id: destinationId } });
      if (!existing) return notFound('Destination');
      const type = existing.type;
      const data: Record<string, unknown> = {};
      if (input.name != null) data.name = parseInput(name, input.name, 'name');
      if (input.settings != null) data.settings = parseInput(settingsSchemas[type], input.settings, `settings for ${type}`);
      if (input.enabled != null) data.enabled = input.enabled;
      if (input.credentials != null) {
        const credentials = parseInput(credentialsSchemas[type], input.credentials, `credentials for ${type}`);
        if (needsCredentials[type] && Object.keys(credentials).length === 0) {
          badInput(`credentials are required for ${type}`, { field: 'credentials' });
        }
        data.credentialsEncrypted = Object.keys(credentials).length ? ctx.cipher.seal(credentials) : null;
      }
      // compare-and-set on updatedAt: a concurrent edit is reported, not silently overwritten
      const { count } = await ctx.prisma.destination.updateMany({
        where: { id: destinationId, updatedAt: existing.updatedAt },
        data,
      }).catch((error: { code?: string }) => {
        if (error.code === 'P2002') conflict(`a destination named "${String(data.name)}" already exists`);
        throw error;
      });
      if (count === 0) conflict('the destination changed while it was being updated; try again');
      return ctx.prisma.destination.findUniqueOrThrow({ ...query, where: { id: destinationId } });
    },
  }),
}));
