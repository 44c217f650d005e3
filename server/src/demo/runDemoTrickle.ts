// The demo's live trickle: every few seconds a real-time paid request or an offline conversion, now
// and then a customer whose email changes (for the PII-update agent). Stops with the process.
//
// It makes data up, so it touches only the demo's own destinations: those pointed at this process's
// simulator, and the DMP folder the demo seeded. Conversions and PII changes reach every destination
// configured for them, so they are only made while no other destination is enabled.
import { randomUUID } from 'node:crypto';
import { captureConversion } from '../pipeline/conversions/captureConversion.ts';
import { triggerNextBestAction } from '../pipeline/triggers/triggerNextBestAction.ts';
import type { Services } from '../graphql/context.ts';
import { DEMO_CUSTOMERS, demoDmpDirectory } from './seedDemo.ts';

const ISSUES = [
  { issue: 'Retention', group: 'Credit cards' },
  { issue: 'Growth', group: 'Mortgages' },
];

export function runDemoTrickle(options: { services: Services; simulatorUrl: string; everyMs?: number }): { stop(): void } {
  const { services } = options;
  let tick = 0;
  const customer = () => `demo-${String(Math.floor(Math.random() * DEMO_CUSTOMERS)).padStart(5, '0')}`;
  const timer = setInterval(async () => {
    tick++;
    try {
      const { rows: destinations } = await services.pool.query<{ id: number; type: string; demo: boolean }>(
        `SELECT id, type, (starts_with(COALESCE(settings->>'apiBaseUrl', settings->>'url', ''), $1)
                           OR (type = 'DMP' AND settings->>'directory' = $2)) AS demo
           FROM destinations WHERE enabled ORDER BY id`,
        [`${options.simulatorUrl}/`, demoDmpDirectory(services.config)],
      );
      const rows = destinations.filter((d) => d.demo && (d.type === 'FACEBOOK_ADS' || d.type === 'WEB'));
      if (!rows.length) return;
      const onlyDemo = destinations.every((d) => d.demo);
      if (tick % 2 === 0 || !onlyDemo) {
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
      if (tick % 15 === 0 && onlyDemo) {
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
