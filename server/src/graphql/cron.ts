// A cron expression is checked the way pg-boss will read it (previewSchedule rejects exactly what
// schedule() rejects), before a mutation writes anything: a bad schedule then changes nothing,
// rather than being found after the jobs it came with were made.
import type { PgBoss } from 'pg-boss';
import { badInput } from './errors.ts';

export function assertCron(boss: PgBoss, expression: string, field = 'schedule') {
  try {
    boss.previewSchedule(expression, { count: 1 });
  } catch (error) {
    badInput(`${field} is not a valid cron expression: ${(error as Error).message}`, { field });
  }
}
