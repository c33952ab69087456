import { isIP } from 'node:net';
import { PgDialect } from 'drizzle-orm/pg-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { searchJunk, searchTree, TEST_NOW, VALID_IPS, VALID_NETWORKS } from './arbitraries';
import {
  compileSearch,
  describeSearch,
  GRAMMAR,
  isOffHours,
  MAX_NESTING,
  MAX_QUERY_LENGTH,
  MAX_TERMS,
  parseSearch,
  SEARCH_FIELDS,
  type SearchError,
  type SearchNode,
} from './index';
import { ipVersion } from './ip';

const now = TEST_NOW;
const dialect = new PgDialect();

function tree(input: string): SearchNode {
  const result = parseSearch(input, { now });
  if (!result.ok)
    throw new Error(`expected ${JSON.stringify(input)} to parse: ${result.error.message}`);
  return result.tree;
}
function error(input: string): SearchError {
  const result = parseSearch(input, { now });
  if (result.ok) {
    throw new Error(
      `expected ${JSON.stringify(input)} to fail, got ${JSON.stringify(result.tree)}`,
    );
  }
  return result.error;
}
const text = (value: string): SearchNode => ({ kind: 'text', value });
const and = (...children: SearchNode[]): SearchNode => ({ kind: 'and', children });
const or = (...children: SearchNode[]): SearchNode => ({ kind: 'or', children });
const not = (child: SearchNode): SearchNode => ({ kind: 'not', child });
const actor = (value: string): SearchNode => ({ kind: 'term', field: 'actor', value });

/** The SQL text and parameters of a compiled search. */
const query = (input: string) => {
  const { sql, params } = dialect.sqlToQuery(compileSearch(tree(input)));
  return { sql, params };
};

