import {
  MAX_NESTING,
  MAX_QUERY_LENGTH,
  MAX_SEARCH_YEAR,
  MAX_TERMS,
  MIN_SEARCH_YEAR,
  SEARCH_FIELDS,
  WEEKDAY_NAMES,
  type WeekdayName,
} from './grammar';
import { checkIp } from './ip';

/**
 * A term on one field. `value` is the canonical text of the value (what describeSearch prints,
 * unquoted); the other properties are what it means, resolved at parse time.
 */
export type SearchTerm =
  | { kind: 'term'; field: 'actor' | 'type' | 'field' | 'source'; value: string }
  /** `prefix`: the value ends in `*` and matches every action starting with what precedes it. */
  | { kind: 'term'; field: 'action'; value: string; prefix: boolean }
  | {
      kind: 'term';
      field: 'target';
      value: string;
      targetType: string | null;
      targetId: string;
    }
  /** `network`: the value is a CIDR network rather than one address. */
  | { kind: 'term'; field: 'ip'; value: string; network: boolean }
  | { kind: 'term'; field: 'outcome'; value: 'success' | 'failure' }
  /** `value` as typed (`7d`, `2026-03-01`, ...), `at` the instant it meant when parsed. */
  | { kind: 'term'; field: 'after' | 'before'; value: string; at: Date }
  | { kind: 'term'; field: 'offhours'; value: 'true' | 'false' }
  /** `isoDay`: 1 = Monday ... 7 = Sunday, in the actor's own zone. */
  | { kind: 'term'; field: 'weekday'; value: WeekdayName; isoDay: number }
  /** `value` is the hour without leading zeros (`2`), `hour` the same as a number (0-23). */
  | { kind: 'term'; field: 'hour'; value: string; hour: number };

/** The parsed search. An `and` without children (the empty search) matches everything. */
export type SearchNode =
  | { kind: 'and'; children: SearchNode[] }
  | { kind: 'or'; children: SearchNode[] }
  | { kind: 'not'; child: SearchNode }
  | SearchTerm
  | { kind: 'text'; value: string };

export type SearchError = { message: string; position: number; expected?: string };
export type SearchParseResult = { ok: true; tree: SearchNode } | { ok: false; error: SearchError };

class SearchSyntaxError extends Error {
  constructor(readonly detail: SearchError) {
    super(detail.message);
  }
}
function fail(message: string, position: number, expected?: string): never {
  throw new SearchSyntaxError(
    expected === undefined ? { message, position } : { message, position, expected },
  );
}

const isSpace = (c: string) => /\s/.test(c);
/** A bare word or value runs up to whitespace, a parenthesis or a quote. */
const endsBare = (c: string) => c === '(' || c === ')' || c === '"' || isSpace(c);
const KEYWORDS = new Set(['OR', 'AND', 'NOT']);
/** A bare word starting like this and containing a colon is `field:value`. */
const FIELD_START = /^[A-Za-z_]/;
// PostgreSQL text cannot hold NUL; a lone surrogate is not Unicode.
const UNSEARCHABLE =
  /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const shown = (text: string, max = 40) =>
  JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);

// ---------------------------------------------------------------------------------------------
// Field values

/** A value as read from the query, with where each of its characters was typed. */
type Value = { text: string; position: number; at: (index: number) => number };
type FieldParser = (value: Value, now: Date) => SearchTerm;

const plain =
  (field: 'actor' | 'type' | 'field'): FieldParser =>
  (value) => ({ kind: 'term', field, value: value.text });

function parseAction(value: Value): SearchTerm {
  const text = value.text.toLowerCase();
  const star = text.indexOf('*');
  if (star >= 0 && star !== text.length - 1) {
    fail(
      `Unexpected "*" at ${value.at(star)}: use * only at the end, as in action:candidate.*`,
      value.at(star),
      'an action, or the start of one followed by *',
    );
  }
  if (text === '*') {
    fail(
      `Expected the start of an action before "*" at ${value.position}, as in action:candidate.*`,
      value.position,
      'the start of an action',
    );
  }
  return { kind: 'term', field: 'action', value: text, prefix: star >= 0 };
}

