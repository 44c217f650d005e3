import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CustomerPii } from './customerPii.ts';
import { META_SCHEMA, metaHash, metaIdentifiers, metaRow, metaUserData } from './metaIdentifiers.ts';

const digest = (s: string) => createHash('sha256').update(s).digest('hex');

const messy: CustomerPii = {
  externalId: 'CUST-001',
  email: ' Zoe.Ann@Example.com ',
  phone: '+1 (555) 123-4567',
  firstName: 'Zoë-Ann',
  lastName: "D'Arcy",
  city: 'New York',
  state: 'NY',
  zip: '10001-0001',
  country: 'US',
  dateOfBirth: '1990-07-04',
  gender: 'Female',
};

describe('metaIdentifiers', () => {
  it('hashes every field of a messy customer under its Meta schema name', () => {
    expect(metaIdentifiers(messy)).toEqual({
      EXTERN_ID: 'CUST-001',
      EMAIL: digest('zoe.ann@example.com'),
      PHONE: digest('15551234567'),
      FN: digest('zoëann'),
      LN: digest('darcy'),
      CT: digest('newyork'),
      ST: digest('ny'),
      ZIP: digest('10001'),
      COUNTRY: digest('us'),
      GEN: digest('f'),
      DOBY: digest('1990'),
      DOBM: digest('07'),
      DOBD: digest('04'),
    });
  });

  it('omits missing fields, and metaRow puts "" in their columns in META_SCHEMA order', () => {
    const ids = metaIdentifiers({ ...messy, phone: null, firstName: '', city: null, dateOfBirth: null, gender: null });
    expect(Object.keys(ids).sort()).toEqual(['COUNTRY', 'EMAIL', 'EXTERN_ID', 'LN', 'ST', 'ZIP']);
    expect(META_SCHEMA).toEqual(['EXTERN_ID', 'EMAIL', 'PHONE', 'FN', 'LN', 'CT', 'ST', 'ZIP', 'COUNTRY', 'GEN', 'DOBY', 'DOBM', 'DOBD']);
    expect(metaRow(ids)).toEqual([
      'CUST-001',
      digest('zoe.ann@example.com'),
      '',
      '',
      digest('darcy'),
      '',
      digest('ny'),
      digest('10001'),
      digest('us'),
      '',
      '',
      '',
      '',
    ]);
  });

  it('maps to Conversions API user_data (em/ph/external_id as arrays)', () => {
    const data = metaUserData(metaIdentifiers(messy));
    expect(data.em).toEqual([digest('zoe.ann@example.com')]);
    expect(data.ph).toEqual([digest('15551234567')]);
    expect(data.zp).toBe(digest('10001'));
    expect(data.external_id).toEqual(['CUST-001']);
  });

  it('remembers a repeated value per field: the same text as a city and as a state hashes by each rule', () => {
    for (let round = 0; round < 2; round++) {
      expect(metaHash('CT', 'California'), `city, round ${round}`).toBe(digest('california'));
      expect(metaHash('ST', 'California'), `state, round ${round}`).toBe(digest('ca'));
      expect(metaHash('COUNTRY', 'Nowhere Land'), `no two-letter code, round ${round}`).toBeNull();
    }
  });
});
