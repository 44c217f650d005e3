// customerTrace(externalId): why a customer is, or is not, in each audience (server/src/trace).
import {
  readCustomerTrace,
  type CustomerTrace,
  type SentIdentifier,
  type TraceAudience,
  type TraceJob,
} from '../../trace/readCustomerTrace.ts';
import { builder } from '../builder.ts';
import { badInput, notFound } from '../errors.ts';
import { encodeId } from '../ids.ts';
import { DeliveryStatusEnum, QueueOperationEnum } from './queueItem.ts';
import { DestinationTypeEnum } from './destination.ts';
import { SyncJobStatusEnum, SyncTypeEnum } from './syncJob.ts';

const TraceVerdictEnum = builder.enumType('TraceVerdict', {
  description: 'Where a customer stands with one audience, in one word.',
  values: {
    MEMBER: { description: 'the network confirmed the customer is in the audience' },
    WAITING_FOR_RETRY: { description: 'the queue item carrying the customer failed for an external reason and is resent automatically' },
    REJECTED: { description: 'the network refused the record (see rejections); the next run of the scope sends it again' },
    NO_CONSENT: { description: "in the audience's segment, but without ad consent: never sent, or removed" },
    PENDING: { description: 'in scope and not yet confirmed: the next (or running) sync sends the customer' },
    NOT_IN_SCOPE: { description: "not in the audience's segment (never was, or left it and was removed), or not known to belong to it" },
  } as const,
});

const SentIdentifierRef = builder.objectRef<SentIdentifier>('TraceSentIdentifier').implement({
  description: 'One hashed identifier the network last accepted for the customer; only a prefix of the SHA-256 hash is shown.',
  fields: (t) => ({
    type: t.exposeString('type', {
      description: 'which identifier, as the network names it (e.g. EMAIL, PHONE, hashedEmail, SHA256_EMAIL)',
    }),
    hashPrefix: t.exposeString('hashPrefix', { description: 'the first 8 hex digits of the hash that was sent' }),
  }),
});

const TraceQueueItemRef = builder.objectRef<NonNullable<TraceJob['queueItem']>>('TraceQueueItem').implement({
  description: 'The queue item of a job that carries the customer.',
  fields: (t) => ({
    id: t.id({ description: 'the QueueItem global id', resolve: (q) => encodeId('QueueItem', q.id) }),
    status: t.field({ type: DeliveryStatusEnum, description: 'its delivery status', resolve: (q) => q.status as never }),
    attempts: t.exposeInt('attempts', { description: 'how many times it was sent' }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'the error of its last attempt' }),
    lastAttemptAt: t.expose('lastAttemptAt', { type: 'DateTime', nullable: true, description: 'when it was last sent' }),
    nextAttemptAt: t.expose('nextAttemptAt', {
      type: 'DateTime',
      nullable: true,
      description: 'when it is resent automatically, while it waits for retry',
    }),
  }),
});

const TraceJobRef = builder.objectRef<TraceJob>('TraceJob').implement({
  description: "One of the audience's latest sync jobs, and what it does with the customer while its rows are kept (until it completes).",
  fields: (t) => ({
    id: t.id({ description: 'the SyncJob global id', resolve: (j) => encodeId('SyncJob', j.id) }),
    status: t.field({ type: SyncJobStatusEnum, description: 'the job status', resolve: (j) => j.status as never }),
    syncType: t.field({ type: SyncTypeEnum, description: 'what made the job', resolve: (j) => j.syncType as never }),
    fullDiff: t.exposeBoolean('fullDiff', {
      description: 'true: the job makes the audience equal its scope (adds and removes); false: it only adds',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'when the job was created' }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true, description: 'when it ended' }),
    error: t.exposeString('error', { nullable: true, description: 'why it failed' }),
    recordsAdded: t.exposeInt('recordsAdded', { description: 'members the job added' }),
    recordsRemoved: t.exposeInt('recordsRemoved', { description: 'members the job removed' }),
    operation: t.field({
      type: QueueOperationEnum,
      nullable: true,
      description:
        'ADD or REMOVE when the job carries the customer; null when it does not, or when it completed and its rows were discarded',
      resolve: (j) => j.operation as never,
    }),
    queueItem: t.field({
      type: TraceQueueItemRef,
      nullable: true,
      description: 'the queue item that carries the customer',
      resolve: (j) => j.queueItem,
    }),
  }),
});

const TraceRejectionRef = builder.objectRef<TraceAudience['rejections'][number]>('TraceRejection').implement({
  description: "An open rejection of the customer's record (not yet accepted by a later run).",
  fields: (t) => ({
    syncJobId: t.id({
      description: 'the SyncJob global id of the job that got the rejection',
      resolve: (r) => encodeId('SyncJob', r.syncJobId),
    }),
    reason: t.exposeString('reason', { description: "the network's reason" }),
    at: t.expose('at', { type: 'DateTime', description: 'when it was rejected' }),
  }),
});

