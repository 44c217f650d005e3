// A segment's rule over customers, as JSON:
//   { "all": [rule, ...] }   { "any": [rule, ...] }   { "not": rule }
//   { "attribute": "plan", "op": "eq", "value": "gold" }   (ops: eq neq in gt gte lt lte exists)
//   { "field": "country", "op": "in", "value": ["US", "CA"] } (customer columns below)
// `{ "all": [] }` matches every customer. Compiled to one parameterised SQL predicate over `c`.
import { z } from 'zod';

const FIELDS = { country: 'country', state: 'state', city: 'city', zip: 'zip', gender: 'gender', adConsent: 'ad_consent' } as const;
const ops = z.enum(['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'exists']);

export type Criteria =
  | { all: Criteria[] }
  | { any: Criteria[] }
  | { not: Criteria }
  | { attribute: string; op: z.infer<typeof ops>; value?: unknown }
  | { field: keyof typeof FIELDS; op: z.infer<typeof ops>; value?: unknown };

const scalar = z.union([z.string().max(1000), z.number(), z.boolean()]);

export const criteriaSchema: z.ZodType<Criteria> = z
  .lazy(() =>
    z.union([
      z.object({ all: z.array(criteriaSchema).max(100) }).strict(),
      z.object({ any: z.array(criteriaSchema).min(1).max(100) }).strict(),
      z.object({ not: criteriaSchema }).strict(),
      z.object({ attribute: z.string().min(1).max(200), op: ops, value: z.union([scalar, z.array(scalar).max(1000)]).optional() }).strict(),
      z
        .object({
          field: z.enum(Object.keys(FIELDS) as [keyof typeof FIELDS]),
          op: ops,
          value: z.union([scalar, z.array(scalar).max(1000)]).optional(),
        })
        .strict(),
    ]),
  )
  .superRefine((rule, ctx) => {
    if ('op' in rule) {
      const needsList = rule.op === 'in';
      if (rule.op !== 'exists' && rule.value === undefined) ctx.addIssue({ code: 'custom', message: `op ${rule.op} needs a value` });
      if (needsList !== Array.isArray(rule.value) && rule.op !== 'exists') {
        ctx.addIssue({ code: 'custom', message: needsList ? 'op in needs a list value' : `op ${rule.op} needs a single value` });
      }
      if (['gt', 'gte', 'lt', 'lte'].includes(rule.op) && typeof rule.value !== 'number') {
        ctx.addIssue({ code: 'custom', message: `op ${rule.op} needs a number` });
      }
      // ad_consent is a boolean column: only true/false compare with it (anything else fails in SQL)
      if ('field' in rule && rule.field === 'adConsent') {
        const values = rule.value === undefined ? [] : Array.isArray(rule.value) ? rule.value : [rule.value];
        if (['gt', 'gte', 'lt', 'lte'].includes(rule.op) || values.some((v) => typeof v !== 'boolean')) {
          ctx.addIssue({ code: 'custom', message: 'field adConsent takes eq, neq, in or exists with true or false' });
        }
      }
    }
  }) as z.ZodType<Criteria>;

export const MAX_CRITERIA_DEPTH = 32;

/** Nesting depth of a JSON value, counted without recursion (a deep value must not overflow the stack). */
function jsonDepth(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_CRITERIA_DEPTH) return deepest;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** criteriaSchema behind a depth check, for input from clients. */
export const criteriaInputSchema = z
  .unknown()
  .refine((value) => jsonDepth(value) <= MAX_CRITERIA_DEPTH, `criteria may nest at most ${MAX_CRITERIA_DEPTH} levels`)
  .pipe(criteriaSchema) as unknown as z.ZodType<Criteria>;

const comparison = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** Returns a predicate over the alias `c` (customers); its parameters are appended to `params`. */
export function criteriaToSql(rule: Criteria, params: unknown[]): string {
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if ('all' in rule) return rule.all.length ? `(${rule.all.map((r) => criteriaToSql(r, params)).join(' AND ')})` : 'TRUE';
  if ('any' in rule) return `(${rule.any.map((r) => criteriaToSql(r, params)).join(' OR ')})`;
  if ('not' in rule) return `(NOT COALESCE(${criteriaToSql(rule.not, params)}, FALSE))`;
  if ('attribute' in rule) {
    const target = `c.attributes -> ${param(rule.attribute)}`;
    switch (rule.op) {
      case 'exists':
        return `(${target} IS NOT NULL)`;
      case 'eq':
        return `(${target} = ${param(JSON.stringify(rule.value))}::jsonb)`;
      case 'neq':
        return `(${target} IS DISTINCT FROM ${param(JSON.stringify(rule.value))}::jsonb)`;
      case 'in':
        return `(${target} = ANY (SELECT jsonb_array_elements(${param(JSON.stringify(rule.value))}::jsonb)))`;
      default:
        return `(CASE WHEN jsonb_typeof(${target}) = 'number' THEN (${target})::text::numeric ${comparison[rule.op]} ${param(rule.value)}::numeric ELSE FALSE END)`;
    }
  }
  const column = `c.${FIELDS[rule.field]}`;
  const cast = rule.field === 'adConsent' ? '::boolean' : '::text';
  switch (rule.op) {
    case 'exists':
      return `(${column} IS NOT NULL)`;
    case 'eq':
      return `(${column} = ${param(rule.value)}${cast})`;
    case 'neq':
      return `(${column} IS DISTINCT FROM ${param(rule.value)}${cast})`;
    case 'in':
      return `(${column} = ANY (${param(rule.value)}${cast}[]))`;
    default:
      return `(${column} ${comparison[rule.op]} ${param(rule.value)}${cast})`;
  }
}
