import { describe, expect, it } from 'vitest';
import { parseTheme, themeClass } from './theme';

describe('theme cookie', () => {
  it('keeps a known theme', () => {
    expect(parseTheme('light')).toBe('light');
    expect(parseTheme('dark')).toBe('dark');
    expect(parseTheme('system')).toBe('system');
  });

  it('falls back to the system theme for a missing or unknown value', () => {
    for (const value of [undefined, '', 'Dark', 'dark ', '<script>', '__proto__', 'constructor'])
      expect(parseTheme(value)).toBe('system');
  });

  it('puts a class on <html> only for an explicit choice', () => {
    expect(themeClass('light')).toBe('light');
    expect(themeClass('dark')).toBe('dark');
    expect(themeClass('system')).toBeUndefined();
  });
});
