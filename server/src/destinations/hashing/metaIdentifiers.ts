// A customer's identifiers the Meta way: Custom Audience rows (`payload.schema` + `payload.data`) and the
// Conversions API `user_data` are both built from this one record.
import type { CustomerPii, HashingOptions } from './customerPii.ts';
import { META_UNHASHED_FIELDS, normalizeMeta, type MetaField } from './normaliseMeta.ts';
import { hashNormalised } from './sha256Hex.ts';

/** Meta schema name → hashed value (EXTERN_ID as is); a missing field is absent, never ''. */
export type MetaIdentifiers = Partial<Record<MetaField, string>>;

/** The column order of `payload.schema` for Custom Audience uploads; `metaRow` follows it. */
export const META_SCHEMA = [
  'EXTERN_ID',
  'EMAIL',
  'PHONE',
  'FN',
  'LN',
  'CT',
  'ST',
  'ZIP',
  'COUNTRY',
  'GEN',
  'DOBY',
  'DOBM',
  'DOBD',
] as const satisfies readonly MetaField[];
export type MetaSchemaField = (typeof META_SCHEMA)[number];

/** Normalise then hash one field (EXTERN_ID and MADID are never hashed); null when empty. */
export function metaHash(field: MetaField, value: string | null | undefined, options?: HashingOptions): string | null {
  if (value == null) return null;
  if (FEW_VALUES.has(field)) return repeatedHash(field, value);
  const normalised = normalizeMeta(field, value, options);
  if (normalised === null) return null;
  return META_UNHASHED_FIELDS.has(field) ? normalised : hashNormalised(normalised);
}

// Fields with few distinct values (a few hundred countries, cities and birth years, two genders):
// across a million customers most of their values repeat, so each distinct value as stored is
// normalised and hashed once. Their normalisation takes no options (only PHONE's does).
const FEW_VALUES = new Set<MetaField>(['CT', 'ST', 'ZIP', 'COUNTRY', 'GEN', 'DOBY', 'DOBM', 'DOBD']);
const REPEATED_LIMIT = 50_000;
const repeated = new Map<string, string | null>();

function repeatedHash(field: MetaField, value: string): string | null {
  const key = `${field}:${value}`;
  let hashed = repeated.get(key);
  if (hashed === undefined) {
    if (repeated.size >= REPEATED_LIMIT) repeated.clear(); // many distinct values: no better than hashing
    const normalised = normalizeMeta(field, value);
    hashed = normalised === null ? null : hashNormalised(normalised);
    repeated.set(key, hashed);
  }
  return hashed;
}

export function metaIdentifiers(pii: CustomerPii, options?: HashingOptions): MetaIdentifiers {
  const ids: MetaIdentifiers = {};
  put(ids, 'EXTERN_ID', pii.externalId, options);
  put(ids, 'EMAIL', pii.email, options);
  put(ids, 'PHONE', pii.phone, options);
  put(ids, 'FN', pii.firstName, options);
  put(ids, 'LN', pii.lastName, options);
  put(ids, 'CT', pii.city, options);
  put(ids, 'ST', pii.state, options);
  put(ids, 'ZIP', pii.zip, options);
  put(ids, 'COUNTRY', pii.country, options);
  put(ids, 'GEN', pii.gender, options);
  put(ids, 'DOBY', pii.dateOfBirth, options);
  put(ids, 'DOBM', pii.dateOfBirth, options);
  put(ids, 'DOBD', pii.dateOfBirth, options);
  return ids;
}

/** One `payload.data` row in the order of `schema` (all of META_SCHEMA unless told), '' where a field is missing. */
export function metaRow(ids: MetaIdentifiers, schema: readonly MetaSchemaField[] = META_SCHEMA): string[] {
  return schema.map((field) => ids[field] ?? '');
}

/** Conversions API `user_data` keys; `em` and `ph` are arrays on the wire. */
export interface MetaUserData {
  em?: string[];
  ph?: string[];
  fn?: string;
  ln?: string;
  ct?: string;
  st?: string;
  zp?: string;
  country?: string;
  ge?: string;
  external_id?: string[];
}

export function metaUserData(ids: MetaIdentifiers): MetaUserData {
  const data: MetaUserData = {};
  if (ids.EMAIL) data.em = [ids.EMAIL];
  if (ids.PHONE) data.ph = [ids.PHONE];
  if (ids.FN) data.fn = ids.FN;
  if (ids.LN) data.ln = ids.LN;
  if (ids.CT) data.ct = ids.CT;
  if (ids.ST) data.st = ids.ST;
  if (ids.ZIP) data.zp = ids.ZIP;
  if (ids.COUNTRY) data.country = ids.COUNTRY;
  if (ids.GEN) data.ge = ids.GEN;
  if (ids.EXTERN_ID) data.external_id = [ids.EXTERN_ID];
  return data;
}

function put(ids: MetaIdentifiers, field: MetaField, value: string | null | undefined, options?: HashingOptions) {
  const hashed = metaHash(field, value, options);
  if (hashed !== null) ids[field] = hashed;
}
