import { describe, expect, it } from 'vitest';
import { createSharedValues } from './sharedValues.ts';

describe('values shared by many members are held once', () => {
  it('answers the value held for a field, remembering at most maxPerField values per field', () => {
    const shared = createSharedValues({ maxPerField: 2 });
    expect([shared.share('COUNTRY', 'us'), shared.share('COUNTRY', 'us'), shared.share('FN', 'us')]).toEqual(['us', 'us', 'us']);
    expect(shared.size, 'one value per field').toBe(2);
    for (const zip of ['1', '2', '3', '4']) expect(shared.share('ZIP', zip)).toBe(zip);
    expect(shared.size, 'ZIP stops being remembered at 2 values').toBe(4);
  });
});
