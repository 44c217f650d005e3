// Normalise and hash customer PII per network (api-shapes.md "Hashing").
export type { CustomerPii, HashingOptions } from './customerPii.ts';
export { sha256Hex, isSha256Hex, hashNormalised, alreadyHashed } from './sha256Hex.ts';
export { phoneDigitsWithCountryCode } from './normalisePhone.ts';
export { normalizeMeta, META_UNHASHED_FIELDS, type MetaField } from './normaliseMeta.ts';
export {
  META_SCHEMA,
  metaHash,
  metaIdentifiers,
  metaRow,
  metaUserData,
  type MetaIdentifiers,
  type MetaSchemaField,
  type MetaUserData,
} from './metaIdentifiers.ts';
export {
  normalizeGoogle,
  googleUserIdentifiers,
  GOOGLE_MAX_IDENTIFIERS_PER_USER,
  type GoogleField,
  type GoogleUserIdentifier,
  type GoogleAddressInfo,
} from './googleUserIdentifiers.ts';
export { linkedinUserIds, type LinkedInUserId } from './linkedinUserIds.ts';
export {
  identifiersFor,
  hasIdentifiers,
  type DestinationIdentifiers,
  type FacebookAdsIdentifiers,
  type GoogleAdsIdentifiers,
  type LinkedInAdsIdentifiers,
  type DmpIdentifiers,
  type WebIdentifiers,
  type IdentifiersOptions,
} from './identifiersFor.ts';
export { identifiersNoLongerSent } from './identifiersNoLongerSent.ts';
