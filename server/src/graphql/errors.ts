// The refusals a client can act on, each with the extensions.code of contract.graphql. Anything
// else thrown in a resolver is masked by yoga as "Unexpected error."
import { GraphQLError } from 'graphql';

export type ErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'NOT_FOUND' | 'NOT_RETRYABLE' | 'CONFLICT';

export function refuse(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): never {
  throw new GraphQLError(message, { extensions: { ...extensions, code } });
}

export const badInput = (message: string, extensions?: Record<string, unknown>) => refuse('BAD_USER_INPUT', message, extensions);
export const notFound = (what: string) => refuse('NOT_FOUND', `${what} not found`);
export const conflict = (message: string) => refuse('CONFLICT', message);
