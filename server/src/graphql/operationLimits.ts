// Limits on what one GraphQL request may ask for, checked before anything executes.
import {
  getNamedType,
  GraphQLError,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLType,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

export const MAX_BODY_BYTES = 8 * 1024 * 1024; // 10,000 customers with PII fit comfortably
export const MAX_DEPTH = 10;
export const MAX_ALIASES = 30;
/** Relay connections: `first`/`last` above this return this many (with hasNextPage); none given: the default */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
/** field selections in one document, fragments expanded where they are spread (breadth) */
export const MAX_SELECTIONS = 600;
/** the fields one request may resolve at most: each field counts once per item of the lists around it */
export const MAX_COST = 25_000; // the dashboard's largest query (a page of 100 sync jobs) costs about 3,300
/** what a plain (unpaged) list is assumed to hold when estimating cost */
export const LIST_SIZE_ESTIMATE = 20;

/** Rejects selections nested deeper than `max` fields (fragments followed). */
export function depthLimitRule(max: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    // Inside introspection (__schema, __type) an `ofType` does not branch (one wrapped type each),
    // so it does not count: the standard introspection query GraphiQL and codegen send nests seven
    // of them. Every other level counts, there as everywhere.
    const depthOf = (set: SelectionSetNode | undefined, seen: Set<string>, introspection: boolean): number => {
      if (!set) return 0;
      let deepest = 0;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          const name = selection.name.value;
          const inside = introspection || name === '__schema' || name === '__type';
          const own = introspection && name === 'ofType' ? 0 : 1;
          deepest = Math.max(deepest, selection.selectionSet ? own + depthOf(selection.selectionSet, seen, inside) : own);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, depthOf(selection.selectionSet, seen, introspection));
        } else {
          const name = selection.name.value;
          if (seen.has(name)) continue;
          deepest = Math.max(deepest, depthOf(fragments.get(name)?.selectionSet, new Set([...seen, name]), introspection));
        }
        if (deepest > max) return deepest;
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, new Set(), false);
        if (depth > max) {
          context.reportError(
            new GraphQLError(`Query is nested ${depth} levels deep; at most ${max} are allowed`, {
              nodes: [node],
              extensions: { code: 'BAD_USER_INPUT' },
            }),
          );
        }
      },
    };
  };
}

/** Rejects documents with more aliases than `max`: a cheap guard against alias amplification. */
export function aliasLimitRule(max: number) {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias && ++aliases === max + 1) {
          context.reportError(
            new GraphQLError(`At most ${max} aliases are allowed in one request`, { extensions: { code: 'BAD_USER_INPUT' } }),
          );
        }
      },
    };
  };
}

/**
 * Rejects documents that select too many fields (`maxSelections`, fragments expanded where they are
 * spread) or would resolve too many (`maxCost`): every field costs 1 per item of the lists around
 * it, a connection counts its page size (`first`/`last`, capped at MAX_PAGE_SIZE; a variable counts
 * as the cap), a plain list LIST_SIZE_ESTIMATE. Introspection (bounded by the schema, off in
 * production) counts towards breadth but not cost. Fragments are costed once and memoised, so a
 * fragment spread many times cannot blow the check itself up.
 */
export function costLimitRule(options: { maxSelections: number; maxCost: number }) {
  return (context: ValidationContext): ASTVisitor => {
    const schema = context.getSchema();
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    type Measure = { selections: number; cost: number };
    const memo = new Map<string, Measure>();
    const add = (a: Measure, b: Measure, times = 1) => {
      a.selections += b.selections;
      a.cost += b.cost * times;
    };
    const pageSize = (field: FieldNode) => {
      let size: number | null = null;
      for (const arg of field.arguments ?? []) {
        if (arg.name.value !== 'first' && arg.name.value !== 'last') continue;
        if (arg.value.kind === Kind.INT) size = Math.max(size ?? 0, Math.min(Number(arg.value.value), MAX_PAGE_SIZE));
        else if (arg.value.kind === Kind.VARIABLE) size = MAX_PAGE_SIZE;
      }
      return size ?? DEFAULT_PAGE_SIZE;
    };
    const isList = (type: GraphQLType): boolean => (isNonNullType(type) ? isList(type.ofType) : isListType(type));
    const measure = (
      set: SelectionSetNode | undefined,
      parent: GraphQLNamedType | undefined,
      seen: Set<string>,
      introspection: boolean,
    ): Measure => {
      const total: Measure = { selections: 0, cost: 0 };
      if (!set) return total;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          const name = selection.name.value;
          const inside = introspection || name === '__schema' || name === '__type';
          const fields = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields() : undefined;
          const def = fields?.[name];
          const named = def ? getNamedType(def.type) : undefined;
          let times = 1;
          if (!inside && def) {
            if (named?.name.endsWith('Connection')) times = pageSize(selection);
            // edges / nodes of a connection are already counted by the connection's page size
            else if (isList(def.type) && !parent?.name.endsWith('Connection')) times = LIST_SIZE_ESTIMATE;
          }
          const own: Measure = { selections: 1, cost: inside ? 0 : 1 };
          add(own, measure(selection.selectionSet, named, seen, inside), times);
          add(total, own);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const type = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) ?? undefined) : parent;
          add(total, measure(selection.selectionSet, type, seen, introspection));
        } else {
          const name = selection.name.value;
          if (seen.has(name)) continue; // a cycle: NoFragmentCyclesRule reports it
          const key = `${name}|${introspection}`;
          let known = memo.get(key);
          if (!known) {
            const fragment = fragments.get(name);
            const type = fragment ? (schema.getType(fragment.typeCondition.name.value) ?? undefined) : undefined;
            known = measure(fragment?.selectionSet, type, new Set([...seen, name]), introspection);
            memo.set(key, known);
          }
          add(total, known);
        }
      }
      return total;
    };
    return {
      OperationDefinition(node) {
        const root =
          node.operation === 'query'
            ? schema.getQueryType()
            : node.operation === 'mutation'
              ? schema.getMutationType()
              : schema.getSubscriptionType();
        const { selections, cost } = measure(node.selectionSet, root ?? undefined, new Set(), false);
        if (selections > options.maxSelections) {
          context.reportError(
            new GraphQLError(`Query selects ${selections} fields; at most ${options.maxSelections} are allowed`, {
              nodes: [node],
              extensions: { code: 'BAD_USER_INPUT' },
            }),
          );
        } else if (cost > options.maxCost) {
          context.reportError(
            new GraphQLError(
              `Query could resolve about ${cost} fields; at most ${options.maxCost} are allowed: ask for smaller pages (first) or fewer nested lists`,
              { nodes: [node], extensions: { code: 'BAD_USER_INPUT', cost, maxCost: options.maxCost } },
            ),
          );
        }
      },
    };
  };
}
