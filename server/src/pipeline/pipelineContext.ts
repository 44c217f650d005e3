// What the pipeline's stages and workers use: one per worker process, built in app.ts.
import type { PlannedItem } from './queueItemPlan.ts';
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import type { Config } from '../config.ts';
import type { NetworkPolicy } from '../delivery/networkPolicy.ts';
import type { Logger } from '../logger.ts';
import type { PipelineMetrics } from '../metrics/createMetrics.ts';
import type { CredentialsCipher } from '../secrets/credentialsCipher.ts';

export interface PipelineContext {
  pool: pg.Pool;
  boss: PgBoss;
  config: Config;
  logger: Logger;
  cipher: CredentialsCipher;
  networkPolicy: NetworkPolicy;
  /** where the pipeline reports what it did, when this process keeps metrics */
  metrics?: PipelineMetrics;
}

export const STAGES = [
  'IDENTIFY_PAYLOAD',
  'IDENTIFY_AUDIENCES',
  'WRITE_STAGING',
  'CREATE_QUEUE_ITEMS',
  'UPDATE_AUDIENCES',
  'SYNC_MEMBERS',
] as const;
export type Stage = (typeof STAGES)[number];

export interface SyncJobRow {
  id: number;
  status: string;
  stage: Stage | null;
  destination_id: number;
  destination_type: string;
  sync_type: string;
  segment_id: number | null;
  audience_id: number | null;
  scope_key: string;
  customer_external_ids: string[];
  full_diff: boolean;
  dry_run: boolean;
  parent_id: number | null;
  /** a membership job's items as stage 1 cut them (queueItemPlan.ts) */
  queue_item_plan: PlannedItem[] | null;
}
