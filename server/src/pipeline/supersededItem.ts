// Who owns a customer's item (DESIGN.md): a full-diff job (a segment sync, an outbound run) makes the
// audience equal its scope, so a newer one of the same audience covers every customer of an older
// item, and sending the old item could undo the newer state (remove a customer who has since
// rejoined, say). An add-only job (real-time request, conversion audience, PII update) carries just
// its customers: another add-only job does not cover them, so its items are resent until they
// succeed or fail. Conversions are never superseded: each event is its own.
// A predicate over a queue item and its job, given their aliases.
export function supersededItem(item: string, job: string): string {
  return `${item}.operation <> 'CONVERSION' AND EXISTS (
    SELECT 1 FROM sync_jobs newer
     WHERE newer.audience_id = ${job}.audience_id AND newer.full_diff AND newer.id > ${job}.id
       AND NOT newer.dry_run AND newer.status <> 'WITHDRAWN')`;
}
