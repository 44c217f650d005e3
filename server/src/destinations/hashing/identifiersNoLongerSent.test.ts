import { expect, it } from 'vitest';
import type { CustomerPii } from './customerPii.ts';
import { identifiersFor } from './identifiersFor.ts';
import { identifiersNoLongerSent } from './identifiersNoLongerSent.ts';

const nobody: CustomerPii = {
  externalId: '',
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
};
const before: CustomerPii = { ...nobody, externalId: 'c-1', email: 'old@example.com', phone: '+1 415 555 0100', firstName: 'Ann' };
const after = { ...before, email: 'new@example.com', firstName: 'Anne' };

it('Facebook: the old email only, not the unchanged id and phone, nor a name that matches nobody alone', () => {
  const stale = identifiersNoLongerSent(identifiersFor('FACEBOOK_ADS', before), identifiersFor('FACEBOOK_ADS', after));
  expect(stale, 'only the changed match key').toEqual({
    type: 'FACEBOOK_ADS',
    ids: { EMAIL: (identifiersFor('FACEBOOK_ADS', before) as any).ids.EMAIL },
  });
});

it('Google and LinkedIn: the identifiers the new ones no longer carry', () => {
  const google = identifiersNoLongerSent(identifiersFor('GOOGLE_ADS', before), identifiersFor('GOOGLE_ADS', after)) as any;
  const oldEmail = (identifiersFor('GOOGLE_ADS', before) as any).userIdentifiers.find((u: any) => u.hashedEmail);
  expect(google.userIdentifiers, 'the old email goes').toContainEqual(oldEmail);
  expect(
    google.userIdentifiers.some((u: any) => u.hashedPhoneNumber),
    'the unchanged phone stays',
  ).toBe(false);
  const linkedin = identifiersNoLongerSent(identifiersFor('LINKEDIN_ADS', before), identifiersFor('LINKEDIN_ADS', after)) as any;
  expect(linkedin.userIds).toEqual((identifiersFor('LINKEDIN_ADS', before) as any).userIds);
});

it('nothing when nothing changed, and nothing for receivers that replace a record by its key', () => {
  expect(identifiersNoLongerSent(identifiersFor('FACEBOOK_ADS', before), identifiersFor('FACEBOOK_ADS', before))).toBeNull();
  expect(identifiersNoLongerSent(identifiersFor('WEB', before), identifiersFor('WEB', after))).toBeNull();
});
