// Offline conversions coming in (capturePaidResponse) and going out again (historical push).
import { z } from 'zod';
import { captureConversion } from '../../pipeline/conversions/captureConversion.ts';
import { pushHistoricalConversions } from '../../pipeline/conversions/pushHistoricalConversions.ts';
import { builder } from '../builder.ts';
import { badInput } from '../errors.ts';
import { parseInput } from '../validate.ts';

const CapturePaidResponseInput = builder.inputType('CapturePaidResponseInput', {
  description: 'One offline conversion. Give customerExternalId or clickId (or both), so the network can match it.',
  fields: (t) => ({
    eventId: t.string({ required: true, description: 'idempotency key: a second capture with the same id changes nothing' }),
    conversionName: t.string({ required: true, description: 'The conversion type, e.g. Purchase (1 to 200 characters).' }),
    occurredAt: t.field({
      type: 'DateTime',
      required: true,
      description: 'When it happened; not in the future (5 minutes of clock skew allowed).',
    }),
    customerExternalId: t.string({ description: 'The customer who converted (an upserted externalId).' }),
    clickId: t.string({ description: 'gclid / fbclid' }),
    value: t.float({ description: 'Monetary value, in `currency` units (0 to 10^12).' }),
    currency: t.string({ description: 'ISO-4217 code of value, e.g. USD.' }),
  }),
});

const CapturePaidResponsePayload = builder.objectRef<{ eventId: number; duplicate: boolean }>('CapturePaidResponsePayload').implement({
  description: 'What capturePaidResponse did.',
  fields: (t) => ({
    event: t.prismaField({
      type: 'ConversionEvent',
      description: 'The stored event (the first one, for a duplicate).',
      resolve: (query, parent, _args, ctx) => ctx.prisma.conversionEvent.findUniqueOrThrow({ ...query, where: { id: parent.eventId } }),
    }),
    duplicate: t.exposeBoolean('duplicate', { description: 'true when an event with this eventId was already captured: nothing changed.' }),
  }),
});

const captureSchema = z
  .object({
    eventId: z.string().trim().min(1, 'must not be empty').max(200),
    conversionName: z.string().trim().min(1, 'must not be empty').max(200),
    occurredAt: z.date().refine((d) => d.getTime() <= Date.now() + 5 * 60_000, 'must not be in the future'),
    customerExternalId: z.string().min(1).max(256).nullish(),
    clickId: z.string().min(1).max(500).nullish(),
    value: z.number().finite().min(0).max(1e12).nullish(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO-4217 code like USD')
      .nullish(),
  })
  .refine((e) => e.customerExternalId != null || e.clickId != null, 'give customerExternalId or clickId, so the network can match it');

builder.mutationFields((t) => ({
  capturePaidResponse: t.field({
    type: CapturePaidResponsePayload,
    description:
      'OPERATOR or ADMIN. Captures an offline conversion; while offline conversions are enabled it goes out to every conversion destination within about a second. Safe to repeat (eventId). Its own rate budget: PAIDSYNC_CAPTURES_PER_MINUTE_PER_KEY.',
    args: { input: t.arg({ type: CapturePaidResponseInput, required: true, description: 'The conversion.' }) },
    resolve: async (_root, args, ctx) => {
      const input = parseInput(captureSchema, args.input);
      const { id, duplicate } = await captureConversion(ctx, {
        eventId: input.eventId,
        conversionName: input.conversionName,
        occurredAt: input.occurredAt,
        customerExternalId: input.customerExternalId ?? null,
        clickId: input.clickId ?? null,
        value: input.value ?? null,
        currency: input.currency ?? null,
      });
      return { eventId: id, duplicate };
    },
  }),
  pushHistoricalConversions: t.prismaField({
    type: ['SyncJob'],
    description: 'send the conversions captured in [from, to) again to every conversion destination',
    args: {
      from: t.arg({ type: 'DateTime', required: true, description: 'Captured at or after this instant.' }),
      to: t.arg({ type: 'DateTime', required: true, description: 'Captured before this instant; must be after `from`.' }),
    },
    resolve: async (query, _root, args, ctx) => {
      if (args.from >= args.to) badInput('from must be before to');
      const ids = await pushHistoricalConversions(ctx, { from: args.from, to: args.to });
      return ctx.prisma.syncJob.findMany({ ...query, where: { id: { in: ids } }, orderBy: { id: 'asc' } });
    },
  }),
}));
