import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CustomerPii } from './customerPii.ts';
import { linkedinUserIds } from './linkedinUserIds.ts';

const digest = (s: string) => createHash('sha256').update(s).digest('hex');
const pii = (over: Partial<CustomerPii>): CustomerPii => ({
  externalId: 'c1',
  email: null,
  phone: null,
  firstName: null,
  lastName: null,
  city: null,
  state: null,
  zip: null,
  country: null,
  dateOfBirth: null,
  gender: null,
  ...over,
});

describe('linkedinUserIds', () => {
  it('sends SHA256_EMAIL of the trimmed, lowercased email', () => {
    expect(linkedinUserIds(pii({ email: '  Zoë.Ann@Example.COM ' }))).toEqual([
      { idType: 'SHA256_EMAIL', idValue: digest('zoë.ann@example.com') },
    ]);
  });

  it('sends nothing for a customer without an email (LinkedIn matches on email only here)', () => {
    expect(linkedinUserIds(pii({ phone: '+1 555 123 4567' }))).toEqual([]);
  });
});
