// One graphql-ws connection may run at most MAX_SUBSCRIPTIONS_PER_CONNECTION operations at once: the
// next is refused RATE_LIMITED, the connection and its running subscriptions stay, and a slot freed
// by ending one can be used again.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { subscribe, type Subscription } from '../../../test/support/subscription.ts';
import { startTestApp, type TestApp } from '../../../test/support/testApp.ts';
import { MAX_SUBSCRIPTIONS_PER_CONNECTION } from '../server.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.stop());

it(`refuses operation ${MAX_SUBSCRIPTIONS_PER_CONNECTION + 1} on one connection, and allows one again once a slot is free`, async () => {
  const client = t.ws();
  const running: Subscription[] = [];
  for (let i = 0; i < MAX_SUBSCRIPTIONS_PER_CONNECTION; i++) running.push(subscribe(client, 'subscription { syncJobUpdated { id } }'));
  const over = subscribe(client, 'subscription { syncJobUpdated { id } }');
  const ending = await over.ended(10_000);
  expect(
    ending.errors?.map((e) => e.extensions?.code),
    'the operation over the cap is refused RATE_LIMITED',
  ).toEqual(['RATE_LIMITED']);

  running[0]!.unsubscribe();
  const me = await new Promise<unknown>((resolve, reject) => {
    const deadline = Date.now() + 10_000;
    const attempt = () => {
      const result: unknown[] = [];
      client.subscribe(
        { query: '{ me { role } }' },
        {
          next: (value) => result.push(value),
          error: (error) => (Date.now() < deadline ? setTimeout(attempt, 100) : reject(error)),
          complete: () => resolve(result[0]),
        },
      );
    };
    attempt();
  });
  expect(me, 'with a slot free, the same connection runs an operation again').toEqual({ data: { me: { role: 'ADMIN' } } });
  for (const subscription of running.slice(1)) subscription.unsubscribe();
});
