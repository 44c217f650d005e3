// Shared by the LinkedIn adapter tests: a context pointed at the simulator and customers hashed the
// way the pipeline hashes them.
import type { MemberRecord } from '../../../src/destinations/adapter.ts';
import { adapterContext, pii, type SimulatorForTests } from './adapterTestContext.ts';
import { identifiersFor } from '../../../src/destinations/hashing/index.ts';

export const LINKEDIN_TOKEN = 'li-secret-token-0001';

export function linkedinContext(t: SimulatorForTests, settings: Record<string, unknown> = {}, credentials: Record<string, string> = {}) {
  return adapterContext({
    type: 'LINKEDIN_ADS',
    settings: { apiBaseUrl: `${t.url}/linkedin`, adAccountId: '507', ...settings },
    credentials: { accessToken: LINKEDIN_TOKEN, ...credentials },
  });
}

export function member(n: number): MemberRecord {
  return {
    key: `cust-${n}`,
    identifiers: identifiersFor('LINKEDIN_ADS', pii({ externalId: `cust-${n}`, email: `person${n}@example.com` })),
  };
}

export const emailOf = (record: MemberRecord): string => record.identifiers.userIds[0].idValue;