// The only string literals compile.ts ever writes into the SQL text.
const FIXED_LITERALS = new Set([
  "'\\'",
  "'array'",
  "'[]'",
  "'field'",
  "'old'",
  "'new'",
  "'{}'",
  "'dashboard'",
  "'source:'",
  "'/'",
]);
/** Asserts that nothing typed reached the SQL text: only fixed literals, no statement breaks. */
function expectOnlyFixedSql(sqlText: string) {
  for (const literal of sqlText.match(/'[^']*'/g) ?? []) expect(FIXED_LITERALS).toContain(literal);
  expect(sqlText.replace(/'[^']*'/g, '')).not.toMatch(/['";]|\$\$|--/);
}

describe('empty search', () => {
  it.each(['', '   ', '\t\n', '\u2028'])('%j means everything and compiles to true', (input) => {
    expect(tree(input)).toEqual(and());
    expect(query(input).sql).toBe('true');
    expect(describeSearch(tree(input))).toBe('');
  });
});

describe('fields', () => {
  it('actor, type, field take the value as typed', () => {
    expect(tree('actor:u1')).toEqual(actor('u1'));
    expect(tree('actor:"Ravi Kumar"')).toEqual(actor('Ravi Kumar'));
    expect(tree('actor:Ravi@Example.com')).toEqual(actor('Ravi@Example.com'));
    expect(tree('type:Invoice')).toEqual({ kind: 'term', field: 'type', value: 'Invoice' });
    expect(tree('field:salary')).toEqual({ kind: 'term', field: 'field', value: 'salary' });
  });

  it('field names ignore case', () => {
    expect(tree('ACTOR:u1')).toEqual(actor('u1'));
    expect(tree('OutCome:FAILURE')).toEqual({ kind: 'term', field: 'outcome', value: 'failure' });
    expect(describeSearch(tree('Action:User.Login'))).toBe('action:user.login');
  });

  it('action: exact, or a prefix with a trailing *', () => {
    expect(tree('action:user.login_failed')).toEqual({
      kind: 'term',
      field: 'action',
      value: 'user.login_failed',
      prefix: false,
    });
    expect(tree('action:candidate.*')).toEqual({
      kind: 'term',
      field: 'action',
      value: 'candidate.*',
      prefix: true,
    });
    expect(query('action:candidate.*')).toEqual({
      sql: "action like $1::text escape '\\'",
      params: ['candidate.%'],
    });
    expect(query('action:user.login_failed')).toEqual({
      sql: 'action = $1::text',
      params: ['user.login_failed'],
    });
    // % _ \ in the prefix are literal.
    expect(query('action:a_b%c\\d.*').params).toEqual(['a\\_b\\%c\\\\d.%']);
  });

  it('action: * anywhere but the end, or alone, is an error', () => {
    expect(error('action:cand*idate')).toMatchObject({ position: 11 });
    expect(error('action:cand*idate').message).toBe(
      'Unexpected "*" at 11: use * only at the end, as in action:candidate.*',
    );
    expect(error('action:**').position).toBe(7);
    expect(error('action:*').message).toMatch(/^Expected the start of an action before "\*" at 7/);
    expect(error('action:"a *b"').position).toBe(10);
  });

  it('target: type/id or id alone', () => {
    expect(tree('target:invoice/INV-42')).toEqual({
      kind: 'term',
      field: 'target',
      value: 'invoice/INV-42',
      targetType: 'invoice',
      targetId: 'INV-42',
    });
    expect(tree('target:INV-42')).toMatchObject({ targetType: null, targetId: 'INV-42' });
    expect(tree('target:file/a/b')).toMatchObject({ targetType: 'file', targetId: 'a/b' });
    expect(tree('target:"my type/an id"')).toMatchObject({
      targetType: 'my type',
      targetId: 'an id',
    });
    expect(query('target:invoice/INV-42')).toEqual({
      sql: '(target_type = $1::text and target_id = $2::text)',
      params: ['invoice', 'INV-42'],
    });
    expect(query('target:INV-42')).toEqual({ sql: 'target_id = $1::text', params: ['INV-42'] });
    expect(error('target:/x')).toMatchObject({ position: 7, expected: 'a target type' });
    expect(error('target:x/')).toMatchObject({ position: 9, expected: 'a target id' });
  });

  it('source: a source name (lower-cased) or dashboard', () => {
    expect(tree('source:AWS')).toEqual({ kind: 'term', field: 'source', value: 'aws' });
    expect(query('source:aws')).toEqual({
      sql: "stream_id = (select id from audit_streams where name = 'source:' || $1::text)",
      params: ['aws'],
    });
    expect(query('source:dashboard')).toEqual({
      sql: "stream_id = (select id from audit_streams where name = 'dashboard')",
      params: [],
    });
    expect(error('source:a.b').message).toBe(
      'Invalid source name "a.b" at 7: source names are letters, digits, - and _ (at most 63)',
    );
    expect(error(`source:${'a'.repeat(64)}`).position).toBe(7);
  });

  it('ip: an address', () => {
    for (const ip of VALID_IPS) {
      expect(tree(`ip:${ip}`)).toEqual({ kind: 'term', field: 'ip', value: ip, network: false });
    }
    expect(tree('ip:2001:DB8::7')).toMatchObject({ value: '2001:db8::7' });
    expect(query('ip:10.1.2.3')).toEqual({
      sql: "(actor_ip = $1::text or exists (select 1 from (select whochanged_inet(actor_ip) as parsed_ip) as a where a.parsed_ip = $2::inet and case family(a.parsed_ip) when 4 then host(a.parsed_ip) = actor_ip else strpos(actor_ip, '/') = 0 end))",
      params: ['10.1.2.3', '10.1.2.3'],
    });
  });

  it('ip: a network (CIDR), strictly', () => {
    for (const network of VALID_NETWORKS) {
      expect(tree(`ip:${network}`)).toEqual({
        kind: 'term',
        field: 'ip',
        value: network,
        network: true,
      });
    }
    expect(query('ip:10.0.0.0/8')).toEqual({
      sql: "exists (select 1 from (select whochanged_inet(actor_ip) as parsed_ip) as a where a.parsed_ip <<= $1::cidr and case family(a.parsed_ip) when 4 then host(a.parsed_ip) = actor_ip else strpos(actor_ip, '/') = 0 end)",
      params: ['10.0.0.0/8'],
    });
    expect(error('ip:10.0.0.1/8')).toEqual({
      message:
        'Invalid network "10.0.0.1/8" at 3: the address bits after /8 must be zero (did you mean 10.0.0.0/8?)',
      position: 3,
      expected: '10.0.0.0/8',
    });
    expect(error('ip:2001:db8::1/32').expected).toBe('2001:db8::/32');
    expect(error('ip:10.0.0.0/33')).toMatchObject({
      message: 'Invalid network prefix "/33" at 12: for IPv4 it is a number from 0 to 32',
      position: 12,
    });
    for (const bad of [
      '10.0.0.0/',
      '10.0.0.0/08',
      '10.0.0.0/-1',
      '10.0.0.0/8/8',
      '::/129',
      '::/1e2',
    ]) {
      expect(error(`ip:${bad}`).message).toMatch(/^Invalid network prefix/);
    }
  });

  it('ip: anything else is an error', () => {
    for (const bad of [
      '225.01.00.16',
      '256.1.1.1',
      '1.2.3',
      '1.2.3.4.5',
      'localhost',
      '1::2::3',
      '12345::',
      '10.0.0.0/8x',
      'x/8',
      '1.2.3.4 ',
    ]) {
      const e = error(`ip:"${bad}"`);
      expect(e.message, bad).toMatch(/^Invalid (IP address|network prefix)/);
    }
    expect(error('ip:fe80::1%eth0')).toMatchObject({ position: 10 });
    expect(error('ip:225.01.00.16').message).toBe(
      'Invalid IP address "225.01.00.16" at 3: expected an address like 203.0.113.7 or a network like 10.0.0.0/8',
    );
  });

  it('outcome: success or failure only', () => {
    expect(tree('outcome:success')).toEqual({ kind: 'term', field: 'outcome', value: 'success' });
    expect(query('outcome:failure')).toEqual({ sql: 'outcome = $1::text', params: ['failure'] });
    expect(error('outcome:ok')).toEqual({
      message: 'Unknown outcome "ok" at 8: use success or failure',
      position: 8,
      expected: 'success or failure',
    });
  });

  it('offhours: true or false, in the actor time zone', () => {
    expect(tree('offhours:true')).toEqual({ kind: 'term', field: 'offhours', value: 'true' });
    expect(tree('offhours:FALSE')).toEqual({ kind: 'term', field: 'offhours', value: 'false' });
    const on = query('offhours:true');
    expect(on.sql).toBe(
      '(extract(isodow from whochanged_local_time(occurred_at, actor_time_zone)) in ($1::int, $2::int) or extract(hour from whochanged_local_time(occurred_at, actor_time_zone)) not between $3::int and $4::int)',
    );
    expect(on.params).toEqual([6, 7, 8, 17]);
    expect(query('offhours:false').sql).toBe(`not ${on.sql}`);
    expect(error('offhours:yes')).toMatchObject({ position: 9, expected: 'true or false' });
  });

  it('weekday: a day of the week, canonical as its three-letter name', () => {
    expect(tree('weekday:sat')).toEqual({
      kind: 'term',
      field: 'weekday',
      value: 'sat',
      isoDay: 6,
    });
    expect(tree('weekday:SATURDAY')).toEqual(tree('weekday:sat'));
    expect(tree('Weekday:Mon')).toMatchObject({ value: 'mon', isoDay: 1 });
    expect(tree('weekday:sunday')).toMatchObject({ value: 'sun', isoDay: 7 });
    expect(describeSearch(tree('weekday:Wednesday'))).toBe('weekday:wed');
    expect(query('weekday:sat')).toEqual({
      sql: 'extract(isodow from whochanged_local_time(occurred_at, actor_time_zone)) = $1::int',
      params: [6],
    });
    expect(query('-weekday:sun').sql).toBe(
      'not (extract(isodow from whochanged_local_time(occurred_at, actor_time_zone)) = $1::int)',
    );
    expect(error('weekday:sa')).toEqual({
      message: 'Unknown weekday "sa" at 8: use mon, tue, wed, thu, fri, sat, sun',
      position: 8,
      expected: 'a weekday like mon or sat',
    });
    expect(error('weekday:6')).toMatchObject({ position: 8 });
    expect(error('weekday:')).toMatchObject({ position: 8, expected: 'a value' });
  });

  it('hour: a whole hour of the day from 0 to 23, without leading zeros when described', () => {
    expect(tree('hour:2')).toEqual({ kind: 'term', field: 'hour', value: '2', hour: 2 });
    expect(tree('hour:02')).toEqual(tree('hour:2'));
    expect(tree('hour:0')).toMatchObject({ hour: 0 });
    expect(tree('hour:23')).toMatchObject({ hour: 23 });
    expect(describeSearch(tree('hour:09'))).toBe('hour:9');
    expect(query('hour:2')).toEqual({
      sql: 'extract(hour from whochanged_local_time(occurred_at, actor_time_zone)) = $1::int',
      params: [2],
    });
    for (const bad of ['24', '-1', '2.5', '002', 'two', '1e1', ' 2']) {
      const input = `hour:${bad.trim() === bad ? bad : `"${bad}"`}`;
      expect(error(input), input).toMatchObject({ position: 5, expected: 'an hour from 0 to 23' });
    }
    expect(error('hour:24').message).toBe(
      'Invalid hour "24" at 5: use a whole hour from 0 to 23, as in hour:2',
    );
  });

  it('weekday:, hour:, after: and before: together make one cell of the heatmap', () => {
    const cell = tree('weekday:sat hour:2 after:2026-02-01 before:2026-03-01');
    expect(describeSearch(cell)).toBe('weekday:sat hour:2 after:2026-02-01 before:2026-03-01');
    expect(query('weekday:sat hour:2 after:2026-02-01 before:2026-03-01').params).toEqual([
      6,
      2,
      '2026-02-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
    ]);
  });

  it('isOffHours (JavaScript) follows the same rule', () => {
    // Saturday 02:00 in Berlin; Tuesday 10:00 in Kolkata (04:30 UTC).
    expect(isOffHours(new Date('2026-02-28T01:00:00Z'), 'Europe/Berlin')).toBe(true);
    expect(isOffHours(new Date('2026-02-24T04:30:00Z'), 'Asia/Kolkata')).toBe(false);
    expect(isOffHours(new Date('2026-02-24T04:30:00Z'), null)).toBe(true);
    expect(isOffHours(new Date('2026-02-23T17:59:59Z'), 'UTC')).toBe(false);
    expect(isOffHours(new Date('2026-02-23T18:00:00Z'), 'UTC')).toBe(true);
    expect(isOffHours(new Date('2026-02-23T07:59:59Z'), 'Not/AZone')).toBe(true);
    expect(isOffHours(new Date('2026-02-23T08:00:00Z'), '')).toBe(false);
  });
});

describe('after: and before:', () => {
  it('a date is UTC midnight; a full RFC 3339 time keeps its offset', () => {
    expect(tree('after:2026-03-14')).toEqual({
      kind: 'term',
      field: 'after',
      value: '2026-03-14',
      at: new Date('2026-03-14T00:00:00Z'),
    });
    expect(tree('before:2026-03-14T10:00:00+05:30')).toMatchObject({
      field: 'before',
      at: new Date('2026-03-14T04:30:00Z'),
    });
    expect(tree('after:2026-03-14t10:00:00.123456z')).toMatchObject({
      value: '2026-03-14T10:00:00.123456Z',
      at: new Date('2026-03-14T10:00:00.123Z'),
    });
    expect(tree('after:2026-03-14T10:00:00-01:00')).toMatchObject({
      at: new Date('2026-03-14T11:00:00Z'),
    });
    expect(query('after:2026-03-14')).toEqual({
      sql: 'occurred_at >= $1::timestamptz',
      params: ['2026-03-14T00:00:00.000Z'],
    });
    expect(query('before:2026-03-14').sql).toBe('occurred_at < $1::timestamptz');
  });

  it('a relative time is now minus that, resolved at parse time and described as typed', () => {
    const cases: [string, number][] = [
      ['30m', 30 * 60_000],
      ['24h', 24 * 3_600_000],
      ['7d', 7 * 86_400_000],
      ['4W', 28 * 86_400_000],
      ['0d', 0],
    ];
    for (const [value, ms] of cases) {
      const node = tree(`after:${value}`);
      expect(node).toEqual({
        kind: 'term',
        field: 'after',
        value: value.toLowerCase(),
        at: new Date(now.getTime() - ms),
      });
      expect(describeSearch(node)).toBe(`after:${value.toLowerCase()}`);
    }
    const other = parseSearch('before:7d', { now: new Date('2026-01-08T00:00:00Z') });
    expect(other.ok && other.tree).toMatchObject({ at: new Date('2026-01-01T00:00:00Z') });
  });

  it('impossible or out-of-range dates are errors with a clear message', () => {
    expect(error('after:2026-02-30')).toEqual({
      message: 'Invalid date "2026-02-30" at 6: there is no such day',
      position: 6,
      expected: 'a date like 2026-03-01, a time like 2026-03-01T09:00:00+01:00, or 7d',
    });
    expect(error('after:2026-02-29').message).toMatch(/no such day/);
    expect(tree('after:2028-02-29')).toMatchObject({ at: new Date('2028-02-29T00:00:00Z') });
    expect(error('before:1999-12-31').message).toBe(
      'Invalid date "1999-12-31" at 7: dates must be between the years 2000 and 2100',
    );
    expect(error('before:9999-12-31T23:59:60Z').message).toMatch(/between the years 2000 and 2100/);
    expect(error('before:2026-12-31T23:59:60Z').message).toMatch(/no such time of day/);
    expect(error('before:2026-12-31T24:00:00Z').message).toMatch(/no such time of day/);
    expect(error('before:2026-12-31T10:00:00+24:00').message).toMatch(/offset/);
    expect(error('after:2026-01-01T00:00:00').message).toMatch(
      /needs seconds and a time zone offset/,
    );
    expect(error('after:2026-01-01T00:00Z').message).toMatch(/^Invalid date/);
    expect(error('after:1700000000000').message).toMatch(/^Invalid date "1700000000000" at 6/);
    expect(error('after:13-01-2026').message).toMatch(/^Invalid date/);
    expect(error('after:7y').message).toMatch(/^Invalid date/);
    expect(error('after:-7d').message).toMatch(/^Invalid date/);
    expect(error('after:999999w').message).toMatch(/between the years 2000 and 2100/);
    expect(error('after:1234567d').message).toMatch(/^Invalid date/);
    expect(parseSearch('after:7d', { now: new Date(Number.NaN) })).toMatchObject({ ok: false });
  });
});

describe('unknown fields', () => {
  const known = `Known fields: ${SEARCH_FIELDS.join(', ')}`;
  it.each([
    ['passwd:x', 'passwd'],
    ['__proto__:1', '__proto__'],
    ['constructor:1', 'constructor'],
    ['toString:x', 'toString'],
    ['hasOwnProperty:x', 'hasOwnProperty'],
    ['sort:created_at;DROP TABLE x', 'sort'],
    ['limit:-1', 'limit'],
    ['limit:1e9', 'limit'],
    ['http://example.com', 'http'],
  ])('%j is an error naming %j and listing the known fields', (input, name) => {
    const e = error(input);
    expect(e.position).toBe(0);
    expect(e.message).toContain(`Unknown field "${name}" at 0. ${known}`);
  });

  it('the position is the field name of the later term', () => {
    expect(error('actor:x   passwd:y').position).toBe(10);
    expect(error('a (b OR -passwd:y)').position).toBe(9);
  });

  it('a colon after a leading digit is free text, and quoting makes anything free text', () => {
    expect(tree('10:30')).toEqual(text('10:30'));
    expect(tree('2001:db8::1')).toEqual(text('2001:db8::1'));
    expect(tree('"passwd:x"')).toEqual(text('passwd:x'));
    expect(describeSearch(text('passwd:x'))).toBe('"passwd:x"');
  });

  it('lists the fields in SEARCH_FIELDS and documents each of them in GRAMMAR', () => {
    expect(SEARCH_FIELDS).toEqual([
      'actor',
      'action',
      'target',
      'type',
      'field',
      'source',
      'ip',
      'outcome',
      'after',
      'before',
      'offhours',
      'weekday',
      'hour',
    ]);
    for (const field of SEARCH_FIELDS) expect(GRAMMAR).toContain(`${field}:`);
    for (const word of ['OR', 'AND', 'NOT', '2,000', '64', '32', '\\"', '\\\\', '08:00']) {
      expect(GRAMMAR).toContain(word);
    }
  });
});

describe('combining', () => {
  it('whitespace is AND, optional AND keyword', () => {
    expect(tree('a b c')).toEqual(and(text('a'), text('b'), text('c')));
    expect(tree('a AND b')).toEqual(and(text('a'), text('b')));
  });

  it('AND binds tighter than OR', () => {
    expect(tree('a b OR c')).toEqual(or(and(text('a'), text('b')), text('c')));
    expect(tree('a OR b c')).toEqual(or(text('a'), and(text('b'), text('c'))));
    expect(tree('a OR b AND c OR d')).toEqual(or(text('a'), and(text('b'), text('c')), text('d')));
  });

  it('parentheses group, and nested groups of the same kind are flattened', () => {
    expect(tree('(a OR b) c')).toEqual(and(or(text('a'), text('b')), text('c')));
    expect(tree('(a b) c')).toEqual(and(text('a'), text('b'), text('c')));
    expect(tree('((a))')).toEqual(text('a'));
    expect(tree('(a OR b) OR c')).toEqual(or(text('a'), text('b'), text('c')));
    expect(tree('(a)(b)')).toEqual(and(text('a'), text('b')));
    expect(tree('(action:user.login_failed OR action:user.locked) -outcome:success')).toEqual(
      and(
        or(
          { kind: 'term', field: 'action', value: 'user.login_failed', prefix: false },
          { kind: 'term', field: 'action', value: 'user.locked', prefix: false },
        ),
        not({ kind: 'term', field: 'outcome', value: 'success' }),
      ),
    );
  });

  it('- and NOT negate a term, a phrase or a group', () => {
    expect(tree('-a')).toEqual(not(text('a')));
    expect(tree('NOT a')).toEqual(not(text('a')));
    expect(tree('-actor:x')).toEqual(not(actor('x')));
    expect(tree('-"a b"')).toEqual(not(text('a b')));
    expect(tree('-(a OR b)')).toEqual(not(or(text('a'), text('b'))));
    expect(tree('-(-a)')).toEqual(not(not(text('a'))));
    expect(tree('a OR -b')).toEqual(or(text('a'), not(text('b'))));
    expect(tree('a AND NOT b')).toEqual(and(text('a'), not(text('b'))));
    expect(tree('INV-42 a-b')).toEqual(and(text('INV-42'), text('a-b')));
    expect(tree('actor:-x')).toEqual(actor('-x'));
  });

  it('a negated nullable condition is made two-valued; a non-null one keeps its index form', () => {
    expect(query('-actor:x').sql).toBe(
      'not coalesce((actor_id = $1::text or lower(actor_email) = lower($2::text) or lower(actor_name) = lower($3::text)), false)',
    );
    expect(query('-action:x.y').sql).toBe('not (action = $1::text)');
    expect(query('-(action:x.y OR type:z)').sql).toBe(
      'not coalesce((action = $1::text or target_type = $2::text), false)',
    );
  });

  it('keywords only count in capitals', () => {
    expect(tree('a or b')).toEqual(and(text('a'), text('or'), text('b')));
    expect(tree('and not Or')).toEqual(and(text('and'), text('not'), text('Or')));
    expect(tree('"OR"')).toEqual(text('OR'));
    expect(describeSearch(text('OR'))).toBe('"OR"');
    expect(describeSearch(text('or'))).toBe('or');
  });

  it('misplaced operators are errors at the right place', () => {
    expect(error('a AND')).toEqual({
      message: 'Expected a term after AND at 5',
      position: 5,
      expected: 'a term, a "phrase" or a (group)',
    });
    expect(error('a OR')).toMatchObject({ message: 'Expected a term after OR at 4', position: 4 });
    expect(error('OR a')).toMatchObject({ message: 'Expected a term before OR at 0', position: 0 });
    expect(error('AND')).toMatchObject({ position: 0 });
    expect(error('a OR OR b')).toMatchObject({ position: 5 });
    expect(error('a AND OR b')).toMatchObject({ position: 6 });
    expect(error('(a OR) b')).toMatchObject({ position: 5 });
    expect(error('NOT')).toMatchObject({ message: 'Expected a term after NOT at 3', position: 3 });
    expect(error('NOT NOT a')).toMatchObject({ position: 4 });
    expect(error('NOT -a')).toMatchObject({ position: 4 });
    expect(error('-NOT a')).toMatchObject({ position: 1 });
    expect(error('--a')).toMatchObject({ position: 1 });
    expect(error('- a')).toMatchObject({
      message: 'Expected a term or group right after "-" at 1',
      position: 1,
    });
    expect(error('a -')).toMatchObject({ position: 3 });
    expect(error('(-)')).toMatchObject({ position: 2 });
  });

  it('unbalanced and empty parentheses', () => {
    expect(error('(a')).toEqual({
      message: 'Unbalanced parenthesis at 0: "(" is never closed',
      position: 0,
      expected: '")"',
    });
    expect(error('((((a')).toMatchObject({ position: 3 });
    expect(error('(a OR (b c)')).toMatchObject({ position: 0 });
    expect(error('a)')).toEqual({
      message: 'Unbalanced parenthesis at 1: ")" has no matching "("',
      position: 1,
    });
    expect(error(')')).toMatchObject({ position: 0 });
    expect(error('(a))')).toMatchObject({ position: 3 });
    expect(error('()')).toMatchObject({
      message: 'Empty parentheses at 0: put a term between them',
    });
    expect(error('a (  ) b')).toMatchObject({ position: 2 });
  });
});

describe('quoting and escapes', () => {
  it('phrases and bare words', () => {
    expect(tree('"status changed"')).toEqual(text('status changed'));
    expect(tree('"a\\"b"')).toEqual(text('a"b'));
    expect(tree('"a\\\\b"')).toEqual(text('a\\b'));
    expect(tree('"C:\\temp\\new"')).toEqual(text('C:\\temp\\new'));
    expect(tree('a\\b')).toEqual(text('a\\b'));
    expect(tree('" "')).toEqual(text(' '));
    expect(tree('"(a OR b)"')).toEqual(text('(a OR b)'));
    expect(tree('actor:"x\\" OR 1=1 --"')).toEqual(actor('x" OR 1=1 --'));
    expect(tree('"a"(b)')).toEqual(and(text('a'), text('b')));
  });

  it('quote errors', () => {
    expect(error('"abc')).toEqual({
      message: 'Unclosed quote at 0: add a closing "',
      position: 0,
      expected: '"',
    });
    expect(error('a "b\\"')).toMatchObject({ position: 2 });
    expect(error('""')).toMatchObject({
      message: 'Empty quotes at 0: put a word or phrase between them',
      position: 0,
    });
    expect(error('"a"b')).toMatchObject({
      message: 'Expected a space after the closing quote at 3',
      position: 3,
    });
    expect(error('foo"bar"')).toMatchObject({ position: 3 });
    expect(error('actor:x"y"')).toMatchObject({ position: 7 });
  });

  it('a field without a value is an error at the value', () => {
    expect(error('actor:')).toEqual({
      message: 'Expected a value after "actor:" at 6',
      position: 6,
      expected: 'a value',
    });
    expect(error('actor: x')).toMatchObject({ position: 6 });
    expect(error('actor:""')).toMatchObject({ position: 6 });
    expect(error('actor:(a OR b)').message).toBe(
      'Expected a value after "actor:" at 6 (to match several values, write actor:a OR actor:b)',
    );
    expect(error('x (actor:)')).toMatchObject({ position: 9 });
  });

  it('% _ \\ are literal in free text', () => {
    for (const [input, pattern] of [
      ['%', '%\\%%'],
      ['_', '%\\_%'],
      ['\\', '%\\\\%'],
      ['100%_\\x', '%100\\%\\_\\\\x%'],
      ['"50% off"', '%50\\% off%'],
      ['*', '%*%'],
    ]) {
      const { sql, params } = query(input!);
      expect(sql).toContain("actor_name ilike $1::text escape '\\'");
      expect(params).toHaveLength(9);
      expect(new Set(params)).toEqual(new Set([pattern]));
    }
  });

  it('describeSearch quotes only what needs it, and escapes quotes and backslashes', () => {
    const cases: [string, string][] = [
      ['ACTOR:Bob   action:User.Login', 'actor:Bob action:user.login'],
      ['actor:"Ravi Kumar"', 'actor:"Ravi Kumar"'],
      ['actor:"Bob"', 'actor:Bob'],
      ['"single"', 'single'],
      ['"-1+1"', '"-1+1"'],
      ['"a\\"b"', '"a\\"b"'],
      ['"a\\b"', 'a\\b'],
      ['"a b\\\\"', '"a b\\\\"'],
      ['a b OR c', 'a b OR c'],
      ['(a OR b) c', '(a OR b) c'],
      ['-(a b)', '-(a b)'],
      ['NOT (a OR b)', '-(a OR b)'],
      ['a AND b', 'a b'],
      ['after:7D', 'after:7d'],
      ['source:AWS', 'source:aws'],
      ['target:"x y/z"', 'target:"x y/z"'],
      ['"x\u2028y"', '"x\u2028y"'],
    ];
    for (const [input, described] of cases) expect(describeSearch(tree(input))).toBe(described);
  });
});

describe('limits', () => {
  it('length: 2,000 characters', () => {
    expect(parseSearch('a'.repeat(MAX_QUERY_LENGTH)).ok).toBe(true);
    expect(error('a'.repeat(MAX_QUERY_LENGTH + 1))).toEqual({
      message: 'The search is too long at 2000: at most 2,000 characters (this one has 2,001)',
      position: 2000,
    });
  });

  it('10,000 nested parentheses give an error quickly, never a stack overflow', () => {
    for (const input of ['('.repeat(10_000), `${'('.repeat(10_000)}a${')'.repeat(10_000)}`]) {
      const started = performance.now();
      const result = parseSearch(input);
      expect(result.ok).toBe(false);
      expect(performance.now() - started).toBeLessThan(50);
    }
  });

  it(`nesting: ${MAX_NESTING} levels`, () => {
    const nested = (n: number) => `${'('.repeat(n)}a${')'.repeat(n)}`;
    expect(tree(nested(MAX_NESTING))).toEqual(text('a'));
    expect(error(nested(MAX_NESTING + 1))).toEqual({
      message: 'Too many nested parentheses at 32: at most 32 levels',
      position: 32,
    });
    expect(error('-('.repeat(MAX_NESTING + 1) + 'a' + ')'.repeat(MAX_NESTING + 1)).position).toBe(
      2 * MAX_NESTING + 1,
    );
    const started = performance.now();
    expect(parseSearch('('.repeat(1999)).ok).toBe(false);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it(`terms: ${MAX_TERMS}`, () => {
    const terms = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');
    expect(tree(terms(MAX_TERMS))).toMatchObject({ kind: 'and' });
    const input = terms(MAX_TERMS + 1);
    expect(error(input)).toEqual({
      message: `Too many terms at ${input.lastIndexOf(' ') + 1}: a search can have at most 64`,
      position: input.lastIndexOf(' ') + 1,
    });
    expect(error(Array(65).fill('actor:x').join(' OR ')).message).toMatch(/^Too many terms/);
    // Keywords and parentheses are not terms.
    expect(parseSearch(`(${terms(MAX_TERMS).replaceAll(' ', ' OR ')})`).ok).toBe(true);
  });

  it('NUL and lone surrogates cannot be searched for', () => {
    expect(error('a\u0000b')).toMatchObject({ position: 1 });
    expect(error('actor:"\uD800"')).toMatchObject({ position: 7 });
    expect(error('x \uDC00')).toMatchObject({ position: 2 });
    expect(tree('😀')).toEqual(text('😀'));
  });
});

describe('hostile input (security.md)', () => {
  const SQL_STRINGS = [
    "' OR '1'='1",
    "'; DROP TABLE audit_events;--",
    '1; SELECT pg_sleep(5)--',
    "' UNION SELECT null,usename,passwd FROM pg_shadow--",
    '$$; DROP TABLE x; $$',
    'actor:"x\\" OR 1=1 --"',
    'sort:created_at;DROP TABLE x',
    'limit:-1',
    'limit:1e9',
  ];
  const GRAMMAR_STRINGS = [
    '',
    '""',
    '((((a',
    '('.repeat(10_000),
    'a AND',
    'passwd:x',
    '__proto__:1',
    'constructor:1',
    '%',
    '_',
    '\\',
    '%_\\',
  ];

  it.each([...SQL_STRINGS, ...GRAMMAR_STRINGS])(
    '%j gives a parse error or a tree whose SQL text holds none of it',
    (input) => {
      const result = parseSearch(input, { now });
      if (result.ok) {
        const compiled = dialect.sqlToQuery(compileSearch(result.tree));
        expectOnlyFixedSql(compiled.sql);
      } else {
        expect(result.error.position).toBeGreaterThanOrEqual(0);
        expect(result.error.position).toBeLessThanOrEqual(input.length);
      }
    },
  );

  it('gives the expected outcome for each', () => {
    expect(tree("' OR '1'='1")).toEqual(or(text("'"), text("'1'='1")));
    expect(tree("'; DROP TABLE audit_events;--")).toEqual(
      and(text("';"), text('DROP'), text('TABLE'), text('audit_events;--')),
    );
    expect(error('1; SELECT pg_sleep(5)--').position).toBe(22);
    expect(tree("' UNION SELECT null,usename,passwd FROM pg_shadow--")).toMatchObject({
      kind: 'and',
    });
    expect(tree('$$; DROP TABLE x; $$')).toMatchObject({ kind: 'and' });
    expect(query('actor:"x\\" OR 1=1 --"').params).toEqual([
      'x" OR 1=1 --',
      'x" OR 1=1 --',
      'x" OR 1=1 --',
    ]);
    expect(error('sort:created_at;DROP TABLE x').message).toMatch(/^Unknown field "sort"/);
    expect(error('limit:-1').message).toMatch(/^Unknown field "limit"/);
    expect(error('limit:1e9').message).toMatch(/^Unknown field "limit"/);
    expect(tree('')).toEqual(and());
    expect(error('""').message).toMatch(/^Empty quotes/);
    expect(error('((((a').message).toMatch(/^Unbalanced parenthesis/);
    expect(error('('.repeat(10_000)).message).toMatch(/^The search is too long/);
    expect(error('a AND').message).toBe('Expected a term after AND at 5');
    expect(tree('%')).toEqual(text('%'));
  });

  it('non-string input from JavaScript callers is an error, not a throw', () => {
    expect(parseSearch(undefined as unknown as string).ok).toBe(false);
    expect(parseSearch({ toString: () => 'x' } as unknown as string).ok).toBe(false);
  });
});

describe('properties', () => {
  it('every generated tree prints to text that parses back to the same tree', () => {
    fc.assert(
      fc.property(searchTree, (t) => {
        const text = describeSearch(t);
        const result = parseSearch(text, { now });
        if (!result.ok) throw new Error(`${JSON.stringify(text)}: ${result.error.message}`);
        expect(result.tree).toEqual(t);
        expectOnlyFixedSql(dialect.sqlToQuery(compileSearch(t)).sql);
      }),
      { numRuns: 1000 },
    );
  });

  it('junk never throws; what parses is stable through describe and compiles to fixed SQL', () => {
    fc.assert(
      fc.property(searchJunk, (input) => {
        const result = parseSearch(input, { now });
        if (!result.ok) {
          expect(result.error.message).toMatch(/\S/);
          expect(result.error.position).toBeGreaterThanOrEqual(0);
          expect(result.error.position).toBeLessThanOrEqual(input.length);
          return;
        }
        const again = parseSearch(describeSearch(result.tree), { now });
        expect(again).toEqual(result);
        expectOnlyFixedSql(dialect.sqlToQuery(compileSearch(result.tree)).sql);
      }),
      { numRuns: 3000 },
    );
  });

  it('IP addresses are what node:net isIP accepts (zone indexes aside)', () => {
    const addressLike = fc.string({
      unit: fc.constantFrom(
        '0',
        '1',
        '9',
        '25',
        '255',
        '256',
        '01',
        'a',
        'F',
        'g',
        'ffff',
        '12345',
        ':',
        '::',
        '.',
        '1.2.3.4',
      ),
      maxLength: 14,
    });
    fc.assert(
      fc.property(addressLike, (s) => {
        expect(ipVersion(s)).toBe(isIP(s));
      }),
      { numRuns: 5000 },
    );
    for (const s of [
      ...VALID_IPS,
      '1:2:3:4:5:6:7:1.2.3.4',
      '1.2.3.4::',
      ':1::',
      '1:',
      '::1:2:3:4:5:6:7',
    ]) {
      expect(ipVersion(s), s).toBe(isIP(s));
    }
  });
});
