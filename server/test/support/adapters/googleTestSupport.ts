// Shared by the Google adapter tests: a context pointed at the simulator and customers hashed the
// way the pipeline hashes them.
import type { ConversionRecord, MemberRecord } from '../../../src/destinations/adapter.ts';
import { identifiersFor } from '../../../src/destinations/hashing/index.ts';
import { adapterContext, pii, type SimulatorForTests } from './adapterTestContext.ts';

export const GOOGLE_TOKEN = 'g-secret-token-0001';
export const DEVELOPER_TOKEN = 'dev-secret-token-0001';

export function googleContext(t: SimulatorForTests, settings: Record<string, unknown> = {}, credentials: Record<string, string> = {}) {
  return adapterContext({
    type: 'GOOGLE_ADS',
    settings: {
      apiBaseUrl: `${t.url}/google`,
      customerId: '123-456-7890',
      loginCustomerId: '111-222-3333',
      conversionActionId: '987',
      ...settings,
    },
    credentials: { accessToken: GOOGLE_TOKEN, developerToken: DEVELOPER_TOKEN, ...credentials },
  });
}

export function member(n: number): MemberRecord {
  return {
    key: `cust-${n}`,
    identifiers: identifiersFor(
      'GOOGLE_ADS',
      pii({
        externalId: `cust-${n}`,
        email: `person${n}@example.com`,
        phone: `+1 415 555 ${String(n).padStart(4, '0')}`,
        firstName: 'Ada',
        lastName: 'Lovelace',
        country: 'US',
        zip: String(10000 + n),
      }),
    ),
  };
}

export function conversion(n: number, overrides: Partial<ConversionRecord> = {}): ConversionRecord {
  return {
    key: `evt-${n}`,
    conversionName: 'Purchase',
    occurredAt: new Date(Date.UTC(2026, 10, 20, 9, 30, 15)),
    value: 40,
    currency: 'eur',
    clickId: `gclid-${n}`,
    identifiers: member(n).identifiers,
    ...overrides,
  };
}

/** the email hash a member is found by in the simulator */
export const emailOf = (record: MemberRecord) =>
  (record.identifiers.userIdentifiers as Array<{ hashedEmail?: string }>).find((u) => u.hashedEmail)!.hashedEmail!;
