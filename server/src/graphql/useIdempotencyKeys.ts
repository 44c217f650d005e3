// Idempotency keys for mutations (the IETF httpapi draft's `Idempotency-Key` header; over graphql-ws
// the operation's `extensions.idempotencyKey`). A repeat of a mutation with the same key, operation
// text, operation name and variables, from the same API key, within 24 h, gets the first answer and
// runs nothing. The key lives in PostgreSQL (idempotency/), so this holds across API processes and
// restarts.
//
// - The first request claims the key with a compare-and-set insert, runs, and stores its answer.
// - A repeat while the first still runs waits for its answer (up to `waitMs`), then is told to retry:
//   CONFLICT with reason IDEMPOTENCY_KEY_IN_PROGRESS, HTTP 409, Retry-After.
// - The same key with another operation or variables: CONFLICT with reason IDEMPOTENCY_KEY_REUSED,
//   HTTP 422. It runs nothing.
// - Which answers are kept: a success, and a refusal with one of the contract's codes (bad input,
//   not found, not retryable, conflict, forbidden): the same request would be refused the same way,
//   so the refusal is replayed as it was. An answer that says nothing about the request (our fault,
//   masked as INTERNAL_SERVER_ERROR, or a thrown execution) releases the key, so a retry runs afresh.
//   A process that dies mid-request stops renewing its lease; once the lease lapses the key is free.
//   The one window left: a process that dies after the mutation committed and before its answer was
//   stored lets a retry run it again.
//
// Sits after the rate limit: a rate-limited request never claims a key, and a replay costs a token.
import { createHash } from 'node:crypto';
import { GraphQLError, getOperationAST, print, type ExecutionArgs, type ExecutionResult, type Source, type SourceLocation } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type pg from 'pg';
import { claimIdempotencyKey, type IdempotencyRequest } from '../idempotency/claimIdempotencyKey.ts';
import { recordIdempotentAnswer } from '../idempotency/recordIdempotentAnswer.ts';
import { releaseIdempotencyKey } from '../idempotency/releaseIdempotencyKey.ts';
import { renewIdempotencyLease } from '../idempotency/renewIdempotencyLease.ts';
import type { Logger } from '../logger.ts';
import type { GraphQLContext } from './context.ts';
import { CONTRACT_CODES, normalizeErrors } from './errorCodes.ts';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
const KEY_FORMAT = /^[\x20-\x7E]{1,255}$/;
/** refusals that depend only on the request: replayed as they were */
const REPLAYED_CODES: ReadonlySet<unknown> = new Set(CONTRACT_CODES);

export interface IdempotencyOptions {
  pool: pg.Pool;
  logger: Logger;
  /** how long a repeat waits for the first request's answer before it is told to retry */
  waitMs?: number;
  /** how long a claim holds without renewal: a dead process's key is free again after this */
  leaseSeconds?: number;
}

type Execute = (args: ExecutionArgs) => unknown;
type RequestContext = Partial<GraphQLContext> & {
  request?: { headers?: { get?: (name: string) => string | null } };
  params?: { extensions?: Record<string, unknown> };
};

