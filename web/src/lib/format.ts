// Labels and time formatting shared by every view.
import type {
  DeliveryStatus,
  DestinationType,
  FailureLayer,
  QueueOperation,
  RealtimeSource,
  SyncJobStatus,
  SyncStage,
  SyncType,
} from './gql/graphql';

// Typed from codegen's enums: a value the schema adds or drops fails svelte-check here, not at run time.
/** the values of an enum in the order its labels are written */
const valuesOf = <T extends string>(labels: Record<T, string>) => Object.keys(labels) as T[];

export const STAGE_LABELS: Record<SyncStage, string> = {
  IDENTIFY_PAYLOAD: 'Identify payload',
  IDENTIFY_AUDIENCES: 'Identify audiences',
  WRITE_STAGING: 'Write staging',
  CREATE_QUEUE_ITEMS: 'Create queue items',
  UPDATE_AUDIENCES: 'Update audiences',
  SYNC_MEMBERS: 'Add / remove members',
};
export const SYNC_STAGES = valuesOf(STAGE_LABELS);

export const SYNC_TYPE_LABELS: Record<SyncType, string> = {
  NEXT_BEST_ACTION: 'Next best action',
  SEGMENT: 'Segment',
  PII_UPDATE: 'PII update',
  OFFLINE_CONVERSION: 'Offline conversion',
  CONVERSION_AUDIENCE: 'Conversion audience',
  NOTIFICATION: 'Alert / webhook',
};
export const SYNC_TYPES = valuesOf(SYNC_TYPE_LABELS);

const JOB_STATUS_LABELS: Record<SyncJobStatus, string> = {
  PENDING: 'Pending',
  RUNNING: 'Running',
  AWAITING_RESPONSE: 'Awaiting response',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  WITHDRAWN: 'Withdrawn',
};
export const JOB_STATUSES = valuesOf(JOB_STATUS_LABELS);

const DELIVERY_STATUS_LABELS: Record<DeliveryStatus, string> = {
  PENDING: 'Pending',
  SENDING: 'Sending',
  SUCCEEDED: 'Succeeded',
  REJECTED: 'Rejected',
  WAITING_FOR_RETRY: 'Waiting for retry',
  RESENDING: 'Resending',
  FAILED: 'Failed',
  WITHDRAWN: 'Withdrawn',
  OFFLINE_CONVERSION_DISABLED: 'Not sent: offline conversion was off',
};
export const DELIVERY_STATUSES = valuesOf(DELIVERY_STATUS_LABELS);

export const STATUS_LABELS: Record<SyncJobStatus | DeliveryStatus, string> = { ...JOB_STATUS_LABELS, ...DELIVERY_STATUS_LABELS };

/** the tone of a status: colour is never the only signal (badges always carry the label too) */
export type Tone = 'ok' | 'bad' | 'warn' | 'busy' | 'idle';
export const STATUS_TONES: Record<SyncJobStatus | DeliveryStatus, Tone> = {
  PENDING: 'idle',
  RUNNING: 'busy',
  SENDING: 'busy',
  RESENDING: 'busy',
  AWAITING_RESPONSE: 'warn',
  WAITING_FOR_RETRY: 'warn',
  COMPLETED: 'ok',
  SUCCEEDED: 'ok',
  FAILED: 'bad',
  REJECTED: 'bad',
  WITHDRAWN: 'idle',
  OFFLINE_CONVERSION_DISABLED: 'idle',
};

export const REALTIME_SOURCE_LABELS: Record<RealtimeSource, string> = {
  REALTIME_CONTAINER: 'Real-time container',
  REALTIME_EVENT: 'Real-time event',
};

export const DESTINATION_TYPE_LABELS: Record<DestinationType, string> = {
  FACEBOOK_ADS: 'Facebook Ads',
  GOOGLE_ADS: 'Google Ads',
  LINKEDIN_ADS: 'LinkedIn Ads',
  DMP: 'DMP',
  WEB: 'Web',
};
export const DESTINATION_TYPES = valuesOf(DESTINATION_TYPE_LABELS);

export const FAILURE_LAYER_LABELS: Record<FailureLayer, string> = {
  PREPARATION: 'Preparation (our side)',
  SYNC: 'Sync (talking to the destination)',
};

export const OPERATION_LABELS: Record<QueueOperation, string> = {
  ADD: 'Add',
  REMOVE: 'Remove',
  CONVERSION: 'Conversion',
  NOTIFICATION: 'Webhook',
};

export const label = (map: Record<string, string>, value: string | null | undefined) =>
  value == null ? '' : (map[value] ?? value.replaceAll('_', ' ').toLowerCase());

const exactFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: 'short',
});

const clockFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** "14:05:09": a time of day, for a moment soon (a resend, the end of a throttle) */
export function clockTime(iso: string | null | undefined): string {
  return iso ? clockFormat.format(new Date(iso)) : '';
}

export function exactTime(iso: string | null | undefined): string {
  if (!iso) return '';
  return exactFormat.format(new Date(iso));
}

const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });

/** "12 s ago", "in 28 min", "3 days ago" */
export function relativeTime(iso: string | null | undefined, now: number): string {
  if (!iso) return '';
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 5) return 'just now';
  if (abs < 60) return relativeFormat.format(seconds, 'second');
  if (abs < 3600) return relativeFormat.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return relativeFormat.format(Math.round(seconds / 3600), 'hour');
  return relativeFormat.format(Math.round(seconds / 86400), 'day');
}

/** "1.2 s", "3 min 4 s" */
export function duration(fromIso: string | null | undefined, toIso: string | null | undefined, now: number): string {
  if (!fromIso) return '';
  const ms = (toIso ? new Date(toIso).getTime() : now) - new Date(fromIso).getTime();
  if (ms < 0) return '';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}

export const number = (n: number | null | undefined) => (n == null ? '' : new Intl.NumberFormat().format(n));

/** the database id inside a Relay global id ("SyncJob:12", base64), for ordering */
export function localId(globalId: string): number {
  try {
    const decoded = atob(globalId);
    const n = Number(decoded.slice(decoded.lastIndexOf(':') + 1));
    return Number.isFinite(n) ? n : 0;
  } catch {
    return 0;
  }
}

export function errorMessage(error: unknown): string {
  if (!error) return '';
  const e = error as { graphQLErrors?: { message: string }[]; networkError?: Error; message?: string };
  if (e.graphQLErrors?.length) return e.graphQLErrors.map((g) => g.message).join('; ');
  if (e.networkError) return `Cannot reach the paidsync server (${e.networkError.message}).`;
  return e.message ?? String(error);
}
