// Phone numbers to "country code + national number" digits, shared by Meta (digits, no '+') and
// Google (E.164, with '+'). A number written with '+' or '00' carries its country code; one written
// without either is taken to carry it only when it starts with the default calling code and is longer
// than a national number (11+ digits), otherwise its trunk '0' is dropped and the default code put in front.
const NON_DIGITS = /\D+/g;
const TRUNK_IN_BRACKETS = /\(0\)/g; // '+44 (0)20 …': the bracketed trunk 0 is not dialled from abroad
const LEADING_ZEROS = /^0+/;
const HAS_PLUS = /^\s*\+/;
const MIN_DIGITS = 7;
const MAX_DIGITS = 15; // E.164

export function phoneDigitsWithCountryCode(value: string, defaultCountryCallingCode = '1'): string | null {
  const digits = value.replace(TRUNK_IN_BRACKETS, '').replace(NON_DIGITS, '');
  let international: string;
  if (HAS_PLUS.test(value)) international = digits.replace(LEADING_ZEROS, '');
  else if (digits.startsWith('00')) international = digits.replace(LEADING_ZEROS, '');
  else if (digits.startsWith(defaultCountryCallingCode) && digits.length > 10) international = digits;
  else {
    const national = digits.replace(LEADING_ZEROS, '');
    if (national.length === 0) return null;
    international = defaultCountryCallingCode + national;
  }
  if (international.length < MIN_DIGITS || international.length > MAX_DIGITS) return null;
  return international;
}
