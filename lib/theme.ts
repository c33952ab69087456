/**
 * The colour theme: "system" follows the operating system, "light" and "dark" override it. The
 * choice lives in a cookie so the server renders <html> with the right class: no flash of the
 * wrong theme and no inline script (the CSP allows none without the nonce).
 */
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

export const THEME_COOKIE = 'theme';
export const THEME_COOKIE_MAX_AGE = 60 * 60 * 24 * 365;

export function parseTheme(value: string | undefined): Theme {
  return THEMES.includes(value as Theme) ? (value as Theme) : 'system';
}

/** The class on <html>: none for "system", where the CSS media query decides. */
export function themeClass(theme: Theme): string | undefined {
  return theme === 'system' ? undefined : theme;
}
