import { describe, expect, it } from 'vitest';
import { safeCallbackUrl } from './callback-url';

describe('safeCallbackUrl: only same-site relative paths (open redirect)', () => {
  it.each([
    '/',
    '/events',
    '/events?actor=ada%40example.com&sort=-occurred_at',
    '/alerts/42#notes',
    '/a/b/../c',
    '/%2F%2Fevil.example',
    '/events?next=//evil.example',
  ])('keeps %j', (value) => {
    expect(safeCallbackUrl(value)).toBe(value);
  });

  it.each([
    '//evil.example',
    '//evil.example/path',
    '///evil.example',
    '/\\evil.example',
    '/\\/evil.example',
    '\\\\evil.example',
    'https://evil.example',
    'http://evil.example/',
    'HTTPS://evil.example',
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'evil.example',
    'events',
    ' /events',
    '',
  ])('refuses %j', (value) => {
    expect(safeCallbackUrl(value)).toBe('/');
  });

  // Browsers drop tab, CR and LF anywhere in a URL: "/\t/evil.example" would become "//evil.example".
  it.each([
    ['tab', '/\t/evil.example'],
    ['LF', '/\n/evil.example'],
    ['CR', '/\r/evil.example'],
    ['NUL', '/events\u0000'],
    ['ESC', '/events\x1b[31m'],
    ['unit separator', '/events\u001f'],
  ])('refuses a path with a control character (%s)', (_name, value) => {
    expect(safeCallbackUrl(value)).toBe('/');
  });

  it('refuses an over-long path and keeps one at the limit', () => {
    const atLimit = '/' + 'a'.repeat(1999);
    expect(safeCallbackUrl(atLimit)).toBe(atLimit);
    expect(safeCallbackUrl(atLimit + 'a')).toBe('/');
    expect(safeCallbackUrl('/' + 'a'.repeat(1024 * 1024))).toBe('/');
  });

  it.each([
    undefined,
    null,
    42,
    ['/events'],
    { toString: () => '/events' },
    new URL('https://evil.example'),
  ])('refuses the non-string %j', (value) => {
    expect(safeCallbackUrl(value)).toBe('/');
  });

  it('every accepted value resolves to the same origin', () => {
    const base = 'https://whochanged.example';
    const candidates = [
      '/events',
      '//evil.example',
      '/\\evil.example',
      '/\t/evil.example',
      '/.//evil.example',
      '/%2e%2e//evil.example',
      'https://evil.example',
    ];
    for (const candidate of candidates) {
      expect(new URL(safeCallbackUrl(candidate), base).origin).toBe(base);
    }
  });
});
