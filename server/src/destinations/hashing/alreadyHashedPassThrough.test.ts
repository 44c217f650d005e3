import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { googleUserIdentifiers } from './googleUserIdentifiers.ts';
import { linkedinUserIds } from './linkedinUserIds.ts';
import { metaHash } from './metaIdentifiers.ts';
import type { CustomerPii } from './customerPii.ts';

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

describe('a value that is already a SHA-256 digest', () => {
  const hashedEmail = digest('jane@example.com');

  it('passes through unhashed for every Meta hashed field, after trim and lowercase', () => {
    for (const field of ['EMAIL', 'PHONE', 'FN', 'LN', 'CT', 'ST', 'ZIP', 'COUNTRY', 'GEN', 'DOBY'] as const) {
      expect(metaHash(field, `  ${hashedEmail.toUpperCase()} `), `${field} should keep the digest`).toBe(hashedEmail);
    }
  });

  it('passes through for Google and LinkedIn', () => {
    expect(googleUserIdentifiers(pii({ email: hashedEmail, phone: hashedEmail }))).toEqual([
      { hashedEmail },
      { hashedPhoneNumber: hashedEmail },
    ]);
    expect(linkedinUserIds(pii({ email: ` ${hashedEmail} ` }))).toEqual([{ idType: 'SHA256_EMAIL', idValue: hashedEmail }]);
  });

  it('is hashed when it is 63 or 65 hex characters (not a digest)', () => {
    const short = hashedEmail.slice(1);
    expect(metaHash('EMAIL', short)).toBe(digest(short));
  });
});
