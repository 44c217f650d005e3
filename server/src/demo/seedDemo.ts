// With the simulator on, the first start seeds a demo that syncs on its own: one destination of each
// type pointed at the simulated networks, a few thousand customers, two scheduled segments, offline
// conversions on, and two faults so a rejected record and a retry show up within the first minute.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import { validateCustomers } from '../customers/customerInput.ts';
import { upsertCustomers } from '../customers/upsertCustomers.ts';
import { withTransaction } from '../db/withTransaction.ts';
import { metaHash } from '../destinations/hashing/index.ts';
import type { Services } from '../graphql/context.ts';
import { QUEUES } from '../queue/queues.ts';
import type { Simulator } from '../simulator/index.ts';
import { demoCustomers } from './demoCustomers.ts';

export const DEMO_CUSTOMERS = 3000;

/** the demo's DMP folder, inside PAIDSYNC_DMP_ROOT */
export const demoDmpDirectory = (config: Pick<Config, 'dmpRoot'>) => path.join(config.dmpRoot, 'demo');
const DEMO_TOKEN = 'demo-token';

export async function seedDemo(options: { services: Services; simulator: Simulator; baseUrl: string; config: Config }): Promise<boolean> {
  const { services, simulator, baseUrl, config } = options;
  const { pool, cipher, logger } = services;
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM destinations');
  if (rows[0]!.n > 0) return false; // seeded already, or a real installation

  const dmpDirectory = demoDmpDirectory(config);
  await mkdir(dmpDirectory, { recursive: true });
  const sim = `${baseUrl}/sim`;
  const destinations = [
    {
      name: 'Facebook Ads (simulated)',
      type: 'FACEBOOK_ADS',
      settings: { apiBaseUrl: `${sim}/facebook`, adAccountId: '1234567890', pixelId: '998877665544' },
      credentials: { accessToken: DEMO_TOKEN },
    },
    {
      name: 'Google Ads (simulated)',
      type: 'GOOGLE_ADS',
      settings: { apiBaseUrl: `${sim}/google`, customerId: '123-456-7890', conversionActionId: '555' },
      credentials: { accessToken: DEMO_TOKEN, developerToken: 'demo-developer-token' },
    },
    {
      name: 'LinkedIn Ads (simulated)',
      type: 'LINKEDIN_ADS',
      settings: { apiBaseUrl: `${sim}/linkedin`, adAccountId: '507404993' },
      credentials: { accessToken: DEMO_TOKEN },
    },
    { name: 'DMP drop folder', type: 'DMP', settings: { directory: dmpDirectory }, credentials: null },
    {
      name: 'CRM webhook (simulated)',
      type: 'WEB',
      settings: { url: `${sim}/web/crm` },
      credentials: { signingSecret: 'demo-signing-secret' },
    },
  ];
  simulator.control.apply({ webSecrets: { crm: 'demo-signing-secret' } });

  const checked = validateCustomers(demoCustomers(DEMO_CUSTOMERS));
  if (!checked.ok) throw new Error(`demo customers invalid: ${checked.message}`);

  const ids = await withTransaction(pool, async (tx) => {
    const ids: number[] = [];
    for (const d of destinations) {
      const { rows } = await tx.query<{ id: number }>(
        'INSERT INTO destinations (name, type, settings, credentials_encrypted) VALUES ($1, $2, $3, $4) RETURNING id',
        [d.name, d.type, JSON.stringify(d.settings), d.credentials ? cipher.seal(d.credentials) : null],
      );
      ids.push(rows[0]!.id);
    }
    await upsertCustomers(tx, checked.customers);
    const segment = async (name: string, criteria: object, schedule: string) => {
      const { rows } = await tx.query<{ id: number }>(
        'INSERT INTO segments (name, paid_sync_enabled, criteria, schedule) VALUES ($1, true, $2, $3) RETURNING id',
        [name, JSON.stringify(criteria), schedule],
      );
      await tx.query('INSERT INTO segment_destinations (segment_id, destination_id) SELECT $1, unnest($2::int[])', [rows[0]!.id, ids]);
      return rows[0]!.id;
    };
    const gold = await segment('Gold plan', { attribute: 'plan', op: 'eq', value: 'gold' }, '*/2 * * * *');
    const highValue = await segment('High lifetime value', { attribute: 'ltv', op: 'gte', value: 700 }, '*/3 * * * *');
    await tx.query('UPDATE paid_configuration SET offline_conversions_enabled = true WHERE id = 1');
    await tx.query('INSERT INTO conversion_destinations (destination_id) SELECT unnest($1::int[])', [[ids[0], ids[1], ids[4]]]);
    return { gold, highValue };
  });

  for (const segmentId of [ids.gold, ids.highValue]) {
    const { rows } = await pool.query<{ schedule: string }>('SELECT schedule FROM segments WHERE id = $1', [segmentId]);
    await services.boss.schedule(QUEUES.scheduledSegmentSync, rows[0]!.schedule, { segmentId }, { key: `segment-${segmentId}` });
    await services.boss.send(QUEUES.scheduledSegmentSync, { segmentId }); // and a first sync right away
  }
  // something to look at in the first minute: one record LinkedIn refuses, and a CRM outage long
  // enough to outlast the in-run retries, so its first items wait for the automatic retry
  simulator.control.apply({
    faults: [
      {
        network: 'linkedin',
        endpoint: 'users',
        kind: 'rejectRecords',
        values: [metaHash('EMAIL', demoCustomers(3)[2]!.email)!],
        reason: 'member not found',
      },
      { network: 'web', endpoint: 'crm', kind: 'outage', mode: 'unavailable', durationMs: 20_000 },
    ],
  });
  logger.info('demo seeded', { destinations: destinations.length, customers: DEMO_CUSTOMERS });
  return true;
}
