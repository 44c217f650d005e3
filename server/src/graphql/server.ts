// graphql-yoga over HTTP and graphql-ws on the same path. Both authenticate with an API key:
// `Authorization: Bearer KEY` over HTTP, `connectionParams.authorization` over WebSocket.
import type http from 'node:http';
import { getOperationAST, GraphQLError, NoSchemaIntrospectionCustomRule, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga, maskError, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { bearerToken, type Principal } from '../auth/apiKeys.ts';
import { unauthenticatedMessage, useAuthenticateFirst } from './authenticateFirst.ts';
import { useBoundedParsing } from './boundedParsing.ts';
import { useCompiledQueries } from './compiledQueries.ts';
import type { GraphQLContext, Services } from './context.ts';
import { normalizeErrors, remadeError } from './errorCodes.ts';
import {
  aliasLimitRule,
  costLimitRule,
  depthLimitRule,
  MAX_ALIASES,
  MAX_BODY_BYTES,
  MAX_COST,
  MAX_DEPTH,
  MAX_SELECTIONS,
} from './operationLimits.ts';
import { createMutationRateLimiter, mutationCost, rateLimitedError } from './apiKeyRateLimit.ts';
import { useRequestBodyLimit } from './requestBodyLimit.ts';
import { schema } from './schema.ts';
import { useSubscriptionCount } from '../metrics/countSubscriptions.ts';
import { useSharedEventExecution } from './sharedEventExecution.ts';
import { useIdempotencyKeys } from './useIdempotencyKeys.ts';

export const GRAPHQL_PATH = '/graphql';
/** subscriptions (and queries) one graphql-ws connection may have running at once */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 50;

type ServerContext = { connectionParams?: Record<string, unknown> };

export type GraphQLServer = YogaServerInstance<ServerContext, GraphQLContext>;

export function createGraphQLServer(services: Services): GraphQLServer {
  const limits: Plugin = {
    onValidate({ addValidationRule }) {
      addValidationRule(depthLimitRule(MAX_DEPTH));
      addValidationRule(aliasLimitRule(MAX_ALIASES));
      addValidationRule(costLimitRule({ maxSelections: MAX_SELECTIONS, maxCost: MAX_COST }));
      if (services.config.production) addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
  const limiter = createMutationRateLimiter({
    mutationsPerMinute: services.config.mutationsPerMinutePerKey,
    capturesPerMinute: services.config.capturesPerMinutePerKey,
  });
  // over HTTP and graphql-ws alike (both execute through this envelop)
  const rateLimit: Plugin = {
    onExecute({ args, setResultAndStopExecution }) {
      const principal = (args.contextValue as unknown as GraphQLContext | undefined)?.principal;
      const operation = getOperationAST(args.document, args.operationName);
      if (!principal || operation?.operation !== 'mutation') return;
      const refusal = limiter.take(principal.keyId, mutationCost(args.document, operation));
      if (!refusal.ok) setResultAndStopExecution({ errors: [rateLimitedError(refusal)] });
    },
  };
  // every refusal carries a known extensions.code, and quotes none of the request's values
  const errorCodes: Plugin = {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !result || typeof result !== 'object' || !('errors' in result) || !result.errors?.length) return;
      setResult({ ...(result as ExecutionResult), errors: normalizeErrors((result as ExecutionResult).errors!) });
    },
  };
  const principals = new WeakMap<Request, Principal>();
  const parsing = useBoundedParsing();
  return createYoga<ServerContext, GraphQLContext>({
    schema,
    parserAndValidationCache: { documentCache: parsing.documentCache, errorCache: parsing.errorCache },
    graphqlEndpoint: GRAPHQL_PATH,
    maskedErrors: { maskError: clientMistakeOrMasked },
    graphiql: !services.config.production,
    landingPage: false,
    maxRequestBodySize: false, // useRequestBodyLimit below
    // one operation per request: a batch would multiply every per-request limit above
    batching: false,
    logging: {
      debug: (...args) => services.logger.debug(String(args[0])),
      info: (...args) => services.logger.info(String(args[0])),
      warn: (...args) => services.logger.warn(String(args[0])),
      error: (...args) => {
        const error = args.find((a) => a instanceof Error);
        // a client's mistake that maskError turned into BAD_USER_INPUT is not a server error; its
        // message may quote what the client sent, so it is not logged
        if (error instanceof GraphQLError && error.originalError?.name === 'PothosValidationError') {
          services.logger.debug('graphql request refused as bad input', { path: error.path?.join('.') });
          return;
        }
        const cause = error instanceof GraphQLError && error.originalError ? error.originalError : error;
        services.logger.error('graphql error', {
          error: cause ?? String(args[0]),
          path: error instanceof GraphQLError ? error.path?.join('.') : undefined,
        });
      },
    },
    plugins: [
      useAuthenticateFirst({ apiKeys: services.apiKeys, principals }),
      useRequestBodyLimit(MAX_BODY_BYTES),
      parsing.plugin,
      limits,
      rateLimit,
      // compiled execution first: the idempotency keys wrap whichever execution a mutation runs
      useCompiledQueries({
        onRefused: (operation) => services.logger.warn('graphql-jit could not compile an operation; it runs interpreted', { operation }),
      }),
      useIdempotencyKeys({ pool: services.pool, logger: services.logger }),
      errorCodes,
      // one execution per event for subscribers of the same operation, variables and role
      useSharedEventExecution(),
      ...(services.metrics ? [useSubscriptionCount(services.metrics.subscriptions)] : []),
    ],
    context: async (initial) => {
      const overWebSocket = initial.connectionParams !== undefined;
      const request = (initial as { request?: Request }).request;
      const token = bearerToken(
        overWebSocket ? String(initial.connectionParams?.authorization ?? '') : (request?.headers.get('authorization') ?? null),
      );
      // an HTTP request was authenticated already, before its body was read (authenticateFirst.ts)
      const principal = (!overWebSocket && request && principals.get(request)) || (await services.apiKeys.authenticate(token));
      if (!principal) {
        throw new GraphQLError(unauthenticatedMessage(token), { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
      }
      // PostgreSQL text and jsonb cannot hold U+0000: refuse it here rather than fail in the database
      if (containsNul((initial as { params?: unknown }).params)) {
        throw new GraphQLError('Text may not contain the NUL character (U+0000)', {
          extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
        });
      }
      return { ...services, principal };
    },
  });
}

/** Whether any string in a request's variables holds U+0000, or its query text a `\u0000` escape. */
function containsNul(params: unknown): boolean {
  const query = (params as { query?: unknown } | undefined)?.query;
  if (typeof query === 'string' && query.includes('\\u0000')) return true;
  const stack: unknown[] = [params];
  while (stack.length) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (value.includes('\0')) return true;
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\0')) return true;
        stack.push(item);
      }
    }
  }
  return false;
}

