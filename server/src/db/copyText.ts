// PostgreSQL COPY text format, both ways: lines of tab-separated fields, \N for NULL, backslash escapes.
const UNESCAPE: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '\\': '\\' };

export function parseCopyLine(line: string): Array<string | null> {
  const fields = line.split('\t');
  const out: Array<string | null> = new Array(fields.length);
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (field === '\\N') out[i] = null;
    else out[i] = field.includes('\\') ? field.replace(/\\(.)/g, (_m, c: string) => UNESCAPE[c] ?? c) : field;
  }
  return out;
}

export function escapeCopyField(value: string): string {
  return /[\\\t\n\r]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : value;
}

/** Splits a stream of COPY text chunks into whole lines. */
export async function* copyLines(source: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of source) {
    const text = rest + chunk.toString();
    const lines = text.split('\n');
    rest = lines.pop()!;
    for (const line of lines) yield line;
  }
  if (rest) yield rest;
}
