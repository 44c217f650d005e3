// A membership queue item is superseded once a newer (not dry-run) job of its scope exists: that job's
// diff already covers the same customers, so sending the old item could undo the newer state (remove
// a customer who has since rejoined, say). Conversions are never superseded: each event is its own.
// A predicate over a queue item and its job, given their aliases.
export function supersededItem(item: string, job: string): string {
  return `${item}.operation <> 'CONVERSION' AND EXISTS (
    SELECT 1 FROM sync_jobs newer WHERE newer.scope_key = ${job}.scope_key AND newer.id > ${job}.id AND NOT newer.dry_run)`;
}
