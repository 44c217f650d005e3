// Structured one-line JSON logs. Callers pass ids and counts, never PII or secrets; `redactSecrets`
// is a last line of defence for error messages that may quote a URL or header.
export type Level = 'debug' | 'info' | 'warn' | 'error';
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(options: { level?: Level; write?: (line: string) => void; fields?: Record<string, unknown> }): Logger {
  const min = order[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const base = options.fields ?? {};
  const log = (level: Level) => (message: string, fields?: Record<string, unknown>) => {
    if (order[level] < min) return;
    const entry = { time: new Date().toISOString(), level, msg: message, ...base, ...fields };
    write(redactSecrets(JSON.stringify(entry, errorReplacer)));
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
  };
}

function errorReplacer(_key: string, value: unknown) {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, ...(typeof code === 'string' ? { code } : {}), message: scrubErrorMessage(value.message) };
  }
  return value;
}

/**
 * An error message without the request values libraries quote in it: Prisma prints the whole
 * invocation with its arguments (kept: its last line, the reason), PostgreSQL quotes the value it
 * could not parse ("invalid input syntax for type integer: "...""), and a deep cause is cut short.
 */
export function scrubErrorMessage(message: string): string {
  let text = message;
  if (/invocation/.test(text) && text.includes('\n')) {
    const lines = text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    text = `${lines[0]} … ${lines[lines.length - 1]}`;
  }
  text = text.replace(/(invalid input (?:syntax|value) for (?:type )?[\w ]+): [\s\S]*$/i, '$1');
  return text.length > 1000 ? text.slice(0, 1000) + '…' : text;
}

export function redactSecrets(text: string): string {
  return text
    .replace(/(postgres(?:ql)?:\/\/[^:/@\s]*:)[^@\s]*@/g, '$1[redacted]@')
    .replace(/(access_token=)[^&\s"]+/gi, '$1[redacted]')
    .replace(/(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1[redacted]')
    .replace(/psk_[A-Za-z0-9_-]{20,}/g, 'psk_[redacted]');
}