function parseTarget(value: Value): SearchTerm {
  const slash = value.text.indexOf('/');
  if (slash < 0) {
    return {
      kind: 'term',
      field: 'target',
      value: value.text,
      targetType: null,
      targetId: value.text,
    };
  }
  const targetType = value.text.slice(0, slash);
  const targetId = value.text.slice(slash + 1);
  if (!targetType) {
    fail(
      `Expected a target type before "/" at ${value.at(slash)}, as in target:invoice/INV-42`,
      value.at(slash),
      'a target type',
    );
  }
  if (!targetId) {
    const at = value.at(slash) + 1;
    fail(`Expected a target id after "/" at ${at}, as in target:invoice/INV-42`, at, 'a target id');
  }
  return { kind: 'term', field: 'target', value: value.text, targetType, targetId };
}

// The pattern of source names (lib/ingest/sources.ts), repeated to keep this module free of
// server-only imports.
const SOURCE_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
function parseSource(value: Value): SearchTerm {
  const name = value.text.toLowerCase();
  if (!SOURCE_NAME.test(name)) {
    fail(
      `Invalid source name ${shown(value.text)} at ${value.position}: source names are letters, digits, - and _ (at most 63)`,
      value.position,
      'a source name',
    );
  }
  return { kind: 'term', field: 'source', value: name };
}

function parseIpValue(value: Value): SearchTerm {
  const text = value.text.toLowerCase();
  const checked = checkIp(text);
  if (!checked.ok) {
    const at = value.at(checked.offset);
    fail(`${checked.subject} at ${at}: ${checked.detail}`, at, checked.expected);
  }
  return { kind: 'term', field: 'ip', value: text, network: checked.network };
}

function parseOutcome(value: Value): SearchTerm {
  const text = value.text.toLowerCase();
  if (text !== 'success' && text !== 'failure') {
    fail(
      `Unknown outcome ${shown(value.text)} at ${value.position}: use success or failure`,
      value.position,
      'success or failure',
    );
  }
  return { kind: 'term', field: 'outcome', value: text };
}

function parseOffhours(value: Value): SearchTerm {
  const text = value.text.toLowerCase();
  if (text !== 'true' && text !== 'false') {
    fail(
      `Expected true or false after "offhours:" at ${value.position}, not ${shown(value.text)}`,
      value.position,
      'true or false',
    );
  }
  return { kind: 'term', field: 'offhours', value: text };
}

const FULL_WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;

function parseWeekday(value: Value): SearchTerm {
  const text = value.text.toLowerCase();
  let index = (WEEKDAY_NAMES as readonly string[]).indexOf(text);
  if (index < 0) index = (FULL_WEEKDAYS as readonly string[]).indexOf(text);
  if (index < 0) {
    fail(
      `Unknown weekday ${shown(value.text)} at ${value.position}: use ${WEEKDAY_NAMES.join(', ')}`,
      value.position,
      'a weekday like mon or sat',
    );
  }
  return { kind: 'term', field: 'weekday', value: WEEKDAY_NAMES[index]!, isoDay: index + 1 };
}

function parseHour(value: Value): SearchTerm {
  const hour = /^\d{1,2}$/.test(value.text) ? Number(value.text) : Number.NaN;
  if (!(hour >= 0 && hour <= 23)) {
    fail(
      `Invalid hour ${shown(value.text)} at ${value.position}: use a whole hour from 0 to 23, as in hour:2`,
      value.position,
      'an hour from 0 to 23',
    );
  }
  return { kind: 'term', field: 'hour', value: String(hour), hour };
}

const EXPECTED_MOMENT = 'a date like 2026-03-01, a time like 2026-03-01T09:00:00+01:00, or 7d';
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;
const RELATIVE = /^(\d{1,6})([mhdw])$/;
const UNIT_MS = new Map([
  ['m', 60_000],
  ['h', 3_600_000],
  ['d', 86_400_000],
  ['w', 7 * 86_400_000],
]);

