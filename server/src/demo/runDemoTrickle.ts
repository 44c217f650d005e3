// The demo's live trickle: every few seconds a real-time paid request or an offline conversion, now
// and then a customer whose email changes (for the PII-update agent). Stops with the process.
import { randomUUID } from 'node:crypto';
import { captureConversion } from '../pipeline/conversions/captureConversion.ts';
import { triggerNextBestAction } from '../pipeline/triggers/triggerNextBestAction.ts';
import type { Services } from '../graphql/context.ts';
import { DEMO_CUSTOMERS } from './seedDemo.ts';

const ISSUES = [
  { issue: 'Retention', group: 'Credit cards' },
  { issue: 'Growth', group: 'Mortgages' },
];

export function runDemoTrickle(options: { services: Services; everyMs?: number }): { stop(): void } {
  const { services } = options;
  let tick = 0;
  const customer = () => `demo-${String(Math.floor(Math.random() * DEMO_CUSTOMERS)).padStart(5, '0')}`;
  const timer = setInterval(async () => {
    tick++;
    try {
      const { rows } = await services.pool.query<{ id: number }>(
        "SELECT id FROM destinations WHERE enabled AND type IN ('FACEBOOK_ADS', 'WEB') ORDER BY id",
      );
      if (!rows.length) return;
      if (tick % 2 === 0) {
        const level = ISSUES[tick % ISSUES.length]!;
        await triggerNextBestAction(services, {
          ...level,
          destinationIds: rows.map((r) => r.id),
          customerExternalIds: [customer(), customer(), customer()],
          fullDiff: false,
        });
      } else {
        await captureConversion(services, {
          eventId: randomUUID(),
          conversionName: tick % 3 ? 'Purchase' : 'Lead',
          occurredAt: new Date(),
          customerExternalId: customer(),
          clickId: `demo-gclid-${tick}`,
          value: Math.round(Math.random() * 20_000) / 100,
          currency: 'USD',
        });
      }
      if (tick % 15 === 0) {
        await services.pool.query(
          "UPDATE customers SET email = 'moved.' || external_id || '@example.com', pii_updated_at = now() WHERE external_id = $1",
          [customer()],
        );
      }
    } catch (error) {
      services.logger.warn('demo trickle step failed', { error });
    }
  }, options.everyMs ?? 4000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
