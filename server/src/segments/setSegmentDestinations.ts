import type pg from 'pg';

/** The destinations a segment syncs to become exactly `destinationIds`. */
export async function setSegmentDestinations(tx: pg.PoolClient, segmentId: number, destinationIds: number[]): Promise<void> {
  await tx.query('DELETE FROM segment_destinations WHERE segment_id = $1', [segmentId]);
  await tx.query('INSERT INTO segment_destinations (segment_id, destination_id) SELECT $1, unnest($2::int[])', [segmentId, destinationIds]);
}
