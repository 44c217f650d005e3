// Validation of incoming customers. Errors name the record by position and external id, never by
// the PII value that was wrong.
//
// A call holds up to 10,000 records, so the valid ones take a direct path: plain checks that write
// each value straight into its column, with no object per record. The zod schema stays the rule
// book: the direct path accepts only what the schema accepts, with the same result, and hands any
// record it does not accept outright to the schema, which then gives the verdict and the message.
import { z } from 'zod';

export const MAX_CUSTOMERS_PER_CALL = 10_000;
export const MAX_ATTRIBUTES_JSON = 65_536;

// PostgreSQL would store a lone UTF-16 surrogate as U+FFFD (text) or refuse it (jsonb): refused here
const LONE_SURROGATE = /\p{Cs}/u;
const isWellFormed = (v: string) => !LONE_SURROGATE.test(v);
const NOT_UNICODE = 'is not valid Unicode (a lone surrogate)';

/** Whether a key or string anywhere in a JSON value holds a lone surrogate. */
function holdsLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return !isWellFormed(value);
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(holdsLoneSurrogate);
  return Object.entries(value).some(([key, item]) => !isWellFormed(key) || holdsLoneSurrogate(item));
}

const isEmail = (v: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v);
const isPhone = (v: string) => /^\+?\d{7,15}$/.test(v.replace(/[\s().-]/g, ''));
const isCountry = (v: string) => /^[A-Za-z]{2}$/.test(v);
// the round trip refuses days a month does not have (Date.parse takes 1990-02-31 as March 3rd)
const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)) && new Date(v).toISOString().slice(0, 10) === v;
const isGender = (v: string) => /^(m|f|male|female)$/i.test(v);

const optionalText = (max: number) =>
  z
    .string()
    .refine(isWellFormed, NOT_UNICODE)
    .trim()
    .max(max)
    .nullish()
    .transform((v) => (v ? v : null));

export const customerSchema = z.object({
  externalId: z.string().refine(isWellFormed, NOT_UNICODE).trim().min(1, 'must not be empty').max(256),
  email: optionalText(320).refine((v) => v === null || isEmail(v), 'is not a valid email address'),
  phone: optionalText(40).refine((v) => v === null || isPhone(v), 'is not a valid phone number (7 to 15 digits, optional +)'),
  firstName: optionalText(200),
  lastName: optionalText(200),
  city: optionalText(200),
  state: optionalText(100),
  zip: optionalText(20),
  country: optionalText(2).refine((v) => v === null || isCountry(v), 'must be an ISO-3166 alpha-2 code'),
  dateOfBirth: optionalText(10).refine((v) => v === null || isDate(v), 'must be a date YYYY-MM-DD'),
  gender: optionalText(16).refine((v) => v === null || isGender(v), 'must be m, f, male or female'),
  adConsent: z
    .boolean()
    .nullish()
    .transform((v) => v ?? null),
  attributes: z
    .record(z.string(), z.unknown())
    .nullish()
    .refine((v) => v == null || !holdsLoneSurrogate(v), NOT_UNICODE)
    .refine((v) => v == null || JSON.stringify(v).length <= MAX_ATTRIBUTES_JSON, 'must be at most 64 KiB of JSON')
    .transform((v) => v ?? null),
});

export type CustomerRecord = z.infer<typeof customerSchema>;

/** The valid customers of one call, column by column (null: the field was left out), as the upsert sends them. */
export interface CustomerColumns {
  length: number;
  externalId: string[];
  email: (string | null)[];
  phone: (string | null)[];
  firstName: (string | null)[];
  lastName: (string | null)[];
  city: (string | null)[];
  state: (string | null)[];
  zip: (string | null)[];
  country: (string | null)[];
  dateOfBirth: (string | null)[];
  gender: (string | null)[];
  adConsent: (boolean | null)[];
  /** the attributes object as JSON text */
  attributes: (string | null)[];
}

type TextColumn = Exclude<keyof CustomerColumns, 'length' | 'externalId' | 'adConsent' | 'attributes'>;
const TEXT_COLUMNS: ReadonlyArray<[TextColumn, number, ((v: string) => boolean) | null]> = [
  ['email', 320, isEmail],
  ['phone', 40, isPhone],
  ['firstName', 200, null],
  ['lastName', 200, null],
  ['city', 200, null],
  ['state', 100, null],
  ['zip', 20, null],
  ['country', 2, isCountry],
  ['dateOfBirth', 10, isDate],
  ['gender', 16, isGender],
];

