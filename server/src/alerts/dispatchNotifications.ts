// Turns job lifecycle events and rule conditions into webhooks, in one transaction: the drained
// outbox rows (job_lifecycle_events, written by a trigger with each status change), the rules'
// last-fired windows and the notification jobs commit together — a worker killed midway leaves the
// events to the next run, and nothing is sent twice from one event.
//
// Why notifications are queue items: the receiver is a WEB destination and each webhook a one-item
// job (createNotification.ts), so deliverQueueItem/settleQueueItem send, sign, retry in-run, wait for
// the 30-minute resend and record the API calls exactly as for audience batches; no second delivery
// path to keep honest.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { withTransaction } from '../db/withTransaction.ts';
import type { PipelineContext } from '../pipeline/pipelineContext.ts';
import { alertCondition, type AlertRuleRow } from './alertConditions.ts';
import { createNotification } from './createNotification.ts';
import { fireOncePerWindow } from './fireOncePerWindow.ts';

const EVENTS_PER_RUN = 500;

interface LifecycleRow {
  event: 'started' | 'completed' | 'failed';
  at: Date;
  id: number;
  status: string;
  sync_type: string;
  destination_id: number;
  destination_name: string;
  triggered_by: string | null;
  records_added: number;
  records_removed: number;
  records_rejected: number;
  records_failed: number;
  error: string | null;
}

/** returns how many webhooks it queued and whether events are left for another run */
/** `windowed`: evaluate the windowed rules' conditions too (each a query over recent jobs), which the
 * caller spaces out; JOB_FAILED and lifecycle rules follow the events every time. */
export async function dispatchNotifications(
  ctx: PipelineContext,
  options: { windowed: boolean },
): Promise<{ queued: number; more: boolean }> {
  return withTransaction(ctx.pool, async (tx) => {
    const { rows: events } = await tx.query<LifecycleRow>(
      `WITH e AS (
         DELETE FROM job_lifecycle_events WHERE id IN (SELECT id FROM job_lifecycle_events ORDER BY id LIMIT ${EVENTS_PER_RUN} FOR UPDATE SKIP LOCKED)
         RETURNING id AS event_id, sync_job_id, event, at)
       SELECT e.event, e.at, j.id, j.status, j.sync_type, j.destination_id, d.name AS destination_name, j.triggered_by,
              j.records_added, j.records_removed, j.records_rejected, j.records_failed, j.error
         FROM e JOIN sync_jobs j ON j.id = e.sync_job_id JOIN destinations d ON d.id = j.destination_id
        ORDER BY e.event_id`,
    );
    const { rows: rules } = await tx.query<AlertRuleRow>('SELECT * FROM alert_rules WHERE enabled ORDER BY id');
    const watches = (rule: AlertRuleRow, e: LifecycleRow) => rule.destination_id === null || rule.destination_id === e.destination_id;
    let queued = 0;
    const send = async (rule: AlertRuleRow, triggeredBy: string, body: object) => {
      if (await createNotification(ctx, tx, { ruleId: rule.id, webhookDestinationId: rule.webhook_destination_id, triggeredBy, body }))
        queued++;
    };

    for (const e of events) {
      for (const rule of rules.filter((r) => r.kind === 'LIFECYCLE' && watches(r, e))) {
        await send(rule, `webhook: ${rule.name}`, lifecycleBody(e));
      }
      if (e.event !== 'failed') continue;
      for (const rule of rules.filter((r) => r.kind === 'JOB_FAILED' && watches(r, e))) {
        const text = `sync job ${e.id} to ${e.destination_name} failed: ${e.error ?? 'unknown error'}`;
        if (await fireOncePerWindow(tx, rule.id)) await send(rule, `alert: ${rule.name}`, alertBody(rule, text, e));
      }
    }
    for (const rule of options.windowed ? rules.filter((r) => r.kind !== 'LIFECYCLE' && r.kind !== 'JOB_FAILED') : []) {
      const text = await alertCondition(tx, rule);
      if (text && (await fireOncePerWindow(tx, rule.id))) await send(rule, `alert: ${rule.name}`, alertBody(rule, text));
    }
    return { queued, more: events.length === EVENTS_PER_RUN };
  });
}

function jobView(e: LifecycleRow) {
  return {
    id: encodeGlobalID('SyncJob', e.id),
    status: e.status,
    syncType: e.sync_type,
    destination: { id: encodeGlobalID('Destination', e.destination_id), name: e.destination_name },
    triggeredBy: e.triggered_by,
    recordsAdded: e.records_added,
    recordsRemoved: e.records_removed,
    recordsRejected: e.records_rejected,
    recordsFailed: e.records_failed,
    error: e.error,
  };
}

function lifecycleBody(e: LifecycleRow) {
  const said = { started: 'started', completed: 'completed', failed: `failed: ${e.error ?? 'unknown error'}` }[e.event];
  return {
    event: `sync_job.${e.event}`,
    text: `paidsync: ${e.sync_type.toLowerCase()} sync job ${e.id} to ${e.destination_name} ${said}`,
    at: e.at.toISOString(),
    syncJob: jobView(e),
  };
}

function alertBody(rule: AlertRuleRow, text: string, e?: LifecycleRow) {
  return {
    event: 'alert',
    text: `paidsync alert “${rule.name}”: ${text}`,
    at: new Date().toISOString(),
    rule: {
      id: encodeGlobalID('AlertRule', rule.id),
      name: rule.name,
      kind: rule.kind,
      threshold: rule.threshold,
      windowMinutes: rule.window_minutes,
    },
    ...(e ? { syncJob: jobView(e) } : {}),
  };
}
