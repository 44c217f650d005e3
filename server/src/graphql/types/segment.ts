import { z } from 'zod';
import { withTransaction } from '../../db/withTransaction.ts';
import { QUEUES } from '../../queue/queues.ts';
import { criteriaInputSchema } from '../../segments/segmentCriteria.ts';
import { createSegment } from '../../segments/createSegment.ts';
import { countSegmentMembers } from '../../segments/segmentMembers.ts';
import { updateSegment } from '../../segments/updateSegment.ts';
import { isUniqueViolation } from '../../db/uniqueViolation.ts';
import { builder } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { assertCron } from '../cron.ts';
import { badInput, conflict, notFound } from '../errors.ts';
import { decodeId, decodeIds } from '../ids.ts';
import { parseInput } from '../validate.ts';

export const SegmentRef = builder.prismaNode('Segment', {
  description: 'A named set of customers (a rule over their attributes, or a static list) and the destinations it syncs to.',
  id: { field: 'id' },
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Unique name; also the name of its audience in each destination.' }),
    paidSyncEnabled: t.exposeBoolean('paidSyncEnabled', {
      description: 'Whether the segment may be synced to ad networks (triggerSegmentSync refuses it otherwise).',
    }),
    criteria: t.expose('criteria', { type: 'JSON', nullable: true, description: 'null for a static list' }),
    schedule: t.exposeString('schedule', { nullable: true, description: 'cron expression of its automatic syncs, if any' }),
    destinations: t.prismaField({
      type: ['Destination'],
      description: 'The destinations a sync of this segment goes to, oldest first.',
      select: { id: true },
      resolve: (query, segment, _args, ctx) =>
        ctx.prisma.destination.findMany({ ...query, where: { segments: { some: { segmentId: segment.id } } }, orderBy: { id: 'asc' } }),
    }),
    memberCount: t.int({
      description: 'Customers in the segment now (counted when asked; for a rule, over the current attributes).',
      select: { id: true, criteria: true },
      resolve: (segment, _args, ctx) => countSegmentMembers(ctx.pool, segment),
    }),
  }),
});

builder.queryFields((t) => ({
  segments: t.prismaField({
    type: ['Segment'],
    description: 'Every segment, oldest first.',
    resolve: (query, _root, _args, ctx) => ctx.prisma.segment.findMany({ ...query, orderBy: { id: 'asc' } }),
  }),
}));

const MAX_STATIC_MEMBERS = 100_000;
const segmentFields = {
  name: z.string().trim().min(1, 'must not be empty').max(200),
  paidSyncEnabled: z.boolean(),
  destinationIds: z.array(z.string()).max(100),
  customerExternalIds: z.array(z.string().min(1).max(256)).max(MAX_STATIC_MEMBERS).nullish(),
  criteria: criteriaInputSchema.nullish(),
  // cron, five or six fields; '' clears it
  schedule: z
    .string()
    .trim()
    .max(100)
    .regex(/^$|^(\S+\s+){4,5}\S+$/, 'must be a cron expression like "*/15 * * * *"')
    .nullish(),
};
const createSchema = z
  .object(segmentFields)
  .refine((s) => !(s.customerExternalIds && s.criteria), 'give customerExternalIds or criteria, not both');
const updateSchema = z
  .object(segmentFields)
  .partial()
  .refine((s) => !(s.customerExternalIds && s.criteria), 'give customerExternalIds or criteria, not both');

const CreateSegmentInput = builder.inputType('CreateSegmentInput', {
  description: 'A new segment: give customerExternalIds (a static list) or criteria (a rule), not both.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Unique name, 1 to 200 characters.' }),
    paidSyncEnabled: t.boolean({ required: true, description: 'Whether it may be synced to ad networks.' }),
    destinationIds: t.idList({ required: true, description: 'Global ids of the destinations it syncs to (at most 100).' }),
    customerExternalIds: t.stringList({ description: 'a static segment' }),
    criteria: t.field({ type: 'JSON', description: 'or a rule over customer attributes' }),
    schedule: t.string({ description: 'a cron expression: sync the segment automatically on it' }),
  }),
});

