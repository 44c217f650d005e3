// Each membership remembers the hashed identifiers the network last accepted (DESIGN.md "What the
// network holds"): a changed email is removed by its old hash and added by its new one; a customer
// who leaves, or withdraws ad consent, is removed by exactly what the network holds, even when their
// PII changed since it was sent. Over real HTTP against the simulated Facebook and Web endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metaHash } from '../destinations/hashing/index.ts';
import { startSyncScenario, type SyncScenario } from '../../test/support/syncScenario.ts';

let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario();
});
afterAll(() => s?.stop());

const emailHash = (email: string) => metaHash('EMAIL', email)!;

interface Network {
  destination(prefix: string): Promise<string>;
  /** the email hashes the network holds for the audience */
  heldEmails(prefix: string): string[];
  /** every email hash the job's removal requests carried */
  removedEmails(jobId: string, prefix: string): Promise<string[]>;
}

const facebook: Network = {
  async destination(prefix) {
    return s.facebookDestination(prefix, { adAccountId: '4242', pixelId: '7', accessToken: 'held-token' });
  },
  heldEmails(prefix) {
    const audience = [...s.sim.simulator.state.facebook.audiences.values()].find((a) => a.name === prefix)!;
    return audience.members
      .records()
      .map((r) => r.EMAIL!)
      .filter(Boolean)
      .sort();
  },
  async removedEmails(jobId) {
    const { apiCalls } = await s.t.ok<any>(
      'query($j: ID!) { apiCalls(first: 50, syncJobId: $j) { edges { node { method requestBody } } } }',
      { j: jobId },
    );
    const deletes = apiCalls.edges.map((e: any) => e.node).filter((c: any) => c.method === 'DELETE');
    return deletes.flatMap((c: any) => c.requestBody.match(/[a-f0-9]{64}/g) ?? []);
  },
};

const web: Network = {
  destination: (prefix) => s.webDestination(prefix),
  heldEmails(prefix) {
    const audience = s.sim.simulator.state.web.endpoints.get(prefix)!.audiences.get(prefix)!;
    return [...audience.values()]
      .map((r) => r.EMAIL as string)
      .filter(Boolean)
      .sort();
  },
  async removedEmails(_jobId, prefix) {
    return s.sim.simulator.state.web.batches
      .filter((b) => b.endpoint === prefix && b.operation === 'remove')
      .flatMap((b) => b.records.map((r) => r.EMAIL as string));
  },
};

describe.each([
  ['Facebook', facebook],
  ['Web', web],
])('%s', (name, network) => {
  it('removes a changed email by its old hash, and a leaving or withdrawing customer by what the network holds', async () => {
    const prefix = `held-${name.toLowerCase()}`;
    const destination = await network.destination(prefix);
    const email = (who: string, version: string) => `${prefix}.${who}.${version}@example.com`;
    await s.customers([
      { externalId: `${prefix}-a`, email: email('a', 'old') },
      { externalId: `${prefix}-b`, email: email('b', 'old') },
    ]);
    const segment = await s.segment(prefix, [destination], [`${prefix}-a`, `${prefix}-b`]);
    const sync = async () => {
      const [id] = await s.syncSegment(segment);
      const job = await s.waitForJob(id!, ['COMPLETED', 'FAILED']);
      expect(job.status, JSON.stringify(job)).toBe('COMPLETED');
      return id!;
    };
    await sync();
    expect(network.heldEmails(prefix)).toEqual([emailHash(email('a', 'old')), emailHash(email('b', 'old'))].sort());

    // a's email changes: the next run removes the old hash and adds the new one
    await s.customers([{ externalId: `${prefix}-a`, email: email('a', 'new') }]);
    const changed = await sync();
    expect(network.heldEmails(prefix), 'a is present by the new hash only').toEqual(
      [emailHash(email('a', 'new')), emailHash(email('b', 'old'))].sort(),
    );
    if (name === 'Facebook')
      expect(await network.removedEmails(changed, prefix), 'the old hash was removed by name').toEqual([emailHash(email('a', 'old'))]);

    // a withdraws consent; b changes email and leaves in the same run: each is removed by what the network holds
    await s.customers([
      { externalId: `${prefix}-a`, adConsent: false },
      { externalId: `${prefix}-b`, email: email('b', 'new') },
    ]);
    await s.t.ok('mutation($id: ID!, $i: UpdateSegmentInput!) { updateSegment(id: $id, input: $i) { id } }', {
      id: segment,
      i: { customerExternalIds: [`${prefix}-a`] },
    });
    const left = await sync();
    expect(network.heldEmails(prefix), 'nobody is left, by any hash').toEqual([]);
    expect(await network.removedEmails(left, prefix), 'the removals carried the hashes the network held').toEqual(
      expect.arrayContaining([emailHash(email('a', 'new')), emailHash(email('b', 'old'))]),
    );
    expect(await network.removedEmails(left, prefix), 'a hash the network never had is not sent').not.toContain(
      emailHash(email('b', 'new')),
    );
  });
});
