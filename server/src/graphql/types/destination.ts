import { z } from 'zod';
import { DestinationType } from '../../generated/prisma/enums.ts';
import { credentialsSchemas, needsCredentials, settingsSchemas } from '../../destinations/destinationSettings.ts';
import { builder } from '../builder.ts';
import { checkDestinationTargets } from '../destinationTargets.ts';
import { badInput, conflict, notFound } from '../errors.ts';
import { isUniqueViolation } from '../../db/uniqueViolation.ts';
import { decodeId } from '../ids.ts';
import { parseInput } from '../validate.ts';

export const DestinationTypeEnum = builder.enumType(DestinationType, {
  name: 'DestinationType',
  description:
    'The kind of ad network or endpoint a destination is; it decides the wire format and what `settings` and `credentials` take.',
  values: {
    FACEBOOK_ADS: {
      description:
        'Meta (Facebook) Ads: Custom Audiences (users endpoint, in sessions) and the Conversions API. Settings: adAccountId, pixelId (for conversions), apiVersion. Credentials: accessToken.',
    },
    GOOGLE_ADS: {
      description:
        'Google Ads: Customer Match through offline user data jobs, and click conversion uploads. Settings: customerId, loginCustomerId, conversionActionId, apiVersion. Credentials: accessToken, developerToken.',
    },
    LINKEDIN_ADS: {
      description:
        'LinkedIn Ads: DMP segments, users added and removed with BATCH_CREATE. Settings: adAccountId, apiVersion (YYYYMM). Credentials: accessToken.',
    },
    DMP: {
      description:
        'A data-management platform fed by batch files (ndjson or csv, gzipped) under PAIDSYNC_DMP_ROOT. Settings: directory, format, fields. No credentials.',
    },
    WEB: {
      description:
        'Any HTTP(S) endpoint that takes JSON batches, HMAC-signed when a signingSecret is given. Settings: url, fields. Credentials: signingSecret (optional).',
    },
  },
});

export const DestinationRef = builder.prismaNode('Destination', {
  description:
    'An ad network account or endpoint that audiences and conversions are sent to. Any role may read it; only ADMIN may create or change it.',
  id: { field: 'id' },
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Unique name, as shown on the dashboard.' }),
    type: t.expose('type', { type: DestinationTypeEnum, description: 'Which network or endpoint this is; fixed at creation.' }),
    settings: t.expose('settings', {
      type: 'JSON',
      description:
        'Non-secret settings, an object: apiBaseUrl (where requests go; the simulator in tests and the demo), the account ids of its type, batchSize (records per request), requestsPerSecond and concurrency (limits held across every worker). Never credentials.',
    }),
    enabled: t.exposeBoolean('enabled', { description: 'false: no new jobs are made for this destination.' }),
    hasCredentials: t.boolean({
      description: 'Whether credentials are stored. They are write-only and never returned.',
      select: { credentialsEncrypted: true },
      resolve: (d) => d.credentialsEncrypted !== null,
    }),
    audiences: t.relation('audiences', {
      query: { orderBy: { id: 'asc' } },
      description: 'The lists paidsync keeps in this destination, oldest first.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the destination was created.' }),
    pausedUntil: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        'While the network throttles this destination (Retry-After and the like): no worker sends to it before this time. Null when not paused.',
      select: { rateLimit: { select: { pausedUntil: true } } },
      resolve: (d) => {
        const until = d.rateLimit?.pausedUntil;
        return until && until.getTime() > Date.now() ? until : null;
      },
    }),
  }),
});

builder.prismaNode('Audience', {
  description: 'The list inside one destination that a segment, a next-best-action issue/group or a conversion type maps to.',
  id: { field: 'id' },
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Its name in the ad network (made from the segment, issue/group or conversion name).' }),
    externalId: t.exposeString('externalId', {
      nullable: true,
      description: "The audience's id inside the ad network; null until the network has created it.",
    }),
    memberCount: t.exposeInt('memberCount', { description: 'Members the network has confirmed (accepted adds minus accepted removes).' }),
    matchRate: t.exposeString('matchRate', {
      nullable: true,
      description: 'Match-rate range the network reported (Google Customer Match, e.g. "20-30%"); null when the network reports none.',
    }),
    destination: t.relation('destination', { description: 'The destination the audience lives in.' }),
  }),
});

