/**
 * fast-check arbitraries for the search language, shared by the unit and integration tests.
 * Test-only (fast-check is a devDependency): nothing in the app imports this file.
 */
import fc from 'fast-check';
import { MAX_TERMS } from './grammar';
import { parseSearch, type SearchNode, type SearchTerm } from './parse';

/** The instant relative dates are resolved against in the tests. */
export const TEST_NOW = new Date('2026-03-01T00:00:00Z');

/** Characters that stress quoting and escaping, including whitespace the parser splits on. */
const CHARS = [
  'a',
  'b',
  'Z',
  'é',
  '7',
  ' ',
  '\t',
  '\u2028',
  '"',
  '\\',
  '(',
  ')',
  '-',
  ':',
  '%',
  '_',
  '*',
  '/',
  '.',
  "'",
  ';',
  '$',
  '😀',
  'OR',
  'AND',
  'NOT',
];
const anyText = fc.string({ unit: fc.constantFrom(...CHARS), minLength: 1, maxLength: 12 });
const noSlash = anyText.filter((s) => !s.includes('/'));
const lowerText = fc.string({
  unit: fc.constantFrom('a', 'z', '0', '_', '.', ' ', '"', '\\', '-', '(', 'é'),
  minLength: 1,
  maxLength: 10,
});

export const VALID_IPS = [
  '10.1.2.3',
  '0.0.0.0',
  '255.255.255.255',
  '2001:db8::7',
  '::',
  '::1',
  '1:2:3:4:5:6:7::',
  '::ffff:1.2.3.4',
  '1:2:3:4:5:6:1.2.3.4',
  'fe80::a:b',
];
export const VALID_NETWORKS = [
  '10.0.0.0/8',
  '0.0.0.0/0',
  '192.168.0.0/16',
  '255.255.255.255/32',
  '2001:db8::/32',
  '::/0',
  '::ffff:0.0.0.0/96',
  'fe80::/10',
  '2001:db8::7/128',
];
const MOMENTS = [
  '2026-02-28',
  '2000-01-01',
  '2100-12-31',
  '2026-02-24T10:00:00+05:30',
  '2026-02-24T04:30:00Z',
  '2026-02-24T04:30:00.123456-01:00',
  '30m',
  '24h',
  '7d',
  '4w',
  '0d',
];

/** A term as the parser would produce it from one `field:value` (dates resolved at TEST_NOW). */
function parsedTerm(text: string): SearchTerm {
  const result = parseSearch(text, { now: TEST_NOW });
  if (!result.ok || result.tree.kind !== 'term') throw new Error(`bad test term ${text}`);
  return result.tree;
}

const term: fc.Arbitrary<SearchTerm> = fc.oneof(
  fc
    .constantFrom('actor', 'type', 'field')
    .chain((field) => anyText.map((value): SearchTerm => ({ kind: 'term', field, value }))),
  fc
    .tuple(
      lowerText.filter((s) => !s.includes('*')),
      fc.boolean(),
    )
    .map(([text, prefix]): SearchTerm => {
      const value = prefix ? `${text}*` : text;
      return { kind: 'term', field: 'action', value, prefix };
    }),
  fc.tuple(fc.option(noSlash, { nil: null }), anyText).map(([targetType, id]): SearchTerm => {
    const targetId = targetType === null ? id.replaceAll('/', '.') : id;
    const value = targetType === null ? targetId : `${targetType}/${targetId}`;
    return { kind: 'term', field: 'target', value, targetType, targetId };
  }),
  fc
    .stringMatching(/^[a-z0-9][a-z0-9_-]{0,8}$/)
    .map((value): SearchTerm => ({ kind: 'term', field: 'source', value })),
  fc.constantFrom(...VALID_IPS, ...VALID_NETWORKS).map((v) => parsedTerm(`ip:${v}`)),
  fc.constantFrom('success', 'failure').map((v) => parsedTerm(`outcome:${v}`)),
  fc.constantFrom('true', 'false').map((v) => parsedTerm(`offhours:${v}`)),
  fc.constantFrom('mon', 'Sat', 'SUNDAY', 'wednesday').map((v) => parsedTerm(`weekday:${v}`)),
  fc.integer({ min: 0, max: 23 }).map((h) => parsedTerm(`hour:${h}`)),
  fc
    .tuple(fc.constantFrom('after', 'before'), fc.constantFrom(...MOMENTS))
    .map(([f, v]) => parsedTerm(`${f}:${v}`)),
);
const leaf: fc.Arbitrary<SearchNode> = fc.oneof(
  term,
  anyText.map((value): SearchNode => ({ kind: 'text', value })),
);

const countTerms = (node: SearchNode): number =>
  node.kind === 'and' || node.kind === 'or'
    ? node.children.reduce((n, c) => n + countTerms(c), 0)
    : node.kind === 'not'
      ? countTerms(node.child)
      : 1;

const tree: fc.Memo<SearchNode> = fc.memo((n) => {
  if (n <= 1) return leaf;
  const children = fc.array(tree(n - 1), { minLength: 2, maxLength: 4 });
  return fc.oneof(
    { depthSize: 'small' },
    leaf,
    // The parser flattens `(a b) c` to one `and`; generate trees in that normal form.
    children.map((cs): SearchNode => ({
      kind: 'and',
      children: cs.flatMap((c) => (c.kind === 'and' ? c.children : [c])),
    })),
    children.map((cs): SearchNode => ({
      kind: 'or',
      children: cs.flatMap((c) => (c.kind === 'or' ? c.children : [c])),
    })),
    tree(n - 1).map((child): SearchNode => ({ kind: 'not', child })),
  );
});

/** Random search trees in the parser's normal form, within the term limit. */
export const searchTree: fc.Arbitrary<SearchNode> = tree(5).filter(
  (t) => countTerms(t) <= MAX_TERMS,
);

/** Strings made of the language's pieces, mostly invalid: for "never throws" properties. */
export const searchJunk: fc.Arbitrary<string> = fc.oneof(
  fc.string({
    unit: fc.constantFrom(
      ...CHARS,
      'actor:',
      'action:',
      'ip:',
      'after:',
      'target:',
      'outcome:',
      'offhours:',
      'weekday:',
      'hour:',
      'source:',
      '__proto__:',
      'x',
      '1',
      '10.0.0.0/8',
      '7d',
      '\u0000',
      '\uD800',
    ),
    maxLength: 40,
  }),
  fc.string({ unit: 'binary', maxLength: 60 }),
);
