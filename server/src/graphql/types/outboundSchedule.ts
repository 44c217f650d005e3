// Outbound-run schedules (made by triggerOutboundRun with a `schedule`): listed, and removable, which
// also stops their cron in pg-boss.
import { QUEUES } from '../../queue/queues.ts';
import { builder } from '../builder.ts';
import { notFound } from '../errors.ts';
import { decodeId } from '../ids.ts';
import { DestinationRef } from './destination.ts';
import { SegmentRef } from './segment.ts';

builder.prismaNode('OutboundSchedule', {
  id: { field: 'id' },
  description: 'a next-best-action outbound run repeated on a cron schedule',
  fields: (t) => ({
    issue: t.exposeString('issue', { description: 'the issue of the next-best-action level it runs for' }),
    group: t.exposeString('group', { description: 'the group of the next-best-action level it runs for' }),
    cron: t.exposeString('cron', { description: 'when it runs, as a cron expression' }),
    segment: t.field({
      type: SegmentRef,
      nullable: true,
      description: 'the segment its audience becomes; null when it names customers instead',
      select: { segmentId: true },
      resolve: (s, _args, ctx) => (s.segmentId === null ? null : ctx.prisma.segment.findUnique({ where: { id: s.segmentId } })),
    }),
    customerCount: t.int({
      description: 'how many customers it names, when it names customers rather than a segment',
      select: { customerExternalIds: true },
      resolve: (s) => s.customerExternalIds.length,
    }),
    destinations: t.field({
      type: [DestinationRef],
      description: 'the destinations each run syncs to',
      select: { destinationIds: true },
      resolve: (s, _args, ctx) => ctx.prisma.destination.findMany({ where: { id: { in: s.destinationIds } }, orderBy: { id: 'asc' } }),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'when the schedule was made or last replaced' }),
  }),
});

builder.queryFields((t) => ({
  outboundSchedules: t.prismaField({
    type: ['OutboundSchedule'],
    description: 'every outbound-run schedule, oldest first',
    resolve: (query, _root, _args, ctx) => ctx.prisma.outboundSchedule.findMany({ ...query, orderBy: { id: 'asc' } }),
  }),
}));

builder.mutationFields((t) => ({
  removeOutboundSchedule: t.prismaField({
    type: 'OutboundSchedule',
    description: 'stop an outbound-run schedule: no run starts from it any more (runs already made go on); returns it as it was',
    args: { id: t.arg.id({ required: true, description: 'the schedule to remove' }) },
    resolve: async (query, _root, args, ctx) => {
      const id = decodeId('OutboundSchedule', String(args.id));
      const removed = await ctx.prisma.outboundSchedule.delete({ ...query, where: { id } }).catch((error: { code?: string }) => {
        if (error.code === 'P2025') notFound('OutboundSchedule');
        throw error;
      });
      // the row is gone first: a run the cron fires meanwhile finds no schedule and does nothing
      await ctx.boss.unschedule(QUEUES.scheduledOutboundRun, `outbound-${id}`);
      return removed;
    },
  }),
}));