function parseMoment(field: 'after' | 'before') {
  return (value: Value, now: Date): SearchTerm => {
    const where = `Invalid date ${shown(value.text)} at ${value.position}`;
    const bad = (why: string): never => fail(`${where}: ${why}`, value.position, EXPECTED_MOMENT);
    const inRange = (year: number) => {
      if (year < MIN_SEARCH_YEAR || year > MAX_SEARCH_YEAR)
        bad(`dates must be between the years ${MIN_SEARCH_YEAR} and ${MAX_SEARCH_YEAR}`);
    };
    const text = value.text.toUpperCase();

    const relative = RELATIVE.exec(text.toLowerCase());
    if (relative) {
      const at = new Date(now.getTime() - Number(relative[1]) * UNIT_MS.get(relative[2]!)!);
      if (Number.isNaN(at.getTime())) bad('the current time is unknown');
      inRange(at.getUTCFullYear());
      return { kind: 'term', field, value: text.toLowerCase(), at };
    }

    const day = DATE.exec(text);
    const full = day ? null : DATE_TIME.exec(text);
    const parts = day ?? full;
    if (!parts) {
      if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text))
        bad('a time needs seconds and a time zone offset, e.g. 2026-03-01T09:00:00+01:00 or ...Z');
      return bad(
        'expected a date like 2026-03-01, a time like 2026-03-01T09:00:00+01:00, or a time ago like 30m, 24h, 7d or 4w',
      );
    }
    const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(parts[i] ?? 0)) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    inRange(y);
    const probe = new Date(Date.UTC(y, mo - 1, d));
    if (probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) bad('there is no such day');
    if (h > 23 || mi > 59 || s > 59) bad('there is no such time of day');
    let offsetMinutes = 0;
    let millis = 0;
    if (full) {
      const oh = Number(full[9] ?? 0);
      const om = Number(full[10] ?? 0);
      if (oh > 23 || om > 59) bad('there is no such time zone offset');
      offsetMinutes = (full[8]!.startsWith('-') ? -1 : 1) * (oh * 60 + om);
      millis = Number((full[7] ?? '.0').slice(1, 4).padEnd(3, '0'));
    }
    const at = new Date(Date.UTC(y, mo - 1, d, h, mi, s, millis) - offsetMinutes * 60_000);
    return { kind: 'term', field, value: text, at };
  };
}

const FIELDS = new Map<string, FieldParser>([
  ['actor', plain('actor')],
  ['action', parseAction],
  ['target', parseTarget],
  ['type', plain('type')],
  ['field', plain('field')],
  ['source', parseSource],
  ['ip', parseIpValue],
  ['outcome', parseOutcome],
  ['after', parseMoment('after')],
  ['before', parseMoment('before')],
  ['offhours', parseOffhours],
  ['weekday', parseWeekday],
  ['hour', parseHour],
]);

// ---------------------------------------------------------------------------------------------
// Tokens

type Token =
  | { t: '(' | ')' | 'OR' | 'AND' | 'NOT' | '-'; position: number }
  | { t: 'leaf'; position: number; node: SearchTerm | { kind: 'text'; value: string } };

/** Reads a quoted string starting at `start` (the opening quote). */
function readQuoted(input: string, start: number): { value: Value; end: number } {
  let text = '';
  const positions: number[] = [];
  let i = start + 1;
  while (i < input.length) {
    const c = input[i]!;
    if (c === '"') {
      const after = input[i + 1];
      if (after !== undefined && !isSpace(after) && after !== '(' && after !== ')') {
        fail(
          `Expected a space after the closing quote at ${i + 1}`,
          i + 1,
          'a space, ")" or the end of the search',
        );
      }
      return {
        value: { text, position: start, at: (index) => positions[index] ?? start },
        end: i + 1,
      };
    }
    if (c === '\\' && (input[i + 1] === '"' || input[i + 1] === '\\')) {
      positions.push(i);
      text += input[i + 1];
      i += 2;
      continue;
    }
    positions.push(i);
    text += c;
    i++;
  }
  fail(`Unclosed quote at ${start}: add a closing "`, start, '"');
}

function termToken(
  input: string,
  start: number,
  word: string,
  wordEnd: number,
  now: Date,
): { token: Token; end: number } {
  const colon = word.indexOf(':');
  const name = word.slice(0, colon);
  const parse = FIELDS.get(name.toLowerCase());
  if (!parse) {
    fail(
      `Unknown field ${shown(name)} at ${start}. Known fields: ${SEARCH_FIELDS.join(', ')}. To search for this text, put it in quotes`,
      start,
      'a known field',
    );
  }
  let value: Value;
  let end = wordEnd;
  const valueStart = start + colon + 1;
  if (colon === word.length - 1 && input[wordEnd] === '"') {
    const quoted = readQuoted(input, wordEnd);
    value = quoted.value;
    end = quoted.end;
  } else {
    if (input[wordEnd] === '"') {
      fail(
        `Unexpected quote at ${wordEnd}: put the whole value in quotes, as in ${name}:"a b"`,
        wordEnd,
        'a space',
      );
    }
    value = {
      text: word.slice(colon + 1),
      position: valueStart,
      at: (index) => valueStart + index,
    };
  }
  if (value.text === '') {
    const hint =
      input[wordEnd] === '(' ? ` (to match several values, write ${name}:a OR ${name}:b)` : '';
    fail(`Expected a value after "${name}:" at ${valueStart}${hint}`, valueStart, 'a value');
  }
  return { token: { t: 'leaf', position: start, node: parse(value, now) }, end };
}

