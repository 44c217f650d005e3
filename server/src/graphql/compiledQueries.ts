// Queries and mutations run compiled. graphql-jit turns a document into a function that resolves its
// selection set directly: the interpreter's per-field work (collecting fields, building resolve infos,
// coercing arguments, completing values) is what the dashboard's page of 50 jobs, about 1,500 fields,
// spent most of its CPU on, and coercing the variables (generic code that copies every input object
// twice) was two fifths of the API's CPU in a 10,000-customer upsertCustomers call. Resolvers, scalars
// and errors are the schema's own, so answers read the same.
//
// - Mutations run their root fields one after another, as graphql-jit does for them; the idempotency
//   plugin wraps this execution, so it is installed after this one (server.ts).
// - Subscriptions keep their shared per-event execution (sharedEventExecution.ts).
// - A document is compiled the second time it runs, not the first: compiling costs a few executions,
//   so a document sent once (a one-off, or a stream of made-up ones) never pays for it.
// - A document graphql-jit cannot compile runs interpreted, as it always did.
// - Compiled functions live as long as their document does in the parsing cache (boundedParsing.ts).
// - graphql-jit reports errors as objects of its own, with locations but no AST nodes: they are made
//   graphql-js errors again, on the nodes at those locations, so masking, codes and the answer's
//   bytes are what the interpreter gives.
import {
  GraphQLError,
  getLocation,
  getOperationAST,
  visit,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
  type SourceLocation,
  type ASTNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';

const RUNS_BEFORE_COMPILING = 1;

interface Entry {
  schema: GraphQLSchema;
  runs: number;
  /** undefined until compiled; null when graphql-jit refused it */
  compiled?: CompiledQuery | null;
}

export function useCompiledQueries(options: { onRefused?: (operationName: string | null) => void } = {}): Plugin {
  // per document, per operation name
  const entries = new WeakMap<DocumentNode, Map<string | null, Entry>>();

  const compiledFor = (args: ExecutionArgs): CompiledQuery | null => {
    const name = args.operationName ?? null;
    let byName = entries.get(args.document);
    if (!byName) {
      byName = new Map();
      entries.set(args.document, byName);
    }
    let entry = byName.get(name);
    if (!entry || entry.schema !== args.schema) {
      if (getOperationAST(args.document, name)?.operation === 'subscription') return null;
      entry = { schema: args.schema, runs: 0 };
      byName.set(name, entry);
    }
    if (entry.compiled !== undefined) return entry.compiled;
    if (entry.runs++ < RUNS_BEFORE_COMPILING) return null;
    const result = compileQuery(args.schema, args.document, name ?? undefined, { disablingCapturingStackErrors: true });
    entry.compiled = isCompiledQuery(result) ? result : null;
    if (!entry.compiled) options.onRefused?.(name);
    return entry.compiled;
  };

  return {
    onExecute({ args, setExecuteFn }) {
      const compiled = compiledFor(args);
      if (!compiled) return;
      setExecuteFn(((a: ExecutionArgs) => {
        const result = compiled.query(a.rootValue, a.contextValue, a.variableValues);
        return result instanceof Promise ? result.then((r) => asInterpreted(r, a.document)) : asInterpreted(result, a.document);
      }) as never);
    },
  };
}

/** The result as graphql-js shapes it: `errors` first, each a graphql-js GraphQLError on its nodes. */
function asInterpreted(result: ExecutionResult, document: DocumentNode): ExecutionResult {
  if (!result.errors?.length) return result;
  const { errors, data, ...rest } = result;
  return { errors: errors.map((error) => asGraphQLError(error, document)), data, ...rest };
}

function asGraphQLError(error: GraphQLError, document: DocumentNode): GraphQLError {
  // graphql-jit's errors (a subclass of GraphQLError) have locations and neither nodes nor positions
  if (error.nodes !== undefined || error.positions !== undefined || !error.locations?.length) return error;
  const original = error.originalError;
  // graphql-js keeps a resolver's located GraphQLError as thrown (locatedError)
  if (original instanceof GraphQLError && Array.isArray(original.path)) return original;
  const nodes = nodesAt(document, error.locations ?? []);
  return new GraphQLError(error.message, {
    nodes: nodes.length ? nodes : undefined,
    path: error.path,
    originalError: original ?? undefined,
    extensions: error.extensions,
  });
}

const nodesByLocation = new WeakMap<DocumentNode, Map<string, ASTNode>>();

/** The document's field nodes that start at these locations (errors only, so built on demand). */
function nodesAt(document: DocumentNode, locations: readonly SourceLocation[]): ASTNode[] {
  let byLocation = nodesByLocation.get(document);
  if (!byLocation) {
    byLocation = new Map();
    const found = byLocation;
    const source = document.loc?.source;
    if (source) {
      visit(document, {
        enter(node) {
          if (!node.loc || node.kind === 'Document') return;
          const { line, column } = getLocation(source, node.loc.start);
          const key = `${line}:${column}`;
          if (!found.has(key)) found.set(key, node);
        },
      });
    }
    nodesByLocation.set(document, byLocation);
  }
  return locations.map((l) => byLocation.get(`${l.line}:${l.column}`)).filter((n): n is ASTNode => n !== undefined);
}
