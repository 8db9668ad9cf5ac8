import { klaviyoErrors, type KlaviyoFailure } from './errors';

/**
 * Klaviyo's JSON:API filter grammar (https://developers.klaviyo.com/en/docs/filtering_):
 * `operator(field,value)`, `any(field,["a","b"])`, `has(field)`, combined with `and(…)`, `or(…)`,
 * `not(…)`; expressions separated by commas at the top level are and-ed. Strings are quoted
 * ("…" or '…'); date-times are NOT ("Datetimes should be specified without quotes", a Klaviyo
 * employee, community.klaviyo.com campaign-api-multiple-filters-14473): a quoted date-time is
 * refused. Which fields take which operators is per endpoint (the `filter` doc of each SDK method,
 * e.g. getProfiles: `updated` takes only greater-than and less-than); anything else is a 400 on
 * `source.parameter: "filter"`. A malformed expression answers Klaviyo's own words: "Invalid filter
 * provided. Verify your parentheses match." (orders-messages-facts.md §4.4). The wording of the
 * other refusals (unknown field, operator, value type) was not found; chosen.
 */
export const COMPARE_OPERATORS = [
  'equals',
  'less-than',
  'less-or-equal',
  'greater-than',
  'greater-or-equal',
  'contains',
  'contains-any',
  'contains-all',
  'starts-with',
  'ends-with',
  'any',
] as const;
export type CompareOperator = (typeof COMPARE_OPERATORS)[number];
export type Operator = CompareOperator | 'has';
const LOGIC = ['and', 'or', 'not'] as const;
type Logic = (typeof LOGIC)[number];

export type FilterValue =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'datetime'; value: number; raw: string }
  | { kind: 'list'; items: FilterValue[] };

export type FilterNode =
  | { kind: 'logic'; op: Logic; children: FilterNode[] }
  | { kind: 'compare'; op: CompareOperator; field: string; value: FilterValue }
  | { kind: 'has'; field: string };

export interface FieldSpec<T> {
  operators: readonly Operator[];
  type: 'string' | 'datetime' | 'any';
  /** The record's values for the field (several for array fields: any one may match). */
  values: (record: T) => unknown[];
  /** Applied to both sides of a string comparison (emails compare without case). */
  normalize?: (value: string) => string;
}

export interface FilterSpec<T> {
  fields: Record<string, FieldSpec<T>>;
  /** Logical operators the endpoint takes (every endpoint takes `and`). */
  logic: readonly Logic[];
}

class FilterSyntaxError extends Error {}

const DATETIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const NUMBER = /^-?\d+(\.\d+)?$/;
const FIELD = /^[A-Za-z_$][\w.$-]*$/;

/** Parses a filter expression; a syntax error is Klaviyo's "Invalid filter provided" 400. */
export function parseFilter(text: string): { ok: true; node: FilterNode } | { ok: false; failure: KlaviyoFailure } {
  try {
    return { ok: true, node: new Parser(text).parseTop() };
  } catch (error) {
    if (error instanceof FilterSyntaxError) return { ok: false, failure: klaviyoErrors.invalidFilter() };
    throw error;
  }
}

/** Checks fields, operators and value types against what the endpoint allows. */
export function checkFilter<T>(node: FilterNode, spec: FilterSpec<T>): KlaviyoFailure | undefined {
  if (node.kind === 'logic') {
    if (!spec.logic.includes(node.op)) return klaviyoErrors.invalidFilter(`Invalid filter provided. The '${node.op}' operator is not supported by this endpoint.`);
    for (const child of node.children) {
      const failure = checkFilter(child, spec);
      if (failure) return failure;
    }
    return undefined;
  }
  const field = spec.fields[node.field];
  if (!field) return klaviyoErrors.invalidFilter(`Invalid filter provided. '${node.field}' is not a valid filter field for this endpoint.`);
  const op: Operator = node.kind === 'has' ? 'has' : node.op;
  if (!field.operators.includes(op)) {
    return klaviyoErrors.invalidFilter(`Invalid filter provided. '${op}' is not a valid operator for '${node.field}'; allowed: ${field.operators.join(', ')}.`);
  }
  if (node.kind === 'has') return undefined;
  const expected = field.type;
  const valueOk = (value: FilterValue): boolean => (expected === 'datetime' ? value.kind === 'datetime' : expected === 'string' ? value.kind === 'string' : value.kind !== 'list');
  const value = node.value;
  const good = node.op === 'any' ? value.kind === 'list' && value.items.length > 0 && value.items.every(valueOk) : valueOk(value);
  if (!good) {
    const wants = node.op === 'any' ? `a list of ${expected === 'datetime' ? 'unquoted date-times' : 'quoted strings'}` : expected === 'datetime' ? 'an unquoted date-time' : 'a quoted string';
    return klaviyoErrors.invalidFilter(`Invalid filter provided. The value for '${node.field}' must be ${wants}.`);
  }
  return undefined;
}

export function matches<T>(node: FilterNode, record: T, spec: FilterSpec<T>): boolean {
  if (node.kind === 'logic') {
    if (node.op === 'and') return node.children.every((child) => matches(child, record, spec));
    if (node.op === 'or') return node.children.some((child) => matches(child, record, spec));
    return !node.children.every((child) => matches(child, record, spec));
  }
  const field = spec.fields[node.field];
  if (!field) return false;
  const values = field.values(record).filter((value) => value !== null && value !== undefined);
  if (node.kind === 'has') return values.length > 0;
  return values.some((value) => compare(node.op, value, node.value, field));
}