function tokenize(input: string, now: Date): Token[] {
  const tokens: Token[] = [];
  let terms = 0;
  const countTerm = (position: number) => {
    if (++terms > MAX_TERMS)
      fail(`Too many terms at ${position}: a search can have at most ${MAX_TERMS}`, position);
  };
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (isSpace(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ t: c, position: i });
      i++;
    } else if (c === '-') {
      const next = input[i + 1];
      if (next === undefined || isSpace(next) || next === ')' || next === '-') {
        fail(
          `Expected a term or group right after "-" at ${i + 1}`,
          i + 1,
          'a term, a "phrase" or a (group)',
        );
      }
      tokens.push({ t: '-', position: i });
      i++;
    } else if (c === '"') {
      const quoted = readQuoted(input, i);
      if (quoted.value.text === '') {
        fail(`Empty quotes at ${i}: put a word or phrase between them`, i, 'a word or phrase');
      }
      countTerm(i);
      tokens.push({ t: 'leaf', position: i, node: { kind: 'text', value: quoted.value.text } });
      i = quoted.end;
    } else {
      let j = i;
      while (j < input.length && !endsBare(input[j]!)) j++;
      const word = input.slice(i, j);
      if (FIELD_START.test(word) && word.includes(':')) {
        countTerm(i);
        const { token, end } = termToken(input, i, word, j, now);
        tokens.push(token);
        i = end;
        continue;
      }
      if (input[j] === '"') {
        fail(
          `Unexpected quote at ${j}: put a space before a quoted phrase, or put the whole value in quotes`,
          j,
          'a space',
        );
      }
      if (word === 'OR' || word === 'AND' || word === 'NOT') {
        tokens.push({ t: word, position: i });
      } else {
        countTerm(i);
        tokens.push({ t: 'leaf', position: i, node: { kind: 'text', value: word } });
      }
      i = j;
    }
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Parser: or := and ("OR" and)* ; and := unary (["AND"] unary)* ;
// unary := ("-" | "NOT") primary | primary ; primary := "(" or ")" | term | word | "phrase"

function parseTokens(tokens: Token[], length: number): SearchNode {
  let k = 0;
  const peek = () => tokens[k];
  const positionOf = (token: Token | undefined) => token?.position ?? length;
  /** After "-"/NOT a term or group must follow; after AND/OR also a negated one. */
  const expectTermAfter = (what: string, negationAllowed: boolean) => {
    const next = peek();
    const ok =
      next !== undefined &&
      (next.t === '(' ||
        next.t === 'leaf' ||
        (negationAllowed && (next.t === '-' || next.t === 'NOT')));
    if (!ok) {
      const position = positionOf(next);
      fail(
        `Expected a term after ${what} at ${position}`,
        position,
        'a term, a "phrase" or a (group)',
      );
    }
  };

  function parsePrimary(depth: number): SearchNode {
    const token = peek();
    if (token === undefined) fail(`Expected a term at ${length}`, length, 'a term');
    switch (token.t) {
      case 'leaf':
        k++;
        return token.node;
      case '(': {
        if (depth >= MAX_NESTING) {
          fail(
            `Too many nested parentheses at ${token.position}: at most ${MAX_NESTING} levels`,
            token.position,
          );
        }
        k++;
        if (peek()?.t === ')') {
          fail(
            `Empty parentheses at ${token.position}: put a term between them`,
            token.position,
            'a term',
          );
        }
        const inner = parseOr(depth + 1);
        const close = peek();
        if (close?.t !== ')') {
          fail(
            `Unbalanced parenthesis at ${token.position}: "(" is never closed`,
            token.position,
            '")"',
          );
        }
        k++;
        return inner;
      }
      case ')':
        fail(
          `Unbalanced parenthesis at ${token.position}: ")" has no matching "("`,
          token.position,
        );
      case 'OR':
      case 'AND':
        fail(`Expected a term before ${token.t} at ${token.position}`, token.position, 'a term');
      case 'NOT':
      case '-':
        fail(
          `Expected a term after "${token.t === '-' ? '-' : 'NOT'}" at ${token.position}: negate a term only once, or use parentheses`,
          token.position,
          'a term',
        );
    }
  }

  function parseUnary(depth: number): SearchNode {
    const token = peek();
    if (token?.t === '-' || token?.t === 'NOT') {
      k++;
      expectTermAfter(token.t === '-' ? '"-"' : 'NOT', false);
      return { kind: 'not', child: parsePrimary(depth) };
    }
    return parsePrimary(depth);
  }

  function parseAnd(depth: number): SearchNode {
    const children: SearchNode[] = [];
    const add = (node: SearchNode) => {
      if (node.kind === 'and') children.push(...node.children);
      else children.push(node);
    };
    add(parseUnary(depth));
    for (;;) {
      const token = peek();
      if (token === undefined || token.t === ')' || token.t === 'OR') break;
      if (token.t === 'AND') {
        k++;
        expectTermAfter('AND', true);
      }
      add(parseUnary(depth));
    }
    return children.length === 1 ? children[0]! : { kind: 'and', children };
  }

  function parseOr(depth: number): SearchNode {
    const children: SearchNode[] = [];
    const add = (node: SearchNode) => {
      if (node.kind === 'or') children.push(...node.children);
      else children.push(node);
    };
    add(parseAnd(depth));
    while (peek()?.t === 'OR') {
      k++;
      expectTermAfter('OR', true);
      add(parseAnd(depth));
    }
    return children.length === 1 ? children[0]! : { kind: 'or', children };
  }

  const tree = parseOr(0);
  const rest = peek();
  if (rest !== undefined) {
    // Only a ")" can stop the top level early.
    fail(`Unbalanced parenthesis at ${rest.position}: ")" has no matching "("`, rest.position);
  }
  return tree;
}

