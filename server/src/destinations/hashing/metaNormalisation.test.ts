import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { metaHash } from './metaIdentifiers.ts';
import { normalizeMeta, type MetaField } from './normaliseMeta.ts';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

// [field, messy input, expected normalised string]
const vectors: [MetaField, string, string][] = [
  ['EMAIL', '  John.Doe@Example.COM ', 'john.doe@example.com'],
  ['PHONE', '+1 (555) 123-4567', '15551234567'],
  ['PHONE', '0044 20 7946 0958', '442079460958'],
  ['PHONE', '+44 (0)20 7946 0958', '442079460958'], // the bracketed trunk 0 is dropped
  ['PHONE', '(555) 123-4567', '15551234567'], // no country code: default '1'
  ['PHONE', '1-555-123-4567', '15551234567'],
  ['FN', '  José ', 'josé'],
  ['FN', 'Jose\u0301', 'josé'], // decomposed accent composes to the same letter
  ['FN', 'Zoë-Ann', 'zoëann'],
  ['LN', "O'Brien Smith", 'obriensmith'],
  ['LN', 'MÜLLER', 'müller'],
  ['CT', 'San Francisco', 'sanfrancisco'],
  ['CT', 'São Paulo', 'sãopaulo'],
  ['ST', ' CA ', 'ca'],
  ['ST', 'California', 'ca'],
  ['ST', 'New York', 'ny'],
  ['ZIP', '94105-1234', '94105'],
  ['ZIP', ' 02134 ', '02134'],
  ['ZIP', 'SW1A 1AA', 'sw1a1aa'],
  ['COUNTRY', ' US ', 'us'],
  ['COUNTRY', 'United Kingdom', 'gb'],
  ['GEN', 'Male', 'm'],
  ['GEN', 'F', 'f'],
  ['GEN', ' female ', 'f'],
  ['DOBY', '1987-03-09', '1987'],
  ['DOBM', '1987-03-09', '03'],
  ['DOBD', '1987-03-09', '09'],
];

describe('Meta normalisation, field by field', () => {
  it.each(vectors)('%s %j normalises to %j and hashes to its SHA-256', (field, input, expected) => {
    expect(normalizeMeta(field, input), `normalised ${field} of ${JSON.stringify(input)}`).toBe(expected);
    expect(metaHash(field, input), `hash of ${JSON.stringify(expected)}`).toBe(digest(expected));
  });

  it('uses the defaultCountryCallingCode for a phone written without one', () => {
    expect(normalizeMeta('PHONE', '020 7946 0958', { defaultCountryCallingCode: '44' })).toBe('442079460958');
  });

  it('never hashes EXTERN_ID or MADID', () => {
    expect(metaHash('EXTERN_ID', ' Cust-42 ')).toBe('Cust-42');
    expect(metaHash('MADID', ' 6D92078A-8246-4BA4-AE5B-76104861E7DC ')).toBe('6d92078a-8246-4ba4-ae5b-76104861e7dc');
  });

  it.each([
    ['EMAIL', '   '],
    ['PHONE', 'n/a'],
    ['FN', '---'],
    ['GEN', 'unknown'],
    ['COUNTRY', 'Atlantis'],
    ['DOBM', '1987-13-01'],
    ['DOBY', 'soon'],
  ] as [MetaField, string][])('omits %s %j (nothing usable), instead of hashing an empty string', (field, input) => {
    expect(normalizeMeta(field, input), `${field} ${JSON.stringify(input)} should normalise to null`).toBeNull();
    expect(metaHash(field, input)).toBeNull();
  });

  it('omits null fields', () => {
    expect(metaHash('EMAIL', null)).toBeNull();
  });
});
