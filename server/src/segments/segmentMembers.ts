// The customers of a segment, as SQL: a static list's rows, or its criteria compiled to a predicate.
// Used to count members and, in the pipeline, as the scope of a segment sync.
import type pg from 'pg';
import { criteriaToSql, type Criteria } from './segmentCriteria.ts';

export interface SegmentScope {
  id: number;
  criteria: unknown;
}

/** `SELECT c.* FROM customers c WHERE <in segment>`: the predicate and its parameters. */
export function segmentPredicate(segment: SegmentScope, params: unknown[]): string {
  if (segment.criteria == null) {
    params.push(segment.id);
    return `EXISTS (SELECT 1 FROM segment_members m WHERE m.segment_id = $${params.length} AND m.customer_id = c.id)`;
  }
  return criteriaToSql(segment.criteria as Criteria, params);
}

export async function countSegmentMembers(db: pg.Pool, segment: SegmentScope): Promise<number> {
  if (segment.criteria == null) {
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM segment_members WHERE segment_id = $1', [segment.id]);
    return Number(rows[0]!.n);
  }
  const params: unknown[] = [];
  const predicate = segmentPredicate(segment, params);
  const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM customers c WHERE ${predicate}`, params);
  return Number(rows[0]!.n);
}

/** Replaces a static segment's members by external id; returns the ids that matched no customer. */
export async function replaceStaticMembers(db: pg.PoolClient, segmentId: number, externalIds: string[]): Promise<string[]> {
  const { rows: unknown } = await db.query<{ external_id: string }>(
    `SELECT x AS external_id FROM unnest($1::text[]) AS x
      WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.external_id = x) LIMIT 10`,
    [externalIds],
  );
  if (unknown.length) return unknown.map((r) => r.external_id);
  await db.query('DELETE FROM segment_members WHERE segment_id = $1', [segmentId]);
  await db.query(
    `INSERT INTO segment_members (segment_id, customer_id)
     SELECT $1, c.id FROM customers c WHERE c.external_id = ANY ($2::text[]) ON CONFLICT DO NOTHING`,
    [segmentId, externalIds],
  );
  return [];
}
