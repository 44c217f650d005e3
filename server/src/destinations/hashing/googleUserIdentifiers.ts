// Customer Match `userIdentifiers` for Google Ads offline user data jobs. Google wants E.164 phones
// (with '+'), names lowercased and trimmed (last name without punctuation), and countryCode/postalCode
// in clear: address matching needs all four of first name, last name, country and postal code.
import type { CustomerPii, HashingOptions } from './customerPii.ts';
import { phoneDigitsWithCountryCode } from './normalisePhone.ts';
import { alreadyHashed, hashNormalised } from './sha256Hex.ts';

export interface GoogleAddressInfo {
  hashedFirstName: string;
  hashedLastName: string;
  countryCode: string;
  postalCode: string;
}
export type GoogleUserIdentifier = { hashedEmail: string } | { hashedPhoneNumber: string } | { addressInfo: GoogleAddressInfo };

export type GoogleField = 'email' | 'phone' | 'firstName' | 'lastName' | 'countryCode' | 'postalCode';

/** Google allows at most this many identifiers for one user. */
export const GOOGLE_MAX_IDENTIFIERS_PER_USER = 20;

const WHITESPACE_RUNS = /\s+/g;
const PUNCTUATION = /[\p{P}\p{S}]+/gu;
const TWO_LETTERS = /^[A-Z]{2}$/;
const COUNTRY_ALIASES: Readonly<Record<string, string>> = {
  UK: 'GB',
  USA: 'US',
  GBR: 'GB',
  CAN: 'CA',
  MEX: 'MX',
  BRA: 'BR',
  DEU: 'DE',
  FRA: 'FR',
};

/** The string Google hashes (or sends in clear for countryCode/postalCode); null when empty. */
export function normalizeGoogle(field: GoogleField, value: string | null | undefined, options?: HashingOptions): string | null {
  if (value == null) return null;
  if (field === 'email' || field === 'phone' || field === 'firstName' || field === 'lastName') {
    const hashed = alreadyHashed(value);
    if (hashed) return hashed;
  }
  switch (field) {
    case 'email':
      return nonEmpty(value.trim().toLowerCase());
    case 'phone': {
      const digits = phoneDigitsWithCountryCode(value, options?.defaultCountryCallingCode);
      return digits === null ? null : '+' + digits;
    }
    case 'firstName':
      return nonEmpty(value.normalize('NFC').trim().toLowerCase().replace(WHITESPACE_RUNS, ' '));
    case 'lastName':
      return nonEmpty(value.normalize('NFC').toLowerCase().replace(PUNCTUATION, '').trim().replace(WHITESPACE_RUNS, ' '));
    case 'countryCode': {
      const upper = value.trim().toUpperCase();
      const code = COUNTRY_ALIASES[upper] ?? upper;
      return TWO_LETTERS.test(code) ? code : null;
    }
    case 'postalCode':
      return nonEmpty(value.trim().replace(WHITESPACE_RUNS, ' '));
  }
}

export function googleUserIdentifiers(pii: CustomerPii, options?: HashingOptions): GoogleUserIdentifier[] {
  const identifiers: GoogleUserIdentifier[] = [];
  const email = normalizeGoogle('email', pii.email, options);
  if (email !== null) identifiers.push({ hashedEmail: hashNormalised(email) });
  const phone = normalizeGoogle('phone', pii.phone, options);
  if (phone !== null) identifiers.push({ hashedPhoneNumber: hashNormalised(phone) });
  const firstName = normalizeGoogle('firstName', pii.firstName, options);
  const lastName = normalizeGoogle('lastName', pii.lastName, options);
  const countryCode = normalizeGoogle('countryCode', pii.country, options);
  const postalCode = normalizeGoogle('postalCode', pii.zip, options);
  if (firstName !== null && lastName !== null && countryCode !== null && postalCode !== null) {
    identifiers.push({
      addressInfo: { hashedFirstName: hashNormalised(firstName), hashedLastName: hashNormalised(lastName), countryCode, postalCode },
    });
  }
  // Three at most today; the cap keeps a later addition (more emails, phones) within Google's limit.
  return identifiers.length > GOOGLE_MAX_IDENTIFIERS_PER_USER ? identifiers.slice(0, GOOGLE_MAX_IDENTIFIERS_PER_USER) : identifiers;
}

function nonEmpty(value: string): string | null {
  return value.length === 0 ? null : value;
}
