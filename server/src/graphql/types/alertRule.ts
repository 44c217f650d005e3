// Alert rules and lifecycle webhooks (ADMIN): what to watch and the WEB destination that receives the
// webhook. Delivery is the pipeline's (server/src/alerts/dispatchNotifications.ts).
import { z } from 'zod';
import { AlertRuleKind } from '../../generated/prisma/enums.ts';
import { builder } from '../builder.ts';
import { badInput, notFound } from '../errors.ts';
import { decodeId, encodeId } from '../ids.ts';
import { parseInput } from '../validate.ts';
import { DestinationRef } from './destination.ts';

const AlertRuleKindEnum = builder.enumType(AlertRuleKind, {
  name: 'AlertRuleKind',
  description: 'What an alert rule watches.',
  values: {
    JOB_FAILED: { description: 'a sync job failed (fires on the failure, once per window)' },
    REJECTION_RATE: { description: 'more than `threshold` percent of the records sent in the last `windowMinutes` were rejected' },
    DESTINATION_PAUSED: { description: "the network's throttling pauses a destination for more than `threshold` minutes from now" },
    WAITING_FOR_RETRY: { description: 'queue items have waited for retry for more than `threshold` hours' },
    SYNC_NOT_COMPLETED: { description: 'a sync has not completed for more than `threshold` hours (no newer job of its scope completed)' },
    LIFECYCLE: { description: 'not an alert: a webhook for every sync job started, completed and failed (Census-style)' },
  },
});

builder.prismaObject('AlertRule', {
  description:
    'An alert or lifecycle webhook rule. Its webhook is a signed JSON POST with a Slack-compatible `text` field, delivered as a NOTIFICATION sync job (retried like any item, shown in Sync Tracking and the API inspector).',
  fields: (t) => ({
    id: t.id({ description: 'the rule id', resolve: (r) => encodeId('AlertRule', r.id) }),
    name: t.exposeString('name', { description: 'a name for people' }),
    kind: t.field({ type: AlertRuleKindEnum, description: 'what it watches', resolve: (r) => r.kind }),
    threshold: t.exposeFloat('threshold', {
      description:
        'percent (REJECTION_RATE), minutes (DESTINATION_PAUSED) or hours (WAITING_FOR_RETRY, SYNC_NOT_COMPLETED); unused otherwise',
    }),
    windowMinutes: t.exposeInt('windowMinutes', {
      description: 'an alert fires at most once per window of this many minutes (and REJECTION_RATE looks this far back)',
    }),
    destination: t.field({
      type: DestinationRef,
      nullable: true,
      description: 'the destination watched; null: every destination',
      select: { destinationId: true },
      resolve: (r, _args, ctx) => (r.destinationId === null ? null : ctx.prisma.destination.findUnique({ where: { id: r.destinationId } })),
    }),
    webhookDestination: t.field({
      type: DestinationRef,
      description: 'the WEB destination the webhook goes to (its URL and signing secret)',
      select: { webhookDestinationId: true },
      resolve: (r, _args, ctx) => ctx.prisma.destination.findUniqueOrThrow({ where: { id: r.webhookDestinationId } }),
    }),
    enabled: t.exposeBoolean('enabled', { description: 'whether it is evaluated' }),
    lastFiredAt: t.expose('lastFiredAt', { type: 'DateTime', nullable: true, description: 'when it last fired (alerts only)' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'when it was made' }),
  }),
});

const AlertRuleInput = builder.inputType('AlertRuleInput', {
  description: 'A new alert rule.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'a name for people (1 to 200 characters)' }),
    kind: t.field({ type: AlertRuleKindEnum, required: true, description: 'what it watches' }),
    threshold: t.float({ description: 'percent, minutes or hours, as the kind says (default 0)' }),
    windowMinutes: t.int({ description: 'fire at most once per this many minutes, 1 to 10080 (default 60)' }),
    destinationId: t.id({ description: 'the destination to watch; left out: every destination' }),
    webhookDestinationId: t.id({ required: true, description: 'the WEB destination that receives the webhook' }),
  }),
});

const inputSchema = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200),
  kind: z.nativeEnum(AlertRuleKind),
  threshold: z.number().min(0).max(1_000_000).nullish(),
  windowMinutes: z.number().int().min(1).max(10_080).nullish(),
  destinationId: z.string().nullish(),
  webhookDestinationId: z.string(),
});

builder.queryFields((t) => ({
  alertRules: t.prismaField({
    type: ['AlertRule'],
    authScopes: { admin: true },
    description: 'ADMIN. Every alert and lifecycle webhook rule, oldest first.',
    resolve: (query, _root, _args, ctx) => ctx.prisma.alertRule.findMany({ ...query, orderBy: { id: 'asc' } }),
  }),
}));

builder.mutationFields((t) => ({
  createAlertRule: t.prismaField({
    type: 'AlertRule',
    authScopes: { admin: true },
    description: 'ADMIN. Adds an alert or lifecycle webhook rule; BAD_USER_INPUT when the receiver is not a WEB destination.',
    args: { input: t.arg({ type: AlertRuleInput, required: true, description: 'the rule' }) },
    resolve: async (query, _root, args, ctx) => {
      const input = parseInput(inputSchema, args.input);
      if (input.kind === 'REJECTION_RATE' && (input.threshold ?? 0) > 100)
        badInput('a rejection rate threshold is a percentage (0 to 100)', { field: 'threshold' });
      const webhookDestinationId = decodeId('Destination', input.webhookDestinationId, 'webhookDestinationId');
      const destinationId = input.destinationId ? decodeId('Destination', input.destinationId, 'destinationId') : null;
      const receiver = await ctx.prisma.destination.findUnique({ where: { id: webhookDestinationId } });
      if (receiver?.type !== 'WEB') badInput('webhookDestinationId must name a WEB destination', { field: 'webhookDestinationId' });
      if (destinationId !== null && !(await ctx.prisma.destination.findUnique({ where: { id: destinationId } }))) notFound('Destination');
      return ctx.prisma.alertRule.create({
        ...query,
        data: {
          name: input.name,
          kind: input.kind,
          threshold: input.threshold ?? 0,
          windowMinutes: input.windowMinutes ?? 60,
          destinationId,
          webhookDestinationId,
        },
      });
    },
  }),
  removeAlertRule: t.prismaField({
    type: 'AlertRule',
    authScopes: { admin: true },
    description: 'ADMIN. Removes a rule (webhooks already queued are still delivered); returns it as it was.',
    args: { id: t.arg.id({ required: true, description: 'the rule' }) },
    resolve: async (query, _root, args, ctx) => {
      const id = decodeId('AlertRule', String(args.id));
      return ctx.prisma.alertRule.delete({ ...query, where: { id } }).catch((error: { code?: string }) => {
        if (error.code === 'P2025') notFound('AlertRule');
        throw error;
      });
    },
  }),
}));
