// zod at the edge: every mutation's input is parsed here before anything touches the database.
import type { z } from 'zod';
import { badInput } from './errors.ts';

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what = 'input'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 20).map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const first = issues[0]!;
  return badInput(`Invalid ${what}${first.path ? ` at ${first.path}` : ''}: ${first.message}`, { issues });
}
