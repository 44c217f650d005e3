// One live event reaches every subscriber of a subscription, and with many subscribers the API spent
// its time executing the same selection set on the same event once per subscriber. This envelop
// plugin executes a subscription event once per (event, operation text, operation name, variables,
// role) and hands that one result to every subscriber that shares them.
//
// What stays per subscriber: its source stream (liveSubscription: its filter, the order of its
// events, the end of its stream when its key is revoked), and everything after execution (error
// masking, graphql-ws). Sharing by role is sound because what a selection on a subscription's types
// yields depends on the principal only through its role; the one type whose access depends on the
// key itself (an ApiKey is readable by its own key) is checked for, and if a subscription could ever
// reach it, results are shared per key instead.
import { execute as executeEvent } from '@graphql-tools/executor';
import {
  createSourceEventStream,
  getNamedType,
  getOperationAST,
  isInterfaceType,
  isObjectType,
  isUnionType,
  print,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { createGraphQLError, isAsyncIterable, mapAsyncIterator, type Plugin } from 'graphql-yoga';
import type { GraphQLContext } from './context.ts';

/** Types whose resolvers or auth read the principal's key, not only its role (see types/apiKey.ts). */
export const KEY_SPECIFIC_TYPES: readonly string[] = ['ApiKey'];

type Subscribe = (args: ExecutionArgs) => unknown;

export function useSharedEventExecution(options: { keySpecificTypes?: readonly string[] } = {}): Plugin {
  const keySpecificTypes = new Set(options.keySpecificTypes ?? KEY_SPECIFIC_TYPES);
  // per event payload (the object every subscriber's source stream yields for that event), the
  // execution for each sharing key; the entry goes when the payload does
  const executions = new WeakMap<object, Map<string, unknown>>();
  const perKeySchemas = new WeakMap<GraphQLSchema, boolean>();
  const documentTexts = new WeakMap<DocumentNode, string>();

  const sharingKey = (args: ExecutionArgs): string | null => {
    const principal = (args.contextValue as Partial<GraphQLContext> | undefined)?.principal;
    if (!principal) return null;
    // @defer/@stream would make an event's result a stream of its own: not shared (this schema has neither)
    if (args.schema.getDirective('defer') || args.schema.getDirective('stream')) return null;
    let perKey = perKeySchemas.get(args.schema);
    if (perKey === undefined) {
      perKey = subscriptionsReach(args.schema, keySpecificTypes);
      perKeySchemas.set(args.schema, perKey);
    }
    let text = documentTexts.get(args.document);
    if (text === undefined) {
      text = print(args.document);
      documentTexts.set(args.document, text);
    }
    const scope = perKey ? `${principal.role}:${principal.keyId}` : principal.role;
    return JSON.stringify([scope, args.operationName ?? null, args.variableValues ?? null, text]);
  };

  const executeShared = (args: ExecutionArgs, key: string, payload: unknown) => {
    if (payload === null || typeof payload !== 'object') return executeOn(args, payload);
    let byKey = executions.get(payload);
    if (!byKey) {
      byKey = new Map();
      executions.set(payload, byKey);
    }
    let result = byKey.get(key);
    if (result === undefined) {
      result = executeOn(args, payload);
      byKey.set(key, result);
    }
    return result;
  };

  const subscribeSharing = async (args: ExecutionArgs, regular: Subscribe) => {
    const key = sharingKey(args);
    if (key === null) return regular(args);
    let source: Awaited<ReturnType<typeof createSourceEventStream>>;
    try {
      source = await createSourceEventStream(args);
    } catch {
      source = { errors: [] };
    }
    // a refusal (bad variables, a field's subscribe throwing): the regular path answers it, so it
    // reads exactly as it always has; nothing was subscribed to
    if (!isAsyncIterable(source)) return regular(args);
    const operation = getOperationAST(args.document, args.operationName)!;
    return mapAsyncIterator(
      source as AsyncIterable<unknown>,
      (payload) => executeShared(args, key, payload) as ExecutionResult | Promise<ExecutionResult>,
      // a source stream's error (e.g. the key revoked) is reported as graphql-tools' subscribe reports it
      (error: unknown) => {
        throw wrapSourceError(error, operation);
      },
    );
  };

  return {
    onSubscribe({ subscribeFn, setSubscribeFn }) {
      const regular = subscribeFn as Subscribe;
      setSubscribeFn(((args: ExecutionArgs) => subscribeSharing(args, regular)) as typeof subscribeFn);
    },
  };
}

/** An event executed as graphql-tools' subscribe executes one: the operation, with the payload as its root value. */
function executeOn(args: ExecutionArgs, payload: unknown) {
  return executeEvent({ ...args, rootValue: payload });
}

function wrapSourceError(error: unknown, operation: OperationDefinitionNode): unknown {
  const wrap = (e: Error) => createGraphQLError(e.message, { originalError: e, nodes: [operation] });
  if (error instanceof AggregateError) return new AggregateError(error.errors.map(wrap), error.message);
  return wrap(error as Error);
}

/** Whether any type in `names` can be reached from a field of the Subscription type. */
export function subscriptionsReach(schema: GraphQLSchema, names: ReadonlySet<string>): boolean {
  const root = schema.getSubscriptionType();
  if (!root) return false;
  const seen = new Set<string>();
  const queue: GraphQLNamedType[] = [root];
  while (queue.length) {
    const type = queue.pop()!;
    if (seen.has(type.name)) continue;
    seen.add(type.name);
    if (type !== root && names.has(type.name)) return true;
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) queue.push(getNamedType(field.type));
    }
    if (isInterfaceType(type) || isUnionType(type)) queue.push(...schema.getPossibleTypes(type));
  }
  return false;
}
