// The load process of benchmark 4 (a child process, so its work is not the server's): calls
// capturePaidResponse over HTTP at a fixed rate (open loop: a slow answer does not slow the sending)
// and writes one line per event: eventId, the time it was sent (epoch ms), its answer time, ok, and
// whether it was sent in the warm-up: `warmupSeconds` before the measured seconds, the rate rising
// from nothing to `rate`, so a freshly started server's first seconds (its code not yet optimised by
// V8, its connections not yet open) are not measured as the steady state's latency.
import { writeFileSync } from 'node:fs';
import { graphQLPoster } from './graphQLPoster.ts';

interface Options {
  url: string;
  key: string;
  rate: number;
  seconds: number;
  warmupSeconds: number;
  prefix: string;
  out: string;
}

const options = JSON.parse(process.argv[2]!) as Options;
const post = graphQLPoster({ url: `${options.url}/graphql`, apiKey: options.key, maxSockets: 256 });

const MUTATION = 'mutation($i: CapturePaidResponseInput!) { capturePaidResponse(input: $i) { duplicate } }';
const total = Math.round(options.rate * options.seconds);
const lines: string[] = [];
let inFlight = 0;
let maxInFlight = 0;
let failures = 0;
let firstError: string | null = null;

async function send(i: number, warm: boolean) {
  const eventId = `${options.prefix}-${i}`;
  const sentAt = Date.now();
  inFlight++;
  maxInFlight = Math.max(maxInFlight, inFlight);
  let ok = false;
  try {
    const text = await post(
      JSON.stringify({
        query: MUTATION,
        variables: {
          i: {
            eventId,
            conversionName: 'Purchase',
            occurredAt: new Date(sentAt).toISOString(),
            clickId: `click${i}`,
            value: 10,
            currency: 'USD',
          },
        },
      }),
    );
    const result = JSON.parse(text) as { data?: { capturePaidResponse: { duplicate: boolean } }; errors?: unknown };
    ok = result.data?.capturePaidResponse.duplicate === false;
    if (!ok) firstError ??= text.slice(0, 500);
  } catch (error) {
    ok = false;
    firstError ??= String(error);
  }
  inFlight--;
  if (!ok) failures++;
  lines.push(`${eventId}\t${sentAt}\t${Date.now() - sentAt}\t${ok ? 1 : 0}\t${warm ? 1 : 0}`);
}

let next = 0;
const pending: Promise<void>[] = [];
const warmupMs = (options.warmupSeconds ?? 0) * 1000;
if (warmupMs > 0) {
  // the rate rises linearly: events due by t are rate * t² / (2 * warmup)
  const warmupTotal = Math.round((options.rate * options.warmupSeconds) / 2);
  const warmStarted = Date.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const t = Date.now() - warmStarted;
      const due = Math.min(warmupTotal, Math.floor((options.rate * t * t) / (2 * warmupMs * 1000)) + 1);
      while (next < due) pending.push(send(next++, true));
      if (next >= warmupTotal) return resolve();
      setTimeout(tick, 2);
    };
    tick();
  });
}
const warmed = next;
const started = Date.now();
await new Promise<void>((resolve) => {
  const tick = () => {
    const due = warmed + Math.min(total, Math.floor(((Date.now() - started) / 1000) * options.rate) + 1);
    while (next < due) pending.push(send(next++, false));
    if (next >= warmed + total) return resolve();
    setTimeout(tick, 2);
  };
  tick();
});
const sendingSeconds = (Date.now() - started) / 1000;
await Promise.all(pending);
writeFileSync(options.out, lines.join('\n') + '\n');
process.stdout.write(JSON.stringify({ total, sendingSeconds, failures, maxInFlight, firstError }) + '\n');
