// validateCustomers takes valid records by a direct path and leaves the rest to the zod schema. For
// generated calls (values near every limit, blanks, bad formats, odd attributes) its answer must be
// exactly the schema's: the same columns when all records pass, the same refusal when one does not.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { customerSchema, validateCustomers, type CustomerColumns } from './customerInput.ts';

const TEXT_FIELDS = ['email', 'phone', 'firstName', 'lastName', 'city', 'state', 'zip', 'country', 'dateOfBirth', 'gender'] as const;

/** The answer built from the schema alone, record by record (what validateCustomers once was). */
function bySchema(input: unknown[]) {
  const columns: CustomerColumns = {
    length: input.length,
    externalId: [],
    email: [],
    phone: [],
    firstName: [],
    lastName: [],
    city: [],
    state: [],
    zip: [],
    country: [],
    dateOfBirth: [],
    gender: [],
    adConsent: [],
    attributes: [],
  };
  const seen = new Set<string>();
  for (let index = 0; index < input.length; index++) {
    const raw = input[index] as { externalId?: unknown };
    const label = `customers[${index}]${typeof raw?.externalId === 'string' ? ` (externalId "${raw.externalId.slice(0, 64)}")` : ''}`;
    const result = customerSchema.safeParse(raw);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const field = issue.path.map(String).join('.');
      return { ok: false, message: `${label}: ${field} ${issue.message}`, index, field };
    }
    if (seen.has(result.data.externalId))
      return { ok: false, message: `${label}: externalId appears twice in this call`, index, field: 'externalId' };
    seen.add(result.data.externalId);
    columns.externalId.push(result.data.externalId);
    for (const name of TEXT_FIELDS) columns[name].push(result.data[name]);
    columns.adConsent.push(result.data.adConsent);
    columns.attributes.push(result.data.attributes === null ? null : JSON.stringify(result.data.attributes));
  }
  return { ok: true, customers: columns };
}

const padded = (s: fc.Arbitrary<string>) =>
  fc.tuple(fc.constantFrom('', ' ', '\t', ' \n '), s, fc.constantFrom('', ' ', '\u00a0', '\ufeff')).map(([a, b, c]) => a + b + c);
const ofLength = (n: number) => fc.constant('x'.repeat(n));
const text = (valid: fc.Arbitrary<string>, max: number) =>
  fc.oneof(
    valid,
    padded(valid),
    fc.constantFrom(undefined, null, '', '   '),
    ofLength(max),
    ofLength(max + 1),
    padded(ofLength(max)),
    fc.string({ maxLength: 12 }),
    fc.string({ unit: 'grapheme', maxLength: 6 }),
    fc.constantFrom('lone \ud800', '\udfff', 'pair 👩‍👩‍👧'),
  );

const record = fc.record(
  {
    externalId: fc.oneof(
      fc.constantFrom('a', 'b', 'c', ' a ', '', '  ', 'lone \ud800'),
      fc.string({ maxLength: 8 }),
      ofLength(256),
      ofLength(257),
    ),
    email: text(fc.constantFrom('ann@example.com', 'a@b.co', 'no-at.example.com', 'two@@x.y', 'sp ace@x.y', 'a@b'), 320),
    phone: text(fc.constantFrom('+15551234567', '(555) 123-4567', '123456', '+1234567890123456', 'call me', '555.123.4567'), 40),
    firstName: text(fc.constantFrom('Ann', 'Zoë'), 200),
    lastName: text(fc.constantFrom('Lee'), 200),
    city: text(fc.constantFrom('Oakland'), 200),
    state: text(fc.constantFrom('CA'), 100),
    zip: text(fc.constantFrom('94105'), 20),
    country: text(fc.constantFrom('US', 'us', 'USA', 'U1', 'é'), 2),
    dateOfBirth: text(fc.constantFrom('1990-05-17', '1990-02-31', '2000-02-29', '1999-02-29', '01/02/1990', '1990-5-17'), 10),
    gender: text(fc.constantFrom('m', 'F', 'Male', 'female', 'x', 'mf'), 16),
    adConsent: fc.constantFrom(undefined, null, true, false),
    attributes: fc.oneof(
      fc.constantFrom(undefined, null),
      fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
      fc.constantFrom([1, 2], [], 'text', 7, JSON.parse('{"__proto__": {"admin": true}, "plan": "gold"}'), Object.create(null)),
      fc.constantFrom({ note: 'lone \ud800' }, { 'key \udc00': 1 }, { deep: [{ x: '\ud800' }] }),
      fc.constant({ big: 'x'.repeat(65_530) }),
    ),
  },
  { requiredKeys: ['externalId'] },
);

describe('validateCustomers', () => {
  it('answers exactly as the schema does', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 6 }), (input) => {
        expect(validateCustomers(input)).toEqual(bySchema(input));
      }),
      { numRuns: 3000, seed: 20261206 },
    );
  });

  it('takes a call of valid records without the schema', () => {
    const input = Array.from({ length: 1000 }, (_, i) => ({ externalId: `c-${i}`, email: `c.${i}@example.com`, country: 'US' }));
    const parse = customerSchema.safeParse;
    let calls = 0;
    customerSchema.safeParse = ((value: unknown) => {
      calls++;
      return parse.call(customerSchema, value);
    }) as typeof parse;
    try {
      const result = validateCustomers(input);
      expect(result.ok, 'the call is valid').toBe(true);
    } finally {
      customerSchema.safeParse = parse;
    }
    expect(calls, 'no record needed the schema').toBe(0);
  });
});
