// A start that fails says why in one line, with what to do about it: an operator reads the cause
// and the fix, never a stack trace.
import type { Config } from './config.ts';

/** A start failure whose cause and fix are already known where it happened. */
export class StartupError extends Error {
  constructor(cause: string, fix: string) {
    super(`${cause}; ${fix}`);
    this.name = 'StartupError';
  }
}

type ErrnoError = NodeJS.ErrnoException & { port?: number; address?: string };

/** The one line printed when the start fails. */
export function describeStartFailure(error: unknown, config: Pick<Config, 'port' | 'dataDir' | 'databaseUrl'>): string {
  return `paidsync could not start: ${oneLine(explain(error, config))}`;
}

function explain(error: unknown, config: Pick<Config, 'port' | 'dataDir' | 'databaseUrl'>): string {
  if (error instanceof StartupError) return error.message;
  if (!(error instanceof Error)) return String(error);
  const { code, syscall, path: file } = error as ErrnoError;
  if (syscall === 'listen' && code === 'EADDRINUSE') {
    return `port ${config.port} is already in use by another process; stop that process or set PORT to a free port`;
  }
  if (syscall === 'listen' && code === 'EACCES') {
    return `this user may not listen on port ${config.port}; set PORT to 1024 or above`;
  }
  if (file && (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR' || code === 'EEXIST')) {
    const where = file.startsWith(config.dataDir) ? `the data directory ${config.dataDir}` : file;
    return (
      `${where} cannot be used (${code} on ${file}); make it a directory this user can read and write ` +
      `(e.g. chown -R $(id -un) ${config.dataDir}) or set PAIDSYNC_DATA_DIR to one`
    );
  }
  if (config.databaseUrl && ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(code ?? '')) {
    return `the database in DATABASE_URL is unreachable (${code}); start PostgreSQL or correct DATABASE_URL`;
  }
  // PostgreSQL's own codes: 28xxx authentication, 3D000 unknown database
  if (config.databaseUrl && typeof code === 'string' && /^(28|3D)/.test(code)) {
    return `the database in DATABASE_URL refused the connection (${error.message}); correct DATABASE_URL`;
  }
  return error.message || error.name;
}

function oneLine(text: string) {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
