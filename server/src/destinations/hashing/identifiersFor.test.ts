import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CustomerPii } from './customerPii.ts';
import { hasIdentifiers, identifiersFor } from './identifiersFor.ts';

const digest = (s: string) => createHash('sha256').update(s).digest('hex');
const customer: CustomerPii = {
  externalId: 'C-9',
  email: 'A@B.co',
  phone: '+33 6 12 34 56 78',
  firstName: 'Ana',
  lastName: 'Lee',
  city: 'Lyon',
  state: null,
  zip: '69001',
  country: 'FR',
  dateOfBirth: '2001-12-31',
  gender: 'F',
};

describe('identifiersFor, per destination type', () => {
  it('FACEBOOK_ADS: the Meta record', () => {
    const ids = identifiersFor('FACEBOOK_ADS', customer);
    expect(ids.type).toBe('FACEBOOK_ADS');
    expect(ids.type === 'FACEBOOK_ADS' && ids.ids.PHONE).toBe(digest('33612345678'));
  });

  it('GOOGLE_ADS: userIdentifiers as sent', () => {
    const ids = identifiersFor('GOOGLE_ADS', customer);
    expect(ids).toEqual({
      type: 'GOOGLE_ADS',
      userIdentifiers: [
        { hashedEmail: digest('a@b.co') },
        { hashedPhoneNumber: digest('+33612345678') },
        { addressInfo: { hashedFirstName: digest('ana'), hashedLastName: digest('lee'), countryCode: 'FR', postalCode: '69001' } },
      ],
    });
  });

  it('LINKEDIN_ADS: userIds as sent', () => {
    expect(identifiersFor('LINKEDIN_ADS', customer)).toEqual({
      type: 'LINKEDIN_ADS',
      userIds: [{ idType: 'SHA256_EMAIL', idValue: digest('a@b.co') }],
    });
  });

  it('WEB and DMP: only the fields the settings chose, hashed the Meta way', () => {
    expect(identifiersFor('WEB', customer, { fields: ['EXTERN_ID', 'EMAIL', 'COUNTRY'] })).toEqual({
      type: 'WEB',
      ids: { EXTERN_ID: 'C-9', EMAIL: digest('a@b.co'), COUNTRY: digest('fr') },
    });
    const dmp = identifiersFor('DMP', customer);
    expect(dmp.type === 'DMP' && Object.keys(dmp.ids).length, 'DMP with no field choice sends every field present').toBe(12);
  });

  it('round-trips through JSON unchanged (the pipeline stores it as jsonb)', () => {
    for (const type of ['FACEBOOK_ADS', 'GOOGLE_ADS', 'LINKEDIN_ADS', 'DMP', 'WEB'] as const) {
      const ids = identifiersFor(type, customer);
      expect(JSON.parse(JSON.stringify(ids)), type).toEqual(ids);
    }
  });

  it('hasIdentifiers is false when only the external id is left', () => {
    const empty: CustomerPii = {
      ...customer,
      email: null,
      phone: null,
      firstName: null,
      lastName: null,
      city: null,
      zip: null,
      country: null,
      dateOfBirth: null,
      gender: null,
    };
    for (const type of ['FACEBOOK_ADS', 'GOOGLE_ADS', 'LINKEDIN_ADS', 'WEB'] as const) {
      expect(hasIdentifiers(identifiersFor(type, empty)), type).toBe(false);
    }
    expect(hasIdentifiers(identifiersFor('WEB', customer))).toBe(true);
  });
});
