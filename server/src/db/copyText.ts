// PostgreSQL COPY text format, both ways: lines of tab-separated fields, \N for NULL, backslash escapes.
const UNESCAPE: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '\\': '\\' };

export function parseCopyLine(line: string): Array<string | null> {
  const fields: Array<string | null> = line.split('\t');
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (field === '\\N') fields[i] = null;
    else if (field.includes('\\')) fields[i] = field.replace(/\\(.)/g, (_m, c: string) => UNESCAPE[c] ?? c);
  }
  return fields;
}

export function escapeCopyField(value: string): string {
  return /[\\\t\n\r]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : value;
}

/** escapeCopyField for JSON text: JSON escapes every control character, so only backslashes double. */
export function escapeCopyJson(json: string): string {
  return json.includes('\\') ? json.replaceAll('\\', '\\\\') : json;
}
