import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../../test/support/webhookReceiver.ts';

const SECRET = 'windowed-signing-secret';
let s: SyncScenario;
let receiver: WebhookReceiver;
let hook: string;
beforeAll(async () => {
  s = await startSyncScenario();
  receiver = await startWebhookReceiver(SECRET);
  hook = await receiver.destination(s.t, 'windowed receiver');
});
afterAll(async () => {
  await s?.stop();
  await receiver?.close();
});

const ruleOf = (webhook: ReceivedWebhook) => (webhook.rule as { name: string } | undefined)?.name;
const fromRule = (name: string) => (received: ReceivedWebhook[]) => received.filter((x) => ruleOf(x) === name);
const rule = (i: Record<string, unknown>) =>
  s.t.ok('mutation($i: AlertRuleInput!) { createAlertRule(input: $i) { id } }', { i: { webhookDestinationId: hook, ...i } });

it('fires a rejection-rate rule when more than its percentage of records were rejected, not below it', async () => {
  const fine = await s.webDestination('rate-fine', { batchSize: 10 });
  const bad = await s.webDestination('rate-bad', { batchSize: 10 });
  await rule({ name: 'Fine rejects', kind: 'REJECTION_RATE', threshold: 20, destinationId: fine });
  await rule({ name: 'Bad rejects', kind: 'REJECTION_RATE', threshold: 20, destinationId: bad });
  await s.control({ faults: [{ network: 'web', endpoint: 'rate-bad', kind: 'rejectRecords', values: ['rb-0', 'rb-1'] }] });
  expect((await s.syncNewCustomersTo(fine, 'rf', 4)).recordsRejected).toBe(0);
  expect((await s.syncNewCustomersTo(bad, 'rb', 4)).recordsRejected).toBe(2);

  const [alert] = fromRule('Bad rejects')(await receiver.waitFor((r) => fromRule('Bad rejects')(r).length > 0, 'the rejection-rate alert'));
  expect(alert!.text).toMatch(/“Bad rejects”: 50\.0 % of records rejected in the last 60 min \(2 of 4; threshold 20 %\)/);
  expect(fromRule('Fine rejects')(receiver.received), 'no alert for the destination under its threshold').toEqual([]);
});

it('fires a waiting-for-retry rule once items wait longer than its hours', async () => {
  const down = await s.webDestination('wait-down', { batchSize: 10 });
  await rule({ name: 'Stuck items', kind: 'WAITING_FOR_RETRY', threshold: 0, destinationId: down });
  await s.control({ faults: [{ network: 'web', endpoint: 'wait-down', kind: 'outage', mode: 'unavailable' }] });
  expect((await s.syncNewCustomersTo(down, 'wd')).status).toBe('FAILED');
  const received = await receiver.waitFor((r) => fromRule('Stuck items')(r).length > 0, 'the waiting-for-retry alert');
  expect(fromRule('Stuck items')(received)[0]!.text).toMatch(/1 queue item\(s\) have waited for retry for more than 0 h/);
});

it('fires a throttling rule when the network pauses a destination for longer than its minutes, and a not-completed rule', async () => {
  const throttled = await s.webDestination('throttled', { batchSize: 10 });
  await rule({ name: 'Long pause', kind: 'DESTINATION_PAUSED', threshold: 5, destinationId: throttled });
  await rule({ name: 'Not completed', kind: 'SYNC_NOT_COMPLETED', threshold: 0, destinationId: throttled });
  await s.control({ faults: [{ network: 'web', endpoint: 'throttled', kind: 'rateLimit', retryAfterSeconds: 600, count: 1 }] });
  const job = await s.syncNewCustomersTo(throttled, 'th');
  expect(job.status, 'a pause longer than the run leaves the item to the resend').toBe('FAILED');
  const received = await receiver.waitFor(
    (r) => fromRule('Long pause')(r).length > 0 && fromRule('Not completed')(r).length > 0,
    'the throttling and not-completed alerts',
  );
  expect(fromRule('Long pause')(received)[0]!.text).toMatch(/throttled is paused by the network's throttling until/);
  expect(fromRule('Not completed')(received)[0]!.text).toMatch(/1 sync\(s\) have not completed for more than 0 h/);
});

it('lets only an ADMIN manage rules, and only with a Web destination as receiver', async () => {
  const operator = await s.t.keyFor('OPERATOR');
  const refused = await s.t.gql(
    'mutation($i: AlertRuleInput!) { createAlertRule(input: $i) { id } }',
    { i: { name: 'x', kind: 'JOB_FAILED', webhookDestinationId: hook } },
    operator,
  );
  expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect((await s.t.gql('{ alertRules { id } }', {}, operator)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const facebookId = await s.facebookDestination('not a webhook', { adAccountId: '1', pixelId: '5', accessToken: 't' });
  const wrong = await s.t.gql('mutation($i: AlertRuleInput!) { createAlertRule(input: $i) { id } }', {
    i: { name: 'x', kind: 'JOB_FAILED', webhookDestinationId: facebookId },
  });
  expect(wrong.errors?.[0]).toMatchObject({
    message: 'webhookDestinationId must name a WEB destination',
    extensions: { code: 'BAD_USER_INPUT' },
  });
});