const TraceSegmentRef = builder.objectRef<NonNullable<TraceAudience['segment']>>('TraceAudienceSegment').implement({
  description: 'The segment an audience stands for, and whether it holds the customer now.',
  fields: (t) => ({
    id: t.id({ description: 'the Segment global id', resolve: (s) => encodeId('Segment', s.id) }),
    name: t.exposeString('name', { description: 'the segment name' }),
    includesCustomer: t.exposeBoolean('includesCustomer', {
      description: 'whether the customer is in the segment now (its list or its criteria)',
    }),
  }),
});

const TraceAudienceRef = builder.objectRef<TraceAudience>('TraceAudience').implement({
  description: 'One audience of one destination, as it concerns the customer.',
  fields: (t) => ({
    audienceId: t.id({ description: 'the audience id', resolve: (a) => String(a.audienceId) }),
    audienceName: t.exposeString('audienceName', { description: 'the audience name' }),
    destinationId: t.id({ description: 'the Destination global id', resolve: (a) => encodeId('Destination', a.destinationId) }),
    destinationName: t.exposeString('destinationName', { description: 'the destination name' }),
    destinationType: t.field({
      type: DestinationTypeEnum,
      description: 'the destination type',
      resolve: (a) => a.destinationType as never,
    }),
    verdict: t.field({ type: TraceVerdictEnum, description: 'where the customer stands, in one word', resolve: (a) => a.verdict }),
    member: t.exposeBoolean('member', { description: 'whether the network confirmed the customer is in the audience' }),
    confirmedAt: t.expose('confirmedAt', { type: 'DateTime', nullable: true, description: 'when the network last accepted the customer' }),
    sentIdentifiers: t.field({
      type: [SentIdentifierRef],
      description: 'the hashed identifiers the network holds for the customer (prefixes only)',
      resolve: (a) => a.sentIdentifiers,
    }),
    segment: t.field({
      type: TraceSegmentRef,
      nullable: true,
      description: 'the segment the audience stands for; null for next-best-action and conversion audiences',
      resolve: (a) => a.segment,
    }),
    jobs: t.field({ type: [TraceJobRef], description: "the audience's latest jobs (up to 5), newest first", resolve: (a) => a.jobs }),
    rejections: t.field({
      type: [TraceRejectionRef],
      description: "open rejections of the customer's record in this audience, newest first",
      resolve: (a) => a.rejections,
    }),
  }),
});

const TraceSegmentMembershipRef = builder.objectRef<CustomerTrace['segments'][number]>('TraceSegmentMembership').implement({
  description: 'A segment that holds the customer now.',
  fields: (t) => ({
    id: t.id({ description: 'the Segment global id', resolve: (s) => encodeId('Segment', s.id) }),
    name: t.exposeString('name', { description: 'the segment name' }),
    paidSyncEnabled: t.exposeBoolean('paidSyncEnabled', { description: 'whether the segment syncs to its destinations' }),
  }),
});

const CustomerTraceRef = builder.objectRef<CustomerTrace>('CustomerTrace').implement({
  description:
    'Everything paidsync knows about why one customer is, or is not, in each audience. Never raw PII: hashes are cut to prefixes.',
  fields: (t) => ({
    externalId: t.exposeString('externalId', { description: "the customer's external id" }),
    adConsent: t.exposeBoolean('adConsent', { description: 'false: the customer is never sent, and removed from audiences it was in' }),
    segments: t.field({
      type: [TraceSegmentMembershipRef],
      description: 'the segments that hold the customer now',
      resolve: (c) => c.segments,
    }),
    audiences: t.field({
      type: [TraceAudienceRef],
      description: 'every audience, by destination and name, with where the customer stands in it',
      resolve: (c) => c.audiences,
    }),
  }),
});

builder.queryFields((t) => ({
  customerTrace: t.field({
    type: CustomerTraceRef,
    description:
      'VIEWER and up. Why a customer is (not) in each audience: membership, hashed identifiers sent (prefixes), segments and consent, the jobs and queue items that carry them, rejections. NOT_FOUND for an unknown external id.',
    args: { externalId: t.arg.string({ required: true, description: "the customer's external id" }) },
    resolve: async (_root, args, ctx) => {
      if (args.externalId.length < 1 || args.externalId.length > 256)
        badInput('externalId must be 1 to 256 characters', { field: 'externalId' });
      return (await readCustomerTrace(ctx.pool, args.externalId)) ?? notFound('Customer');
    },
  }),
}));
