// Done when 4 of "Closed to strangers": a stored token is only ever sent to the host it was entered
// for. Moving a Facebook destination's apiBaseUrl to another host without its credentials is
// refused, and syncing afterwards sends nothing to the other host; with the credentials sent again
// the move is accepted and the new token goes to the new host.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type StartedSimulator } from '../../simulator/index.ts';
import { startSyncScenario, type SyncScenario } from '../../../test/support/syncScenario.ts';

let s: SyncScenario;
let other: StartedSimulator;
beforeAll(async () => {
  s = await startSyncScenario();
  other = await startSimulator();
});
afterAll(async () => {
  await s?.stop();
  await other?.close();
});

const UPDATE =
  'mutation($id: ID!, $input: UpdateDestinationInput!) { updateDestination(id: $id, input: $input) { id settings hasCredentials } }';

it('refuses moving apiBaseUrl to another host without the credentials, and never sends the stored token there', async () => {
  const settings = { apiBaseUrl: `${s.sim.url}/facebook`, adAccountId: '1234567890' };
  const { createDestination } = await s.t.ok<{ createDestination: { id: string } }>(
    'mutation($input: CreateDestinationInput!) { createDestination(input: $input) { id } }',
    { input: { name: 'fb bound', type: 'FACEBOOK_ADS', settings, credentials: { accessToken: 'token-for-the-first-host' } } },
  );
  const id = createDestination.id;

  for (const moved of [{ ...settings, apiBaseUrl: `${other.url}/facebook` }, { adAccountId: settings.adAccountId }] as Array<{
    apiBaseUrl?: string;
  }>) {
    const refused = await s.t.gql(UPDATE, { id, input: { settings: moved } });
    expect(
      refused.errors?.[0]?.extensions?.code,
      `moving to ${moved.apiBaseUrl ?? "Facebook's own API"} without credentials is bad input`,
    ).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.message, 'the refusal says why').toMatch(/send its credentials again/);
  }
  const samePlace = await s.t.gql(UPDATE, {
    id,
    input: { settings: { ...settings, apiBaseUrl: `${s.sim.url}/facebook/`, batchSize: 500 } },
  });
  expect(samePlace.errors, 'a change that keeps the host needs no credentials').toBeUndefined();

  const job = await s.syncNewCustomersTo(id, 'bound');
  expect(job.status, 'the sync went to the host the token was entered for').toBe('COMPLETED');
  expect(s.sim.simulator.state.requests.length, 'the first host got the requests').toBeGreaterThan(0);
  expect(other.simulator.state.requests, 'nothing reached the other host').toEqual([]);

  const withCredentials = await s.t.gql(UPDATE, {
    id,
    input: { settings: { ...settings, apiBaseUrl: `${other.url}/facebook` }, credentials: { accessToken: 'token-for-the-other-host' } },
  });
  expect(withCredentials.errors, 'the move is accepted with new credentials').toBeUndefined();
  other.simulator.control.apply({ validTokens: { facebook: ['token-for-the-other-host'] } });
  const moved = await s.syncNewCustomersTo(id, 'moved');
  expect(moved.status, 'the sync to the new host completes with the token entered for it').toBe('COMPLETED');
  expect(other.simulator.state.requests.length, 'the new host got the requests').toBeGreaterThan(0);
});
