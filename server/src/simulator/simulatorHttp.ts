// The few HTTP pieces every simulated network shares: reading a (possibly gzipped) body, parsing it
// the way the real APIs accept it, and the reply shape handlers return instead of writing themselves,
// so the fault layer can decide to drop the connection after the work is done.
import type http from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const gunzipAsync = promisify(gunzip);

export type Network = 'facebook' | 'google' | 'linkedin' | 'web';
export const NETWORKS: readonly Network[] = ['facebook', 'google', 'linkedin', 'web'];

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** JSON-serialised unless a string (sent as is); undefined sends no body */
  body?: unknown;
}

export interface SimRequest {
  method: string;
  /** path after `{basePath}/{network}`, percent-decoded (Google's ':addOperations' may arrive as %3A) */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  now: number;
  /** parseBody's memo: a 10,000-row body is parsed once, not once for auth and again for the handler */
  parsed?: Record<string, unknown> | null;
}

/** a request body as sent, and once inflated (no adapter compresses; the largest batch fits well within) */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;
export const MAX_INFLATED_BYTES = MAX_BODY_BYTES;

/** A request the simulator refuses before handling it (too large, not authorised). */
export class SimulatorRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'SimulatorRefusal';
  }
}

export async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const tooLarge = () => new SimulatorRefusal(413, 'request body too large');
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks);
  if (req.headers['content-encoding'] !== 'gzip') return body;
  // a few MB of gzipped zeros inflate to gigabytes: inflating stops at the limit
  try {
    return await gunzipAsync(body, { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new SimulatorRefusal(413, 'request body too large once inflated');
    throw new SimulatorRefusal(400, 'request body is not valid gzip');
  }
}

/** JSON body, or a form body (Graph API style, with JSON-valued fields); null when unparseable. */
export function parseBody(request: SimRequest): Record<string, unknown> | null {
  if (request.parsed === undefined) request.parsed = parseRaw(request);
  return request.parsed;
}

function parseRaw(request: SimRequest): Record<string, unknown> | null {
  if (request.raw.length === 0) return {};
  const type = String(request.headers['content-type'] ?? '');
  const text = request.raw.toString('utf8');
  if (type.includes('application/x-www-form-urlencoded')) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(text)) out[key] = maybeJson(value);
    return out;
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A field that may arrive as an object or as its JSON text (form posts). */
export function maybeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const first = value.trimStart()[0];
  if (first !== '{' && first !== '[') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export function bearerToken(headers: http.IncomingHttpHeaders): string | null {
  const header = headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(.+)$/i.exec(header);
  return match ? match[1]!.trim() : null;
}

export function header(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function writeReply(res: http.ServerResponse, reply: Reply) {
  const headers: Record<string, string> = { ...reply.headers };
  let payload: string | undefined;
  if (reply.body !== undefined) {
    payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    headers['content-type'] ??= typeof reply.body === 'string' ? 'text/plain' : 'application/json; charset=utf-8';
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
