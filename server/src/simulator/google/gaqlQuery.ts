// The sliver of the Google Ads Query Language the simulator answers: `SELECT f, … FROM resource
// WHERE f = 'v' (AND f = 'v')*`, keywords in any case, strings in single or double quotes with
// backslash escapes. Anything else is refused with the QueryError Google would give, so an adapter
// that drifts from these forms fails here instead of passing against a too-lenient simulator.

export interface GaqlQuery {
  select: string[];
  from: string;
  where: Array<{ field: string; value: string }>;
}

/** a query Google would refuse: `code` is its QueryError (UNEXPECTED_INPUT, BAD_ESCAPE_SEQUENCE, …) */
export class GaqlError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Token =
  { kind: 'word'; text: string; at: number } | { kind: 'string'; text: string; at: number } | { kind: 'symbol'; text: string; at: number };

const FIELD = /^[a-z][a-zA-Z0-9._]*$/;
const RESOURCE = /^[a-z][a-zA-Z0-9_]*$/;
const ESCAPABLE = new Set(['\\', "'", '"']);

export function parseGaql(text: string): GaqlQuery {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const next = (what: string): Token => {
    const token = tokens[i++];
    if (!token) throw new GaqlError('UNEXPECTED_END_OF_QUERY', `Expected ${what} but the query ended.`);
    return token;
  };
  const keyword = (word: string, code: string) => {
    const token = tokens[i++];
    if (!token) throw new GaqlError(code, `Expected ${word} but the query ended.`);
    if (token.kind !== 'word' || token.text.toUpperCase() !== word) throw new GaqlError(code, `Expected ${word} at position ${token.at}.`);
  };
  const field = (): string => {
    const token = next('a field name');
    if (token.kind !== 'word' || !FIELD.test(token.text) || !token.text.includes('.'))
      throw new GaqlError('BAD_FIELD_NAME', `Invalid field name at position ${token.at}.`);
    return token.text;
  };

  keyword('SELECT', 'EXPECTED_SELECT');
  const select = [field()];
  while (peek()?.kind === 'symbol' && peek()!.text === ',') {
    i++;
    select.push(field());
  }
  keyword('FROM', 'EXPECTED_FROM');
  const resource = next('a resource name');
  if (resource.kind !== 'word' || !RESOURCE.test(resource.text))
    throw new GaqlError('BAD_RESOURCE_TYPE_IN_FROM_CLAUSE', `Invalid resource type at position ${resource.at}.`);
  const where: GaqlQuery['where'] = [];
  if (peek()) {
    keyword('WHERE', 'UNEXPECTED_INPUT');
    for (;;) {
      const name = field();
      const operator = next('an operator');
      if (operator.kind !== 'symbol' || operator.text !== '=') {
        throw new GaqlError('BAD_OPERATOR', `Only "=" is supported by the simulator (position ${operator.at}).`);
      }
      const value = next('a value');
      if (value.kind !== 'string') throw new GaqlError('BAD_VALUE', `Expected a quoted string at position ${value.at}.`);
      where.push({ field: name, value: value.text });
      const after = peek();
      if (!after) break;
      if (after.kind !== 'word' || after.text.toUpperCase() !== 'AND')
        throw new GaqlError('UNEXPECTED_INPUT', `Unexpected input at position ${after.at}.`);
      i++;
    }
  }
  return { select, from: resource.text, where };
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    if (c === "'" || c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new GaqlError('UNEXPECTED_END_OF_QUERY', `Unterminated string starting at position ${at}.`);
        const d = text[i]!;
        if (d === c) break;
        if (d === '\\') {
          const escaped = text[i + 1];
          if (escaped === undefined || !ESCAPABLE.has(escaped))
            throw new GaqlError('BAD_ESCAPE_SEQUENCE', `Invalid escape sequence at position ${i}.`);
          value += escaped;
          i += 2;
          continue;
        }
        value += d;
        i++;
      }
      i++;
      tokens.push({ kind: 'string', text: value, at });
      continue;
    }
    if (c === ',' || c === '=') {
      tokens.push({ kind: 'symbol', text: c, at });
      i++;
      continue;
    }
    const word = /^[A-Za-z0-9_.]+/.exec(text.slice(i))?.[0];
    if (word) {
      tokens.push({ kind: 'word', text: word, at });
      i += word.length;
      continue;
    }
    // anything else (!=, <, parentheses, non-ASCII) is outside the forms the simulator serves
    throw new GaqlError(c.charCodeAt(0) > 127 ? 'BAD_SYMBOL' : 'UNEXPECTED_INPUT', `Unexpected input at position ${at}.`);
  }
  return tokens;
}
