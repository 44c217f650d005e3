import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CustomerPii } from './customerPii.ts';
import { googleUserIdentifiers, normalizeGoogle, type GoogleField } from './googleUserIdentifiers.ts';

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

describe('Google normalisation', () => {
  it.each([
    ['email', ' Jane.Doe@Example.COM ', 'jane.doe@example.com'],
    ['phone', '+1 (555) 123-4567', '+15551234567'],
    ['phone', '0044 20 7946 0958', '+442079460958'],
    ['phone', '555.123.4567', '+15551234567'],
    ['firstName', '  José ', 'josé'],
    ['firstName', 'Zoë-Ann', 'zoë-ann'],
    ['lastName', "  O'Brien-Smith, Jr. ", 'obriensmith jr'],
    ['countryCode', ' us ', 'US'],
    ['countryCode', 'UK', 'GB'],
    ['postalCode', ' 94105 ', '94105'],
    ['postalCode', 'SW1A 1AA', 'SW1A 1AA'],
  ] as [GoogleField, string, string][])('%s %j → %j', (field, input, expected) => {
    expect(normalizeGoogle(field, input), `normalised ${field}`).toBe(expected);
  });

  it('uses defaultCountryCallingCode for a number without + or a country code', () => {
    expect(normalizeGoogle('phone', '020 7946 0958', { defaultCountryCallingCode: '44' })).toBe('+442079460958');
  });
});

describe('googleUserIdentifiers', () => {
  const full = pii({
    email: ' Jane.Doe@Example.COM ',
    phone: '+1 (555) 123-4567',
    firstName: 'José',
    lastName: "O'Brien",
    country: 'us',
    zip: ' 94105 ',
    city: 'Ignored City',
    state: 'CA',
  });

  it('hashes email, E.164 phone and names; sends countryCode and postalCode in clear; never city/state', () => {
    expect(googleUserIdentifiers(full)).toEqual([
      { hashedEmail: digest('jane.doe@example.com') },
      { hashedPhoneNumber: digest('+15551234567') },
      { addressInfo: { hashedFirstName: digest('josé'), hashedLastName: digest('obrien'), countryCode: 'US', postalCode: '94105' } },
    ]);
  });

  it('sends addressInfo only when first name, last name, country and zip are all present', () => {
    for (const missing of ['firstName', 'lastName', 'country', 'zip'] as const) {
      const ids = googleUserIdentifiers({ ...full, [missing]: null });
      expect(
        ids.some((id) => 'addressInfo' in id),
        `addressInfo without ${missing}`,
      ).toBe(false);
      expect(ids).toHaveLength(2);
    }
  });

  it('returns an empty list for a customer with nothing matchable', () => {
    expect(googleUserIdentifiers(pii({ city: 'Paris' }))).toEqual([]);
  });
});
