// Shared by the Facebook adapter tests: a context pointed at the simulator and customers hashed the
// way the pipeline hashes them.
import type { ConversionRecord, MemberRecord } from '../../../src/destinations/adapter.ts';
import { adapterContext, pii, type SimulatorForTests } from './adapterTestContext.ts';
import { identifiersFor } from '../../../src/destinations/hashing/index.ts';

export const FACEBOOK_TOKEN = 'fb-secret-token-0001';

export function facebookContext(t: SimulatorForTests, settings: Record<string, unknown> = {}) {
  return adapterContext({
    type: 'FACEBOOK_ADS',
    settings: { apiBaseUrl: `${t.url}/facebook`, adAccountId: 'act_1234', pixelId: '555', ...settings },
    credentials: { accessToken: FACEBOOK_TOKEN },
  });
}

export function member(n: number): MemberRecord {
  return {
    key: `cust-${n}`,
    identifiers: identifiersFor(
      'FACEBOOK_ADS',
      pii({
        externalId: `cust-${n}`,
        email: `person${n}@example.com`,
        phone: `+1 415 555 ${String(n).padStart(4, '0')}`,
        firstName: 'Ada',
        lastName: 'Lovelace',
      }),
    ),
  };
}

export function conversion(n: number, overrides: Partial<ConversionRecord> = {}): ConversionRecord {
  return {
    key: `evt-${n}`,
    conversionName: 'Purchase',
    occurredAt: new Date(Date.now() - 3600_000),
    value: 12.5,
    currency: 'usd',
    clickId: null,
    identifiers: member(n).identifiers,
    ...overrides,
  };
}