function compare<T>(op: CompareOperator, actual: unknown, target: FilterValue, field: FieldSpec<T>): boolean {
  const norm = (text: string) => (field.normalize ? field.normalize(text) : text);
  if (op === 'any') return target.kind === 'list' && target.items.some((item) => compare('equals', actual, item, field));
  if (target.kind === 'datetime') {
    const at = typeof actual === 'number' ? actual * 1000 : typeof actual === 'string' ? Date.parse(actual) : Number.NaN;
    if (Number.isNaN(at)) return false;
    switch (op) {
      case 'equals':
        return at === target.value;
      case 'greater-than':
        return at > target.value;
      case 'greater-or-equal':
        return at >= target.value;
      case 'less-than':
        return at < target.value;
      case 'less-or-equal':
        return at <= target.value;
      default:
        return false;
    }
  }
  if (target.kind === 'string' && typeof actual === 'string') {
    const [a, b] = [norm(actual), norm(target.value)];
    switch (op) {
      case 'equals':
        return a === b;
      case 'contains':
        return a.includes(b);
      case 'starts-with':
        return a.startsWith(b);
      case 'ends-with':
        return a.endsWith(b);
      default:
        return false;
    }
  }
  if (target.kind === 'number' && typeof actual === 'number') {
    if (op === 'equals') return actual === target.value;
    if (op === 'greater-than') return actual > target.value;
    if (op === 'greater-or-equal') return actual >= target.value;
    if (op === 'less-than') return actual < target.value;
    if (op === 'less-or-equal') return actual <= target.value;
  }
  if (target.kind === 'boolean' && op === 'equals') return actual === target.value;
  return false;
}

class Parser {
  private at = 0;

  constructor(private readonly text: string) {}

  parseTop(): FilterNode {
    const nodes = [this.parseExpression()];
    while (this.peek() === ',') {
      this.at += 1;
      nodes.push(this.parseExpression());
    }
    this.skipSpace();
    if (this.at !== this.text.length) throw new FilterSyntaxError('trailing input');
    return nodes.length === 1 ? nodes[0]! : { kind: 'logic', op: 'and', children: nodes };
  }

  private parseExpression(): FilterNode {
    const word = this.word();
    this.expect('(');
    if ((LOGIC as readonly string[]).includes(word)) {
      const children = [this.parseExpression()];
      while (this.peek() === ',') {
        this.at += 1;
        children.push(this.parseExpression());
      }
      this.expect(')');
      if (word === 'not' && children.length !== 1) throw new FilterSyntaxError('not takes one expression');
      return { kind: 'logic', op: word as Logic, children };
    }
    if (word === 'has') {
      const field = this.field();
      this.expect(')');
      return { kind: 'has', field };
    }
    if (!(COMPARE_OPERATORS as readonly string[]).includes(word)) throw new FilterSyntaxError(`unknown operator ${word}`);
    const field = this.field();
    this.expect(',');
    const value = this.value();
    this.expect(')');
    return { kind: 'compare', op: word as CompareOperator, field, value };
  }

  private field(): string {
    const word = this.word();
    if (!FIELD.test(word)) throw new FilterSyntaxError(`not a field: ${word}`);
    return word;
  }

  private value(): FilterValue {
    const next = this.peek();
    if (next === '"' || next === "'") return { kind: 'string', value: this.quoted(next) };
    if (next === '[') {
      this.at += 1;
      const items: FilterValue[] = [];
      if (this.peek() !== ']') {
        items.push(this.value());
        while (this.peek() === ',') {
          this.at += 1;
          items.push(this.value());
        }
      }
      this.expect(']');
      return { kind: 'list', items };
    }
    const word = this.word();
    if (word === 'true' || word === 'false') return { kind: 'boolean', value: word === 'true' };
    if (word === 'null') return { kind: 'null' };
    if (NUMBER.test(word)) return { kind: 'number', value: Number(word) };
    if (DATETIME.test(word)) {
      const value = Date.parse(/T/.test(word) && !/(Z|[+-]\d{2}:?\d{2})$/.test(word) ? `${word}Z` : word);
      if (Number.isNaN(value)) throw new FilterSyntaxError(`bad date-time ${word}`);
      return { kind: 'datetime', value, raw: word };
    }
    throw new FilterSyntaxError(`bad value ${word}`);
  }

  private quoted(quote: string): string {
    this.at += 1;
    let value = '';
    while (this.at < this.text.length) {
      const char = this.text[this.at]!;
      this.at += 1;
      if (char === '\\' && this.at < this.text.length) {
        value += this.text[this.at]!;
        this.at += 1;
      } else if (char === quote) return value;
      else value += char;
    }
    throw new FilterSyntaxError('unterminated string');
  }

  private word(): string {
    this.skipSpace();
    const start = this.at;
    while (this.at < this.text.length && !/[(),[\]"'\s]/.test(this.text[this.at]!)) this.at += 1;
    if (this.at === start) throw new FilterSyntaxError('expected a word');
    return this.text.slice(start, this.at);
  }

  private expect(char: string): void {
    if (this.peek() !== char) throw new FilterSyntaxError(`expected ${char}`);
    this.at += 1;
  }

  private peek(): string | undefined {
    this.skipSpace();
    return this.text[this.at];
  }

  private skipSpace(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at]!)) this.at += 1;
  }
}
