import { describe, expect, it } from 'vitest';
import { GOOGLE_HEADERS, useSimulator } from '../../../test/support/simulatorTestSupport.ts';

const t = useSimulator();
const URL = '/google/v26/customers/1234567890:uploadClickConversions';
const conversion = (gclid: string, orderId?: string, at = '2026-11-20 10:00:00+00:00') => ({
  gclid,
  conversionAction: 'customers/1234567890/conversionActions/42',
  conversionDateTime: at,
  conversionValue: 12.5,
  currencyCode: 'USD',
  ...(orderId ? { orderId } : {}),
});

describe('Google click conversion upload', () => {
  it('accepts conversions and echoes each in results', async () => {
    const r = await t.call('POST', URL, { conversions: [conversion('g1', 'o1'), conversion('g2')], partialFailure: true }, GOOGLE_HEADERS);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.results).toEqual([
      { gclid: 'g1', conversionAction: 'customers/1234567890/conversionActions/42', conversionDateTime: '2026-11-20 10:00:00+00:00' },
      { gclid: 'g2', conversionAction: 'customers/1234567890/conversionActions/42', conversionDateTime: '2026-11-20 10:00:00+00:00' },
    ]);
    expect(r.body.partialFailureError).toBeUndefined();
    expect(t.started.simulator.state.google.clickConversions).toHaveLength(2);
  });

  it('answers HTTP 200 with results[i] = {} and partialFailureError for failed rows', async () => {
    const r = await t.call(
      'POST',
      URL,
      {
        conversions: [conversion('g1'), { ...conversion('g2'), conversionDateTime: '2026/11/20' }, conversion('g3')],
        partialFailure: true,
      },
      GOOGLE_HEADERS,
    );
    expect(r.status).toBe(200);
    expect(r.body.results[1]).toEqual({});
    expect(r.body.partialFailureError.code).toBe(3);
    const errors = r.body.partialFailureError.details[0].errors;
    expect(errors).toHaveLength(1);
    expect(errors[0].errorCode).toEqual({ conversionUploadError: 'INVALID_CONVERSION_DATE_TIME' });
    expect(errors[0].location.fieldPathElements).toEqual([{ fieldName: 'conversions', index: 1 }]);
  });

  it('answers CLICK_CONVERSION_ALREADY_EXISTS for a re-sent gclid+action+time or orderId, keeping one copy', async () => {
    await t.call('POST', URL, { conversions: [conversion('g1', 'o1')], partialFailure: true }, GOOGLE_HEADERS);
    const again = await t.call(
      'POST',
      URL,
      { conversions: [conversion('g1', 'o1'), conversion('g9', 'o1', '2026-11-21 10:00:00+00:00')], partialFailure: true },
      GOOGLE_HEADERS,
    );
    const codes = again.body.partialFailureError.details[0].errors.map((e: any) => e.errorCode.conversionUploadError);
    expect(codes, 'same click, then same order id').toEqual(['CLICK_CONVERSION_ALREADY_EXISTS', 'CLICK_CONVERSION_ALREADY_EXISTS']);
    const g = t.started.simulator.state.google;
    expect(g.clickConversions).toHaveLength(1);
    expect(g.conversionIdsReceived.get('o1'), 'order o1 received three times').toBe(3);
  });

  it('refuses more than 2,000 conversions and a request without partialFailure', async () => {
    const many = Array.from({ length: 2001 }, (_, i) => conversion(`g${i}`));
    const tooMany = await t.call('POST', URL, { conversions: many, partialFailure: true }, GOOGLE_HEADERS);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.status).toBe('INVALID_ARGUMENT');
    const noPartial = await t.call('POST', URL, { conversions: [conversion('g1')] }, GOOGLE_HEADERS);
    expect(noPartial.status).toBe(400);
  });

  it('refuses a conversion action of another customer, row by row', async () => {
    const r = await t.call(
      'POST',
      URL,
      { conversions: [{ ...conversion('g1'), conversionAction: 'customers/999/conversionActions/1' }], partialFailure: true },
      GOOGLE_HEADERS,
    );
    expect(r.body.partialFailureError.details[0].errors[0].errorCode).toEqual({ conversionUploadError: 'INVALID_CONVERSION_ACTION' });
  });
});
