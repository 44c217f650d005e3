// A statement that writes memberships is recorded by a trigger (membership_writes) with the writer
// its transaction names here: a re-sync may skip unchanged customers only if nothing but its base
// run wrote the audience's memberships since (diffBase.ts). A write that names no writer counts
// against every audience, so forgetting this call costs a full read, never a missed change.
import type pg from 'pg';

export async function nameMembershipWriter(tx: pg.PoolClient, writer: { audienceId: number; syncJobId: number }): Promise<void> {
  await tx.query("SELECT set_config('paidsync.membership_writer', $1, true)", [`${writer.audienceId}:${writer.syncJobId}`]);
}
