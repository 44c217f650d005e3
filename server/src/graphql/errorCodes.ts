// Every refusal a client gets carries an extensions.code: the contract's (UNAUTHENTICATED, FORBIDDEN,
// BAD_USER_INPUT, NOT_FOUND, NOT_RETRYABLE, CONFLICT), RATE_LIMITED (added: see apiKeyRateLimit.ts), or
// INTERNAL_SERVER_ERROR for a masked fault of ours. graphql-js (syntax, validation, variable
// coercion) and yoga (bad JSON, batching, body size, mutation over GET) refuse requests with no code
// or codes of their own; those are the client's mistakes, so they become BAD_USER_INPUT (yoga's code
// kept as `reason`, its HTTP status kept).
//
// graphql-js also quotes the offending value in those messages ("got invalid value { email: ... }",
// "String cannot represent a non string value: ...", "found <literal>"): a client's PII must not come
// back in, or be logged from, an error, so the quoted values are cut out.
import { GraphQLError } from 'graphql';

export const CONTRACT_CODES = ['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND', 'NOT_RETRYABLE', 'CONFLICT'] as const;
/** what a client may see in extensions.code */
export const KNOWN_CODES: ReadonlySet<string> = new Set([...CONTRACT_CODES, 'RATE_LIMITED', 'INTERNAL_SERVER_ERROR']);

export function normalizeError(error: GraphQLError): GraphQLError {
  const code = error.extensions?.code;
  if (typeof code === 'string' && KNOWN_CODES.has(code)) {
    // a coded error can still quote the request (a custom scalar's refusal inside a variable's)
    const message = withoutQuotedValues(error.message);
    return message === error.message ? error : remadeError(error, { message });
  }
  // a code-less error raised while a field resolved would be a fault of ours, not the client's: left
  // as it is so tests see it
  if (code === undefined && error.path) return error;
  const extensions: Record<string, unknown> = { ...error.extensions, code: 'BAD_USER_INPUT' };
  if (typeof code === 'string') extensions.reason = code;
  return remadeError(error, { message: withoutQuotedValues(error.message), extensions });
}

/** The same error where it was (nodes, path, original), with another message or other extensions. */
export function remadeError(error: GraphQLError, changes: { message?: string; extensions?: GraphQLError['extensions'] }): GraphQLError {
  return new GraphQLError(changes.message ?? error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: changes.extensions ?? error.extensions,
  });
}

export function normalizeErrors(errors: readonly GraphQLError[]): GraphQLError[] {
  return errors.map((e) => (e instanceof GraphQLError ? normalizeError(e) : e));
}

/** The message without the values graphql-js quotes from the request. */
export function withoutQuotedValues(message: string): string {
  // Variable "$x" got invalid value <value> at "x.path"; <reason>   /   ... got invalid value <value>; <reason>
  const variable = /^Variable "(\$[_A-Za-z][_0-9A-Za-z]*)" got invalid value /.exec(message);
  if (variable) {
    const name = variable[1]!;
    const rest = message.slice(variable[0].length);
    const at = new RegExp(` at "(\\${name}(?:\\.[_A-Za-z][_0-9A-Za-z]*|\\[\\d+\\])*)"; `).exec(rest);
    const reason = at ? rest.slice(at.index + at[0].length) : rest.includes('; ') ? rest.slice(rest.lastIndexOf('; ') + 2) : '';
    return `Variable "${name}" got an invalid value${at ? ` at "${at[1]}"` : ''}${reason ? `; ${withoutQuotedValues(reason)}` : ''}`;
  }
  // Expected value of type "T", found <literal>; <reason>
  const literal = /^Expected value of type "([^"]+)", found /.exec(message);
  if (literal) {
    const rest = message.slice(literal[0].length);
    const reason = rest.includes('; ') ? rest.slice(rest.lastIndexOf('; ') + 2) : '';
    return `Expected value of type "${literal[1]}"${reason ? `; ${withoutQuotedValues(reason)}` : ''}`;
  }
  return message
    .replace(/^Invalid global ID: [\s\S]*$/, 'Invalid global ID')
    .replace(/^(Invalid cursor(?: chunk)?|Invalid offset cursor): [\s\S]*$/, '$1')
    .replace(/^(Expected compound cursor to contain an array), but got [\s\S]*$/, '$1')
    .replace(/^ID: [\s\S]* is not of type: ([\w, ]+)$/, 'ID is not of type: $1')
    .replace(/found (String|BlockString) "(?:[^"\\]|\\.)*"/g, 'found $1')
    .replace(/^(\w+ cannot represent[^:]*): [\s\S]*$/, '$1.')
    .replace(/^Value "[\s\S]*" does not exist in "([^"]+)" enum\.[\s\S]*$/, 'Value does not exist in "$1" enum.')
    .replace(/^Enum "([^"]+)" cannot represent non-enum value: [\s\S]*$/, 'Enum "$1" cannot represent the value.');
}