/** A record's value the direct path does not take: the schema decides. */
const UNSURE = Symbol('unsure');

/** optionalText(max) plus its refinement, or UNSURE. */
function text(value: unknown, max: number, valid: ((v: string) => boolean) | null): string | null | typeof UNSURE {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !isWellFormed(value)) return UNSURE;
  const trimmed = value.trim();
  if (trimmed.length > max) return UNSURE;
  if (trimmed === '') return null;
  return valid === null || valid(trimmed) ? trimmed : UNSURE;
}

/** A plain object of at most 64 KiB as JSON, as its JSON text; null when left out; else UNSURE. */
function attributesJson(value: unknown): string | null | typeof UNSURE {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object') return UNSURE;
  const prototype = Object.getPrototypeOf(value);
  // the schema drops an own "__proto__" key: let it
  if ((prototype !== Object.prototype && prototype !== null) || Object.hasOwn(value, '__proto__')) return UNSURE;
  if (holdsLoneSurrogate(value)) return UNSURE;
  const json = JSON.stringify(value);
  return json.length <= MAX_ATTRIBUTES_JSON ? json : UNSURE;
}

function emptyColumns(n: number): CustomerColumns {
  const column = <T>() => new Array<T | null>(n).fill(null);
  return {
    length: n,
    externalId: new Array<string>(n).fill(''),
    email: column(),
    phone: column(),
    firstName: column(),
    lastName: column(),
    city: column(),
    state: column(),
    zip: column(),
    country: column(),
    dateOfBirth: column(),
    gender: column(),
    adConsent: column(),
    attributes: column(),
  };
}

/** Writes record `index` through the direct path; false when some value needs the schema's verdict. */
function takeDirectly(raw: Record<string, unknown>, columns: CustomerColumns, index: number): boolean {
  const externalId = raw.externalId;
  if (typeof externalId !== 'string' || !isWellFormed(externalId)) return false;
  const id = externalId.trim();
  if (id.length === 0 || id.length > 256) return false;
  columns.externalId[index] = id;
  for (const [name, max, valid] of TEXT_COLUMNS) {
    const value = text(raw[name], max, valid);
    if (value === UNSURE) return false;
    columns[name][index] = value;
  }
  const adConsent = raw.adConsent;
  if (typeof adConsent === 'boolean') columns.adConsent[index] = adConsent;
  else if (adConsent !== undefined && adConsent !== null) return false;
  const attributes = attributesJson(raw.attributes);
  if (attributes === UNSURE) return false;
  columns.attributes[index] = attributes;
  return true;
}

function takeParsed(record: CustomerRecord, columns: CustomerColumns, index: number) {
  columns.externalId[index] = record.externalId;
  for (const [name] of TEXT_COLUMNS) columns[name][index] = record[name];
  columns.adConsent[index] = record.adConsent;
  columns.attributes[index] = record.attributes === null ? null : JSON.stringify(record.attributes);
}

function label(raw: { externalId?: unknown } | null | undefined, index: number) {
  return `customers[${index}]${typeof raw?.externalId === 'string' ? ` (externalId "${raw.externalId.slice(0, 64)}")` : ''}`;
}

/** Validates a whole call; the first problem refuses all of it. */
export function validateCustomers(
  input: readonly unknown[],
): { ok: true; customers: CustomerColumns } | { ok: false; message: string; index: number; field: string } {
  if (input.length > MAX_CUSTOMERS_PER_CALL) {
    return { ok: false, message: `at most ${MAX_CUSTOMERS_PER_CALL} customers per call`, index: -1, field: '' };
  }
  const customers = emptyColumns(input.length);
  const seen = new Set<string>();
  for (let index = 0; index < input.length; index++) {
    const raw = input[index] as { externalId?: unknown } | null | undefined;
    if (raw === null || typeof raw !== 'object' || !takeDirectly(raw as Record<string, unknown>, customers, index)) {
      const result = customerSchema.safeParse(raw);
      if (!result.success) {
        const issue = result.error.issues[0]!;
        const field = issue.path.map(String).join('.');
        return { ok: false, message: `${label(raw, index)}: ${field} ${issue.message}`, index, field };
      }
      takeParsed(result.data, customers, index);
    }
    const externalId = customers.externalId[index]!;
    if (seen.has(externalId)) {
      return { ok: false, message: `${label(raw, index)}: externalId appears twice in this call`, index, field: 'externalId' };
    }
    seen.add(externalId);
  }
  return { ok: true, customers };
}