export function useIdempotencyKeys(options: IdempotencyOptions): Plugin {
  const { pool, logger } = options;
  const waitMs = options.waitMs ?? 10_000;
  const leaseSeconds = options.leaseSeconds ?? 30;

  const runOnce = async (args: ExecutionArgs, execute: Execute, request: IdempotencyRequest): Promise<ExecutionResult> => {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const claim = await claimIdempotencyKey(pool, request, { leaseSeconds, ttlSeconds: IDEMPOTENCY_TTL_SECONDS });
      if (claim.kind === 'claimed') return runClaimed(args, execute, request, claim.claimToken);
      if (claim.kind !== 'vanished' && claim.requestHash !== request.requestHash) return { errors: [keyReused()] };
      if (claim.kind === 'answered') return replay(claim.answer, args.document.loc?.source);
      if (Date.now() >= deadline) return { errors: [keyInProgress()] };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  const runClaimed = async (
    args: ExecutionArgs,
    execute: Execute,
    request: IdempotencyRequest,
    claimToken: string,
  ): Promise<ExecutionResult> => {
    const renew = () =>
      renewIdempotencyLease(pool, request, claimToken, leaseSeconds).catch((error) =>
        logger.warn('could not renew an idempotency lease', { error }),
      );
    const heartbeat = setInterval(renew, (leaseSeconds * 1000) / 3);
    let result: ExecutionResult;
    try {
      result = (await execute(args)) as ExecutionResult;
    } catch (error) {
      await releaseIdempotencyKey(pool, request, claimToken).catch(() => {}); // the lease frees it otherwise
      throw error;
    } finally {
      clearInterval(heartbeat);
    }
    const errors = result.errors ? normalizeErrors(result.errors as GraphQLError[]) : [];
    try {
      if (errors.every((e) => REPLAYED_CODES.has(e.extensions?.code))) {
        const answer = { data: result.data ?? null, ...(errors.length ? { errors: errors.map((e) => e.toJSON()) } : {}) };
        if (!(await recordIdempotentAnswer(pool, request, claimToken, answer))) {
          logger.warn('an idempotency key was taken over before its answer was stored (its lease lapsed)');
        }
      } else {
        await releaseIdempotencyKey(pool, request, claimToken);
      }
    } catch (error) {
      // the mutation ran: its answer still goes back; the unanswered claim lapses with its lease
      logger.warn('could not store an idempotent answer', { error });
    }
    return result;
  };

  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const ctx = args.contextValue as RequestContext;
      const principal = ctx.principal;
      if (!principal || getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return;
      const given = ctx.request?.headers?.get?.(IDEMPOTENCY_HEADER) ?? ctx.params?.extensions?.idempotencyKey;
      if (given === undefined || given === null) return;
      const key = typeof given === 'string' ? unquoted(given.trim()) : null;
      if (key === null || !KEY_FORMAT.test(key)) {
        setExecuteFn(() => ({ errors: [badKey()] }));
        return;
      }
      const request = { apiKeyId: principal.keyId, key, requestHash: requestHash(args) };
      const execute = executeFn as Execute;
      setExecuteFn(((a: ExecutionArgs) => runOnce(a, execute, request)) as typeof executeFn);
    },
  };
}

/** The draft sends the key as a structured-field string ("…"); a bare token is taken as it is. */
function unquoted(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/** What "the same request" means: the operation text (as printed, so whitespace does not count), its name and variables. */
function requestHash(args: ExecutionArgs): string {
  return createHash('sha256')
    .update(canonicalJson([args.operationName ?? null, print(args.document), args.variableValues ?? {}]))
    .digest('hex');
}

/** JSON with object keys sorted, so the order a client writes its variables in does not count. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

interface StoredError {
  message: string;
  locations?: SourceLocation[];
  path?: ReadonlyArray<string | number>;
  extensions?: Record<string, unknown>;
}

/**
 * The stored answer as an execution result; its errors were stored already normalised. yoga
 * rebuilds errors from their source and positions, so each stored line/column becomes a position
 * in this request's text (the same text as the first's, but for whitespace).
 */
function replay(answer: unknown, source: Source | undefined): ExecutionResult {
  const { data, errors } = answer as { data: ExecutionResult['data']; errors?: StoredError[] };
  if (!errors) return { data };
  const lineStarts = [0];
  for (const match of source?.body.matchAll(/\r\n|\n|\r/g) ?? []) lineStarts.push(match.index + match[0].length);
  const position = ({ line, column }: SourceLocation) => Math.min((lineStarts[line - 1] ?? 0) + column - 1, source!.body.length);
  return {
    data,
    errors: errors.map(
      (stored) =>
        new GraphQLError(stored.message, {
          path: stored.path,
          extensions: stored.extensions,
          ...(source && stored.locations?.length ? { source, positions: stored.locations.map(position) } : {}),
        }),
    ),
  };
}

function badKey() {
  return new GraphQLError('Idempotency-Key must be 1 to 255 printable ASCII characters', {
    extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
  });
}

function keyReused() {
  return new GraphQLError(
    'This Idempotency-Key was already used in the last 24 hours with a different operation or variables; use a new key for a new request',
    { extensions: { code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED', http: { status: 422 } } },
  );
}

function keyInProgress() {
  return new GraphQLError('A request with this Idempotency-Key is still running; try again shortly to get its answer', {
    extensions: {
      code: 'CONFLICT',
      reason: 'IDEMPOTENCY_KEY_IN_PROGRESS',
      retryAfterSeconds: 1,
      http: { status: 409, headers: { 'retry-after': '1' } },
    },
  });
}