builder.queryFields((t) => ({
  destinations: t.prismaField({
    type: ['Destination'],
    description: 'Every destination, oldest first.',
    resolve: (query, _root, _args, ctx) => ctx.prisma.destination.findMany({ ...query, orderBy: { id: 'asc' } }),
  }),
  destination: t.prismaField({
    type: 'Destination',
    nullable: true,
    description: 'One destination; null when the id names none.',
    args: { id: t.arg.id({ required: true, description: 'Global id of the destination.' }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.destination.findUnique({ ...query, where: { id: decodeId('Destination', String(args.id)) } }),
  }),
}));

const CreateDestinationInput = builder.inputType('CreateDestinationInput', {
  description: 'A new destination.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Unique name, 1 to 200 characters.' }),
    type: t.field({ type: DestinationTypeEnum, required: true, description: 'Which network or endpoint; cannot be changed later.' }),
    settings: t.field({
      type: 'JSON',
      required: true,
      description: 'Settings for the type (see DestinationType); unknown keys are refused.',
    }),
    credentials: t.field({
      type: 'JSON',
      description:
        'Secrets for the type (see DestinationType): encrypted at rest, write-only, only ever sent to the host they were entered for.',
    }),
  }),
});

const UpdateDestinationInput = builder.inputType('UpdateDestinationInput', {
  description: 'Changes to a destination; a field left out (or null) stays as it is.',
  fields: (t) => ({
    name: t.string({ description: 'A new unique name.' }),
    settings: t.field({ type: 'JSON', description: 'The whole new settings object (it replaces the old one).' }),
    credentials: t.field({ type: 'JSON', description: 'New credentials, replacing the stored ones.' }),
    enabled: t.boolean({ description: 'false stops new jobs for this destination; true resumes them.' }),
  }),
});

const name = z.string().trim().min(1, 'must not be empty').max(200);

builder.mutationFields((t) => ({
  createDestination: t.prismaField({
    type: 'Destination',
    authScopes: { admin: true },
    description: 'ADMIN only. Adds a destination; CONFLICT when the name is taken.',
    args: { input: t.arg({ type: CreateDestinationInput, required: true, description: 'The new destination.' }) },
    resolve: async (query, _root, { input }, ctx) => {
      const type = input.type;
      const validName = parseInput(name, input.name, 'name');
      const parsed = parseInput(settingsSchemas[type], input.settings, `settings for ${type}`);
      const credentials = parseInput(credentialsSchemas[type], input.credentials ?? {}, `credentials for ${type}`);
      if (needsCredentials[type] && Object.keys(credentials).length === 0) {
        badInput(`credentials are required for ${type}`, { field: 'credentials' });
      }
      const settings = await checkDestinationTargets(ctx, { type, settings: parsed, sendsCredentials: true });
      const sealed = Object.keys(credentials).length ? ctx.cipher.seal(credentials) : null;
      try {
        return await ctx.prisma.destination.create({
          ...query,
          data: { name: validName, type, settings: settings as object, credentialsEncrypted: sealed },
        });
      } catch (error) {
        if (isUniqueViolation(error)) conflict(`a destination named "${validName}" already exists`);
        throw error;
      }
    },
  }),
  updateDestination: t.prismaField({
    type: 'Destination',
    authScopes: { admin: true },
    description: 'ADMIN only. Changes a destination; CONFLICT when the name is taken or it changed at the same time.',
    args: {
      id: t.arg.id({ required: true, description: 'Global id of the destination.' }),
      input: t.arg({ type: UpdateDestinationInput, required: true, description: 'What to change.' }),
    },
    resolve: async (query, _root, { id, input }, ctx) => {
      const destinationId = decodeId('Destination', String(id));
      const existing = await ctx.prisma.destination.findUnique({ where: { id: destinationId } });
      if (!existing) return notFound('Destination');
      const type = existing.type;
      const data: Record<string, unknown> = {};
      if (input.name != null) data.name = parseInput(name, input.name, 'name');
      const settings = input.settings != null ? parseInput(settingsSchemas[type], input.settings, `settings for ${type}`) : null;
      if (input.enabled != null) data.enabled = input.enabled;
      if (input.credentials != null) {
        const credentials = parseInput(credentialsSchemas[type], input.credentials, `credentials for ${type}`);
        if (needsCredentials[type] && Object.keys(credentials).length === 0) {
          badInput(`credentials are required for ${type}`, { field: 'credentials' });
        }
        data.credentialsEncrypted = Object.keys(credentials).length ? ctx.cipher.seal(credentials) : null;
      }
      if (settings) {
        data.settings = await checkDestinationTargets(ctx, {
          type,
          settings,
          before: { settings: existing.settings as Record<string, unknown>, hasCredentials: existing.credentialsEncrypted !== null },
          sendsCredentials: input.credentials != null,
        });
      }
      // compare-and-set on updatedAt: a concurrent edit is reported, not silently overwritten
      const { count } = await ctx.prisma.destination
        .updateMany({
          where: { id: destinationId, updatedAt: existing.updatedAt },
          data,
        })
        .catch((error: unknown) => {
          if (isUniqueViolation(error)) conflict(`a destination named "${String(data.name)}" already exists`);
          throw error;
        });
      if (count === 0) conflict('the destination changed while it was being updated; try again');
      return ctx.prisma.destination.findUniqueOrThrow({ ...query, where: { id: destinationId } });
    },
  }),
}));
