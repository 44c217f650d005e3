// escapeCopyJson skips the checks escapeCopyField makes for raw tabs and line breaks, which JSON text
// never holds: for any JSON it must write what escapeCopyField writes, and read back the same.
import { expect, it } from 'vitest';
import { escapeCopyField, escapeCopyJson, parseCopyLine } from './copyText.ts';

it('escapes JSON text as escapeCopyField does, and reads back the same', () => {
  const values = ['plain', 'tab\there', 'line\nbreak', 'cr\rhere', 'back\\slash', 'quote"d', '\u0000\u001f', 'Zoë 😀', '\\N'];
  for (const value of values) {
    const json = JSON.stringify({ type: 'WEB', ids: { EXTERN_ID: value } });
    expect(escapeCopyJson(json), `escaping ${JSON.stringify(value)}`).toBe(escapeCopyField(json));
    expect(parseCopyLine(`1\t${escapeCopyJson(json)}`)[1], `reading back ${JSON.stringify(value)}`).toBe(json);
  }
});