const UpdateSegmentInput = builder.inputType('UpdateSegmentInput', {
  description: 'Changes to a segment; a field left out (or null) stays as it is.',
  fields: (t) => ({
    name: t.string({ description: 'A new unique name.' }),
    paidSyncEnabled: t.boolean({ description: 'Allow or stop syncs to ad networks.' }),
    destinationIds: t.idList({ description: 'The new full list of destinations (replaces the old one).' }),
    customerExternalIds: t.stringList({ description: 'A new static list (at most 100,000); makes a rule-based segment static.' }),
    criteria: t.field({
      type: 'JSON',
      description:
        'A new rule over customer attributes, e.g. { "attribute": "plan", "op": "eq", "value": "gold" }, combined with { "all": [...] }, { "any": [...] }, { "not": ... }.',
    }),
    schedule: t.string({ description: "a cron expression, or '' to stop the automatic syncs" }),
  }),
});

async function checkDestinations(ctx: GraphQLContext, ids: number[]) {
  const found = await ctx.prisma.destination.count({ where: { id: { in: ids } } });
  if (found !== ids.length) badInput('destinationIds names a destination that does not exist', { field: 'destinationIds' });
}

/** Registers (or with '' removes) the segment's cron schedule; pg-boss refuses a malformed one. */
async function applySchedule(ctx: GraphQLContext, segmentId: number, cron: string) {
  const key = `segment-${segmentId}`;
  if (!cron) return ctx.boss.unschedule(QUEUES.scheduledSegmentSync, key);
  await ctx.boss
    .schedule(QUEUES.scheduledSegmentSync, cron, { segmentId }, { key })
    .catch((error: Error) => badInput(`schedule is not a valid cron expression: ${error.message}`, { field: 'schedule' }));
}

const unknownCustomers = (externalIds: string[]): never =>
  badInput(`customerExternalIds has unknown customers: ${externalIds.join(', ')}`, { field: 'customerExternalIds' });

/** CONFLICT for a name another segment holds; any other error as it was. */
function nameTaken(name: string | null | undefined) {
  return (error: unknown): never => {
    if (isUniqueViolation(error)) conflict(`a segment named "${name}" already exists`);
    throw error;
  };
}

builder.mutationFields((t) => ({
  createSegment: t.prismaField({
    type: 'Segment',
    description:
      'OPERATOR or ADMIN. Creates a segment; CONFLICT when the name is taken, BAD_USER_INPUT for an unknown destination or customer.',
    args: { input: t.arg({ type: CreateSegmentInput, required: true, description: 'The new segment.' }) },
    resolve: async (query, _root, args, ctx) => {
      const input = parseInput(createSchema, args.input);
      const destinationIds = decodeIds('Destination', input.destinationIds, 'destinationIds');
      if (input.schedule) assertCron(ctx.boss, input.schedule);
      await checkDestinations(ctx, destinationIds);
      const id = await withTransaction(ctx.pool, async (tx) => {
        const created = await createSegment(tx, { ...input, schedule: input.schedule || null, destinationIds }).catch(
          nameTaken(input.name),
        );
        if (created.unknownCustomers.length) unknownCustomers(created.unknownCustomers);
        if (input.schedule) await applySchedule(ctx, created.id, input.schedule);
        return created.id;
      });
      return ctx.prisma.segment.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  updateSegment: t.prismaField({
    type: 'Segment',
    description: 'OPERATOR or ADMIN. Changes a segment; the next sync sends the difference.',
    args: {
      id: t.arg.id({ required: true, description: 'Global id of the segment.' }),
      input: t.arg({ type: UpdateSegmentInput, required: true, description: 'What to change.' }),
    },
    resolve: async (query, _root, args, ctx) => {
      const id = decodeId('Segment', String(args.id));
      const input = parseInput(updateSchema, args.input);
      const destinationIds = input.destinationIds ? decodeIds('Destination', input.destinationIds, 'destinationIds') : null;
      if (destinationIds) await checkDestinations(ctx, destinationIds);
      if (input.schedule) assertCron(ctx.boss, input.schedule);
      await withTransaction(ctx.pool, async (tx) => {
        const updated = await updateSegment(tx, id, { ...input, destinationIds }).catch(nameTaken(input.name));
        if (!updated) return notFound('Segment');
        if (updated.unknownCustomers.length) unknownCustomers(updated.unknownCustomers);
        if (input.schedule != null) await applySchedule(ctx, id, input.schedule);
      });
      return ctx.prisma.segment.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));
