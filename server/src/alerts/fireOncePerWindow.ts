// A rule fires at most once per window of windowMinutes (windows counted from the epoch): a
// compare-and-set of last_fired_window, so two evaluations at once, or a failing item a second,
// still make one alert.
import type pg from 'pg';

export async function fireOncePerWindow(tx: pg.PoolClient, ruleId: number): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE alert_rules r SET last_fired_window = w.n, last_fired_at = now()
       FROM (SELECT id, floor(extract(epoch FROM now()) / (window_minutes * 60))::bigint AS n FROM alert_rules WHERE id = $1) w
      WHERE r.id = w.id AND r.enabled AND r.last_fired_window IS DISTINCT FROM w.n`,
    [ruleId],
  );
  return rowCount === 1;
}
