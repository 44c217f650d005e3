// What the pipeline stores per customer in the "identify payload" stage, one shape per destination
// type, JSON-serialisable, already hashed; the delivery stage turns it into wire rows without PII.
import type { DestinationType } from '../../generated/prisma/enums.ts';
import type { CustomerPii, HashingOptions } from './customerPii.ts';
import { googleUserIdentifiers, type GoogleUserIdentifier } from './googleUserIdentifiers.ts';
import { linkedinUserIds, type LinkedInUserId } from './linkedinUserIds.ts';
import { metaHash, metaIdentifiers, type MetaIdentifiers, type MetaSchemaField } from './metaIdentifiers.ts';

/** Facebook: the Meta record; `metaRow(ids)` gives the Custom Audience row, `metaUserData(ids)` the CAPI user_data. */
export interface FacebookAdsIdentifiers {
  type: 'FACEBOOK_ADS';
  ids: MetaIdentifiers;
}
/** Google: the `userIdentifiers` of one Customer Match `create`/`remove` operation, as sent. */
export interface GoogleAdsIdentifiers {
  type: 'GOOGLE_ADS';
  userIdentifiers: GoogleUserIdentifier[];
}
/** LinkedIn: the `userIds` of one BATCH_CREATE element, as sent. */
export interface LinkedInAdsIdentifiers {
  type: 'LINKEDIN_ADS';
  userIds: LinkedInUserId[];
}
/** DMP and Web: the fields the destination's settings chose, keyed by Meta schema name, hashed the Meta way. */
export interface DmpIdentifiers {
  type: 'DMP';
  ids: MetaIdentifiers;
}
export interface WebIdentifiers {
  type: 'WEB';
  ids: MetaIdentifiers;
}
export type DestinationIdentifiers =
  FacebookAdsIdentifiers | GoogleAdsIdentifiers | LinkedInAdsIdentifiers | DmpIdentifiers | WebIdentifiers;

export interface IdentifiersOptions extends HashingOptions {
  /** DMP/Web: which Meta fields to send; default all of META_SCHEMA */
  fields?: readonly MetaSchemaField[];
}

export function identifiersFor(type: DestinationType, pii: CustomerPii, options?: IdentifiersOptions): DestinationIdentifiers {
  switch (type) {
    case 'FACEBOOK_ADS':
      return { type, ids: metaIdentifiers(pii, options) };
    case 'GOOGLE_ADS':
      return { type, userIdentifiers: googleUserIdentifiers(pii, options) };
    case 'LINKEDIN_ADS':
      return { type, userIds: linkedinUserIds(pii) };
    case 'DMP':
    case 'WEB':
      return { type, ids: options?.fields ? chosenFields(pii, options.fields, options) : metaIdentifiers(pii, options) };
  }
}

/** Whether anything matchable came out (a customer with no identifiers is not worth sending). */
export function hasIdentifiers(identifiers: DestinationIdentifiers): boolean {
  switch (identifiers.type) {
    case 'GOOGLE_ADS':
      return identifiers.userIdentifiers.length > 0;
    case 'LINKEDIN_ADS':
      return identifiers.userIds.length > 0;
    default:
      for (const key in identifiers.ids) if (key !== 'EXTERN_ID') return true;
      return false;
  }
}

const PII_OF: Readonly<Record<MetaSchemaField, keyof CustomerPii>> = {
  EXTERN_ID: 'externalId',
  EMAIL: 'email',
  PHONE: 'phone',
  FN: 'firstName',
  LN: 'lastName',
  CT: 'city',
  ST: 'state',
  ZIP: 'zip',
  COUNTRY: 'country',
  GEN: 'gender',
  DOBY: 'dateOfBirth',
  DOBM: 'dateOfBirth',
  DOBD: 'dateOfBirth',
};

function chosenFields(pii: CustomerPii, fields: readonly MetaSchemaField[], options: HashingOptions): MetaIdentifiers {
  const ids: MetaIdentifiers = {};
  for (const field of fields) {
    const hashed = metaHash(field, pii[PII_OF[field]], options);
    if (hashed !== null) ids[field] = hashed;
  }
  return ids;
}