/**
 * Pothos refuses a malformed cursor, a negative `first` or a bad global id in `node(id:)` with a
 * PothosValidationError that has no code: those are the client's mistakes, so BAD_USER_INPUT.
 * Everything else is masked as yoga masks it.
 */
function clientMistakeOrMasked(error: unknown, message: string, isDev?: boolean): Error {
  if (error instanceof GraphQLError && error.originalError?.name === 'PothosValidationError' && !error.extensions?.code) {
    return new GraphQLError(error.originalError.message, {
      nodes: error.nodes,
      positions: error.positions,
      source: error.source,
      path: error.path,
      extensions: { ...error.extensions, code: 'BAD_USER_INPUT' },
    });
  }
  return maskError(error, message, isDev);
}

/** HTTP statuses and headers mean nothing on a WebSocket: yoga strips them from HTTP answers, this from ws ones. */
function withoutHttp(error: GraphQLError): GraphQLError {
  if (!error.extensions?.http) return error;
  const { http: _http, ...extensions } = error.extensions;
  return remadeError(error, { extensions });
}

/** graphql-ws on the HTTP server's upgrade path, executing through yoga's envelop (same plugins). */
export function attachGraphQLWebSocket(options: { httpServer: http.Server; yoga: GraphQLServer; services: Services }) {
  const { httpServer, yoga, services } = options;
  const wsServer = new WebSocketServer({ server: httpServer, path: GRAPHQL_PATH, maxPayload: 1024 * 1024 });
  type Root = { execute: (args: ExecutionArgs) => never; subscribe: (args: ExecutionArgs) => never };
  const disposable = useServer(
    {
      onConnect: async (ctx) => {
        const token = bearerToken(String(ctx.connectionParams?.authorization ?? ''));
        return (await services.apiKeys.authenticate(token)) !== null;
      },
      execute: (args) => (args.rootValue as Root).execute(args),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors?.length ? { ...result, errors: normalizeErrors(result.errors as GraphQLError[]).map(withoutHttp) } : result,
      subscribe: (args) => (args.rootValue as Root).subscribe(args),
      onSubscribe: async (ctx, _id, payload) => {
        // one connection may not hold the server's resources without bound (graphql-ws has entered
        // this operation's id already, before this hook)
        if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS_PER_CONNECTION) {
          return [
            new GraphQLError(`At most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} operations at once per connection`, {
              extensions: { code: 'RATE_LIMITED' },
            }),
          ];
        }
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          connectionParams: ctx.connectionParams ?? {},
        });
        // the key first (it may have been revoked since connection_init), then parsing
        let contextValue;
        try {
          contextValue = await contextFactory();
        } catch (error) {
          return normalizeErrors([error instanceof GraphQLError ? error : new GraphQLError('Unexpected error.')]).map(withoutHttp);
        }
        let document;
        try {
          document = parse(payload.query);
        } catch (error) {
          return normalizeErrors([error instanceof GraphQLError ? error : new GraphQLError('Syntax error')]);
        }
        const errors = validate(schema, document);
        if (errors.length) return normalizeErrors(errors);
        return {
          schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue,
          rootValue: { execute, subscribe },
        };
      },
    },
    wsServer,
  );
  return {
    async close() {
      for (const client of wsServer.clients) client.close(1001, 'Server shutting down');
      await disposable.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
