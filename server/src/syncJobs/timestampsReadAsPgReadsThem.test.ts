// The page's own reading of timestamptz text gives the Date pg's general parser gives, for the UTC
// shape it reads by position and for every shape it hands on, and the ISO text a Date formats to.
import pg from 'pg';
import { expect, it } from 'vitest';
import { isoString } from '../db/isoDate.ts';
import { parseTimestamptz } from './syncJobRows.ts';

const pgParse = pg.types.getTypeParser(1184) as (text: string) => Date;

it('reads UTC timestamps by position exactly as pg does, and hands other shapes to pg', () => {
  const texts = [
    '2026-12-06 07:19:00+00',
    '2026-12-06 07:19:00.1+00',
    '2026-12-06 07:19:00.12+00',
    '2026-12-06 07:19:00.123+00',
    '2026-12-06 07:19:00.999999+00',
    '2024-02-29 23:59:59.5+00',
    '1970-01-01 00:00:00+00',
    '1000-01-01 00:00:00.05+00',
    '9999-12-31 23:59:59.999+00',
    '2026-12-06 07:19:00.123+05:30',
    '2026-12-06 07:19:00-08',
    '0099-01-01 00:00:00+00',
    '2000-01-01 00:00:00+00 BC',
    'infinity',
  ];
  for (const text of texts) {
    const ours = parseTimestamptz(text);
    const theirs = pgParse(text);
    expect(Number(ours), `${text} reads as pg reads it`).toBe(Number(theirs));
    if (Number.isFinite(Number(theirs))) {
      expect(isoString(ours), `${text} is sent as the DateTime scalar formats a Date`).toBe(theirs.toISOString());
    }
  }
});
