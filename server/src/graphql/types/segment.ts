import { z } from 'zod';
import { withTransaction } from '../../db/withTransaction.ts';
import { QUEUES } from '../../queue/queues.ts';
import { criteriaInputSchema } from '../../segments/segmentCriteria.ts';
import { countSegmentMembers, replaceStaticMembers } from '../../segments/segmentMembers.ts';
import { builder } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { assertCron } from '../cron.ts';
import { badInput, conflict, notFound } from '../errors.ts';
import { decodeId, decodeIds } from '../ids.ts';
import { parseInput } from '../validate.ts';

builder.prismaNode('Segment', {
  description: 'A named set of customers (a rule over their attributes, or a static list) and the destinations it syncs to.',
  id: { field: 'id' },
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Unique name; also the name of its audience in each destination.' }),
    paidSyncEnabled: t.exposeBoolean('paidSyncEnabled', { description: 'Whether the segment may be synced to ad networks (triggerSegmentSync refuses it otherwise).' }),
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
  schedule: z.string().trim().max(100).regex(/^$|^(\S+\s+){4,5}\S+$/, 'must be a cron expression like "*/15 * * * *"').nullish(),
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
    criteria: t.field({ type: 'JSON', description: 'A new rule over customer attributes, e.g. { "attribute": "plan", "op": "eq", "value": "gold" }, combined with { "all": [...] }, { "any": [...] }, { "not": ... }.' }),
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

function uniqueViolation(error: unknown, name: string | undefined) {
  if ((error as { code?: string }).code === '23505') conflict(`a segment named "${name}" already exists`);
}

builder.mutationFields((t) => ({
  createSegment: t.prismaField({
    type: 'Segment',
    description: 'OPERATOR or ADMIN. Creates a segment; CONFLICT when the name is taken, BAD_USER_INPUT for an unknown destination or customer.',
    args: { input: t.arg({ type: CreateSegmentInput, required: true, description: 'The new segment.' }) },
    resolve: async (query, _root, args, ctx) => {
      const input = parseInput(createSchema, args.input);
      const destinationIds = decodeIds('Destination', input.destinationIds, 'destinationIds');
      if (input.schedule) assertCron(ctx.boss, input.schedule);
      await checkDestinations(ctx, destinationIds);
      const id = await withTransaction(ctx.pool, async (db) => {
        const { rows } = await db
          .query<{ id: number }>(
            `INSERT INTO segments (name, paid_sync_enabled, criteria, schedule) VALUES ($1, $2, $3, $4) RETURNING id`,
            [input.name, input.paidSyncEnabled, input.criteria == null ? null : JSON.stringify(input.criteria), input.schedule || null],
          )
          .catch((error) => {
            uniqueViolation(error, input.name);
            throw error;
          });
        const segmentId = rows[0]!.id;
        await db.query(
          'INSERT INTO segment_destinations (segment_id, destination_id) SELECT $1, unnest($2::int[])',
          [segmentId, destinationIds],
        );
        if (input.criteria == null && input.customerExternalIds?.length) {
          const unknown = await replaceStaticMembers(db, segmentId, input.customerExternalIds);
          if (unknown.length) badInput(`customerExternalIds has unknown customers: ${unknown.join(', ')}`, { field: 'customerExternalIds' });
        }
        if (input.schedule) await applySchedule(ctx, segmentId, input.schedule);
        return segmentId;
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
      await withTransaction(ctx.pool, async (db) => {
        const { rowCount } = await db.query('SELECT 1 FROM segments WHERE id = $1 FOR UPDATE', [id]);
        if (!rowCount) notFound('Segment');
        const sets: string[] = [];
        const params: unknown[] = [id];
        const set = (column: string, value: unknown) => {
          params.push(value);
          sets.push(`${column} = $${params.length}`);
        };
        if (input.name != null) set('name', input.name);
        if (input.paidSyncEnabled != null) set('paid_sync_enabled', input.paidSyncEnabled);
        if (input.criteria != null) set('criteria', JSON.stringify(input.criteria));
        if (input.schedule != null) set('schedule', input.schedule || null);
        // a new static list turns a rule-based segment into a static one
        if (input.customerExternalIds != null) set('criteria', null);
        sets.push('updated_at = now()');
        await db.query(`UPDATE segments SET ${sets.join(', ')} WHERE id = $1`, params).catch((error) => {
          uniqueViolation(error, input.name);
          throw error;
        });
        if (destinationIds) {
          await db.query('DELETE FROM segment_destinations WHERE segment_id = $1', [id]);
          await db.query('INSERT INTO segment_destinations (segment_id, destination_id) SELECT $1, unnest($2::int[])', [
            id,
            destinationIds,
          ]);
        }
        if (input.customerExternalIds != null) {
          const unknown = await replaceStaticMembers(db, id, input.customerExternalIds);
          if (unknown.length) badInput(`customerExternalIds has unknown customers: ${unknown.join(', ')}`, { field: 'customerExternalIds' });
        }
        if (input.criteria != null) await db.query('DELETE FROM segment_members WHERE segment_id = $1', [id]);
        if (input.schedule != null) await applySchedule(ctx, id, input.schedule);
      });
      return ctx.prisma.segment.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));
