// Benchmark 5: `subscribers` WebSocket clients (graphql-transport-ws) subscribed to syncJobUpdated; a job changes (a dry-run
// segment sync creates it through the API) and we time from the mutation's sending to the last
// subscriber's receipt of that job. Floor: a bare `ws` server broadcasting one message to as many
// bare WebSocket clients, time to the last receipt.
import WebSocket, { WebSocketServer } from 'ws';
import { bareSubscription, type BareSubscription } from './support/bareSubscription.ts';
import { countCpu } from './support/cpuTime.ts';
import { percentile, sleep, type BenchEnvironment } from './support/environment.ts';

const SUBSCRIPTION = 'subscription { syncJobUpdated { id status stage recordsTotal } }';

export interface FanOutResult {
  subscribers: number;
  rounds: number;
  /** the first subscriber's receipt: when the fan-out began, near enough */
  firstP50Ms: number;
  lastP50Ms: number;
  lastP99Ms: number;
  deliveryP99Ms: number;
  /** from sending the mutation to its answer: the part of each round before the job's first event that is not fan-out */
  mutationP50Ms: number;
  /** the API process's CPU per change while the rounds ran (a change's later updates fan out too) */
  apiCpuMsPerRound: number;
  floorLastP50Ms: number;
  floorLastP99Ms: number;
  ratioP99: number;
}

export async function liveFanOut(env: BenchEnvironment, subscribers: number, rounds: number): Promise<FanOutResult> {
  const { createDestination } = await env.ok(`mutation($i: CreateDestinationInput!) { createDestination(input: $i) { id } }`, {
    i: { name: 'bench web', type: 'WEB', settings: { url: `${env.sim.url}/web/fanout` } },
  });
  await env.ok(`mutation($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { count } }`, {
    c: [{ externalId: 'f-1', email: 'f1@example.com' }],
  });
  const { createSegment } = await env.ok(`mutation($i: CreateSegmentInput!) { createSegment(input: $i) { id } }`, {
    i: { name: 'fan-out', paidSyncEnabled: true, destinationIds: [createDestination.id], customerExternalIds: ['f-1'] },
  });

  // the subscribers: one bare WebSocket each (bareSubscription.ts), as cheap for this process as the floor's
  const subscriptions: BareSubscription[] = [];
  const seen: Array<Map<string, number>> = [];
  let subscribed = 0;
  for (let s = 0; s < subscribers; s++) {
    const received = new Map<string, number>();
    seen.push(received);
    const subscription = bareSubscription(env, SUBSCRIPTION, (data, receivedAt) => {
      const id = data.syncJobUpdated?.id;
      if (id && !received.has(id)) received.set(id, receivedAt);
    });
    subscriptions.push(subscription);
    subscription.subscribed.then(
      () => void subscribed++,
      () => {},
    );
    if (s % 50 === 49) await sleep(20);
  }
  const deadline = Date.now() + 60_000;
  while (subscribed < subscribers && Date.now() < deadline) await sleep(50);
  if (subscribed < subscribers) throw new Error(`only ${subscribed} of ${subscribers} subscribers connected`);
  await sleep(1000); // subscriptions registered

  const lasts: number[] = [];
  const firsts: number[] = [];
  const deliveries: number[] = [];
  const answers: number[] = [];
  const cpu = countCpu({ api: env.api.pid!, worker: env.worker.pid! });
  try {
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      const { triggerSegmentSync } = await env.ok(`mutation($s: ID!) { triggerSegmentSync(segmentId: $s, dryRun: true) { id } }`, {
        s: createSegment.id,
      });
      answers.push(performance.now() - t0);
      const id = triggerSegmentSync[0].id as string;
      const until = Date.now() + 10_000;
      while (seen.some((m) => !m.has(id)) && Date.now() < until) await sleep(5);
      const times = seen.map((m) => m.get(id));
      if (times.some((t) => t === undefined))
        throw new Error(`round ${r}: ${times.filter((t) => t === undefined).length} subscribers never saw job ${id}`);
      for (const t of times) deliveries.push(t! - t0);
      lasts.push(Math.max(...(times as number[])) - t0);
      firsts.push(Math.min(...(times as number[])) - t0);
      await sleep(400); // the dry run's later updates settle
    }
  } finally {
    for (const subscription of subscriptions) subscription.close();
  }
  const apiCpuSeconds = cpu.stop().api;
  answers.sort((a, b) => a - b);
  lasts.sort((a, b) => a - b);
  firsts.sort((a, b) => a - b);
  deliveries.sort((a, b) => a - b);
  const floor = await broadcastFloor(subscribers, rounds);
  const p99 = percentile(lasts, 99);
  return {
    subscribers,
    rounds,
    firstP50Ms: percentile(firsts, 50),
    lastP50Ms: percentile(lasts, 50),
    lastP99Ms: p99,
    deliveryP99Ms: percentile(deliveries, 99),
    mutationP50Ms: percentile(answers, 50),
    apiCpuMsPerRound: Math.round((apiCpuSeconds * 1000) / rounds),
    floorLastP50Ms: floor.p50,
    floorLastP99Ms: floor.p99,
    ratioP99: p99 / Math.max(floor.p99, 1),
  };
}

async function broadcastFloor(subscribers: number, rounds: number) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as { port: number };
  const sockets: WebSocket[] = [];
  let last = 0;
  let got = 0;
  for (let s = 0; s < subscribers; s++) {
    const socket = new WebSocket(`ws://127.0.0.1:${port}`);
    socket.on('message', () => {
      got++;
      last = Date.now();
    });
    sockets.push(socket);
  }
  await Promise.all(sockets.map((s) => new Promise((r) => s.once('open', r))));
  const lasts: number[] = [];
  for (let r = 0; r < rounds; r++) {
    got = 0;
    const t0 = Date.now();
    const payload = JSON.stringify({
      type: 'next',
      id: '1',
      payload: { data: { syncJobUpdated: { id: String(r), status: 'PENDING', stage: null, recordsTotal: 0 } } },
    });
    for (const client of server.clients) client.send(payload);
    while (got < subscribers) await sleep(1);
    lasts.push(last - t0);
  }
  for (const s of sockets) s.close();
  await new Promise((r) => server.close(r));
  lasts.sort((a, b) => a - b);
  return { p50: percentile(lasts, 50), p99: percentile(lasts, 99) };
}