/**
 * Parses a search. Never throws: bad input gives `{ ok: false, error }` with the 0-based
 * character position of the problem. Relative dates are resolved against `now`.
 */
export function parseSearch(input: string, options: { now?: Date } = {}): SearchParseResult {
  try {
    if (typeof input !== 'string')
      return { ok: false, error: { message: 'The search is not text', position: 0 } };
    if (input.length > MAX_QUERY_LENGTH) {
      fail(
        `The search is too long at ${MAX_QUERY_LENGTH}: at most ${MAX_QUERY_LENGTH.toLocaleString('en-US')} characters (this one has ${input.length.toLocaleString('en-US')})`,
        MAX_QUERY_LENGTH,
      );
    }
    const bad = UNSEARCHABLE.exec(input);
    if (bad) {
      fail(
        `Unsupported character at ${bad.index}: a search cannot contain NUL or a lone surrogate`,
        bad.index,
      );
    }
    const tokens = tokenize(input, options.now ?? new Date());
    if (tokens.length === 0) return { ok: true, tree: { kind: 'and', children: [] } };
    return { ok: true, tree: parseTokens(tokens, input.length) };
  } catch (error) {
    if (error instanceof SearchSyntaxError) return { ok: false, error: error.detail };
    // Not expected; still never a throw to the caller.
    return {
      ok: false,
      error: { message: 'The search could not be read', position: 0 },
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Canonical text

const needsQuotes = (text: string) => text === '' || [...text].some(endsBare);
const quote = (text: string) => `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/** A free-text value as a bare word when it would read back as the same word, else quoted. */
function describeText(text: string): string {
  const bare =
    !needsQuotes(text) &&
    !text.startsWith('-') &&
    !KEYWORDS.has(text) &&
    !(FIELD_START.test(text) && text.includes(':'));
  return bare ? text : quote(text);
}

function describeNode(node: SearchNode, parent: 'top' | 'and' | 'or' | 'not'): string {
  switch (node.kind) {
    case 'and': {
      const text = node.children.map((c) => describeNode(c, 'and')).join(' ');
      return parent === 'not' || parent === 'and' ? `(${text})` : text;
    }
    case 'or': {
      const text = node.children.map((c) => describeNode(c, 'or')).join(' OR ');
      return parent === 'top' ? text : `(${text})`;
    }
    case 'not': {
      // `--a` would not read back: a double negation keeps its parentheses, `-(-a)`.
      const text = `-${describeNode(node.child, 'not')}`;
      return parent === 'not' ? `(${text})` : text;
    }
    case 'text':
      return describeText(node.value);
    case 'term':
      return `${node.field}:${needsQuotes(node.value) ? quote(node.value) : node.value}`;
  }
}

/**
 * The canonical text of a parsed search (for saved searches, URLs and audit records): parsing
 * it again gives an equal tree (relative dates are kept as typed, e.g. `after:7d`).
 */
export function describeSearch(tree: SearchNode): string {
  return describeNode(tree, 'top');
}
