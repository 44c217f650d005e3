// Validation of incoming customers. Errors name the record by position and external id, never by
// the PII value that was wrong.
import { z } from 'zod';

export const MAX_CUSTOMERS_PER_CALL = 10_000;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => (v ? v : null));

export const customerSchema = z.object({
  externalId: z.string().trim().min(1, 'must not be empty').max(256),
  email: optionalText(320).refine((v) => v === null || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), 'is not a valid email address'),
  phone: optionalText(40).refine(
    (v) => v === null || /^\+?\d{7,15}$/.test(v.replace(/[\s().-]/g, '')),
    'is not a valid phone number (7 to 15 digits, optional +)',
  ),
  firstName: optionalText(200),
  lastName: optionalText(200),
  city: optionalText(200),
  state: optionalText(100),
  zip: optionalText(20),
  country: optionalText(2).refine((v) => v === null || /^[A-Za-z]{2}$/.test(v), 'must be an ISO-3166 alpha-2 code'),
  dateOfBirth: optionalText(10).refine(
    // the round trip refuses days a month does not have (Date.parse takes 1990-02-31 as March 3rd)
    (v) => v === null || (/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)) && new Date(v).toISOString().slice(0, 10) === v),
    'must be a date YYYY-MM-DD',
  ),
  gender: optionalText(16).refine((v) => v === null || /^(m|f|male|female)$/i.test(v), 'must be m, f, male or female'),
  adConsent: z
    .boolean()
    .nullish()
    .transform((v) => v ?? null),
  attributes: z
    .record(z.string(), z.unknown())
    .nullish()
    .refine((v) => v == null || JSON.stringify(v).length <= 65_536, 'must be at most 64 KiB of JSON')
    .transform((v) => v ?? null),
});

export type CustomerRecord = z.infer<typeof customerSchema>;

/** Validates a whole call; the first problem refuses all of it. */
export function validateCustomers(
  input: readonly unknown[],
): { ok: true; customers: CustomerRecord[] } | { ok: false; message: string; index: number; field: string } {
  if (input.length > MAX_CUSTOMERS_PER_CALL) {
    return { ok: false, message: `at most ${MAX_CUSTOMERS_PER_CALL} customers per call`, index: -1, field: '' };
  }
  const customers: CustomerRecord[] = [];
  const seen = new Set<string>();
  for (let index = 0; index < input.length; index++) {
    const raw = input[index] as { externalId?: unknown };
    const result = customerSchema.safeParse(raw);
    const label = `customers[${index}]${typeof raw?.externalId === 'string' ? ` (externalId "${raw.externalId.slice(0, 64)}")` : ''}`;
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const field = issue.path.map(String).join('.');
      return { ok: false, message: `${label}: ${field} ${issue.message}`, index, field };
    }
    if (seen.has(result.data.externalId)) {
      return { ok: false, message: `${label}: externalId appears twice in this call`, index, field: 'externalId' };
    }
    seen.add(result.data.externalId);
    customers.push(result.data);
  }
  return { ok: true, customers };
}
