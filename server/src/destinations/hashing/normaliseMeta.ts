// Meta's normalisation rules, field by field (api-shapes.md "Hashing"; Meta's "Customer file custom
// audiences" hashing guide). Returns the string that is then hashed, or null when nothing usable is
// left (an empty field is omitted rather than sent as the hash of '').
// A value that is already a SHA-256 digest comes back as is (trimmed, lowercased), whatever the field.
import { phoneDigitsWithCountryCode } from './normalisePhone.ts';
import { alreadyHashed } from './sha256Hex.ts';

export type MetaField =
  'EXTERN_ID' | 'EMAIL' | 'PHONE' | 'FN' | 'LN' | 'CT' | 'ST' | 'ZIP' | 'COUNTRY' | 'GEN' | 'DOBY' | 'DOBM' | 'DOBD' | 'MADID';

/** Never hashed: Meta matches them as sent. */
export const META_UNHASHED_FIELDS: ReadonlySet<MetaField> = new Set<MetaField>(['EXTERN_ID', 'MADID']);

const NOT_LETTERS = /[^\p{L}]+/gu;
const WHITESPACE = /\s+/g;
const US_ZIP = /^(\d{5})(?:-?\d{4})?$/;
const TWO_LETTERS = /^[a-z]{2}$/;
const DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})/;
const DIGITS = /^\d+$/;

// Full names people type into a state or country column, to the codes Meta wants.
const US_STATES: Readonly<Record<string, string>> = {
  alabama: 'al',
  alaska: 'ak',
  arizona: 'az',
  arkansas: 'ar',
  california: 'ca',
  colorado: 'co',
  connecticut: 'ct',
  delaware: 'de',
  districtofcolumbia: 'dc',
  florida: 'fl',
  georgia: 'ga',
  hawaii: 'hi',
  idaho: 'id',
  illinois: 'il',
  indiana: 'in',
  iowa: 'ia',
  kansas: 'ks',
  kentucky: 'ky',
  louisiana: 'la',
  maine: 'me',
  maryland: 'md',
  massachusetts: 'ma',
  michigan: 'mi',
  minnesota: 'mn',
  mississippi: 'ms',
  missouri: 'mo',
  montana: 'mt',
  nebraska: 'ne',
  nevada: 'nv',
  newhampshire: 'nh',
  newjersey: 'nj',
  newmexico: 'nm',
  newyork: 'ny',
  northcarolina: 'nc',
  northdakota: 'nd',
  ohio: 'oh',
  oklahoma: 'ok',
  oregon: 'or',
  pennsylvania: 'pa',
  rhodeisland: 'ri',
  southcarolina: 'sc',
  southdakota: 'sd',
  tennessee: 'tn',
  texas: 'tx',
  utah: 'ut',
  vermont: 'vt',
  virginia: 'va',
  washington: 'wa',
  westvirginia: 'wv',
  wisconsin: 'wi',
  wyoming: 'wy',
  puertorico: 'pr',
};
const COUNTRY_ALIASES: Readonly<Record<string, string>> = {
  usa: 'us',
  unitedstates: 'us',
  unitedstatesofamerica: 'us',
  uk: 'gb',
  gbr: 'gb',
  unitedkingdom: 'gb',
  greatbritain: 'gb',
  can: 'ca',
  canada: 'ca',
  mex: 'mx',
  mexico: 'mx',
  bra: 'br',
  brazil: 'br',
  brasil: 'br',
  deu: 'de',
  germany: 'de',
  fra: 'fr',
  france: 'fr',
  esp: 'es',
  spain: 'es',
  ita: 'it',
  italy: 'it',
  prt: 'pt',
  portugal: 'pt',
  nld: 'nl',
  netherlands: 'nl',
  aus: 'au',
  australia: 'au',
  ind: 'in',
  india: 'in',
  jpn: 'jp',
  japan: 'jp',
  irl: 'ie',
  ireland: 'ie',
};
const GENDERS: Readonly<Record<string, string>> = { m: 'm', male: 'm', man: 'm', f: 'f', female: 'f', woman: 'f' };

export interface NormalizeOptions {
  defaultCountryCallingCode?: string;
}

export function normalizeMeta(field: MetaField, value: string | null | undefined, options?: NormalizeOptions): string | null {
  if (value == null) return null;
  if (field === 'EXTERN_ID') return nonEmpty(value.trim());
  if (field === 'MADID') return nonEmpty(value.trim().toLowerCase());
  const hashed = alreadyHashed(value);
  if (hashed) return hashed;
  switch (field) {
    case 'EMAIL':
      return nonEmpty(value.trim().toLowerCase());
    case 'PHONE':
      return phoneDigitsWithCountryCode(value, options?.defaultCountryCallingCode);
    case 'FN':
    case 'LN':
    case 'CT':
      return lettersOnly(value);
    case 'ST': {
      const letters = lettersOnly(value);
      return letters === null ? null : (US_STATES[letters] ?? letters);
    }
    case 'ZIP': {
      const compact = value.replace(WHITESPACE, '').toLowerCase();
      const us = US_ZIP.exec(compact);
      return us ? us[1]! : nonEmpty(compact);
    }
    case 'COUNTRY': {
      const letters = lettersOnly(value);
      if (letters === null) return null;
      const code = COUNTRY_ALIASES[letters] ?? letters;
      return TWO_LETTERS.test(code) ? code : null;
    }
    case 'GEN':
      return GENDERS[value.trim().toLowerCase()] ?? null;
    case 'DOBY':
    case 'DOBM':
    case 'DOBD':
      return datePart(field, value.trim());
  }
}

/** Lowercase, letters only (any script), composed first so 'e' + combining acute stays one letter 'é'. */
function lettersOnly(value: string): string | null {
  return nonEmpty(value.normalize('NFC').toLowerCase().replace(NOT_LETTERS, ''));
}

function datePart(field: 'DOBY' | 'DOBM' | 'DOBD', value: string): string | null {
  const date = DATE.exec(value);
  let part: string | undefined;
  if (date) part = field === 'DOBY' ? date[1] : field === 'DOBM' ? date[2] : date[3];
  else if (DIGITS.test(value)) part = value; // a lone year, month or day
  if (part === undefined) return null;
  if (field === 'DOBY') return part.length === 4 ? part : null;
  const n = Number(part);
  if (n < 1 || n > (field === 'DOBM' ? 12 : 31)) return null;
  return n < 10 ? '0' + n : String(n);
}

function nonEmpty(value: string): string | null {
  return value.length === 0 ? null : value;
}
