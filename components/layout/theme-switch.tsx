'use client';

import { Monitor, Moon, Sun, type LucideIcon } from 'lucide-react';
import { useState } from 'react';
import { THEME_COOKIE, THEME_COOKIE_MAX_AGE, themeClass, type Theme } from '@/lib/theme';
import { cn } from '@/lib/utils';

const OPTIONS: { value: Theme; label: string; Icon: LucideIcon }[] = [
  { value: 'system', label: 'System', Icon: Monitor },
  { value: 'light', label: 'Light', Icon: Sun },
  { value: 'dark', label: 'Dark', Icon: Moon },
];

/** Remembers the choice for the server's next render and applies it to this page now. */
function applyTheme(theme: Theme) {
  const secure = window.location.protocol === 'https:' ? '; Secure' : '';
  document.cookie = `${THEME_COOKIE}=${theme}; Path=/; Max-Age=${THEME_COOKIE_MAX_AGE}; SameSite=Lax${secure}`;
  const root = document.documentElement;
  root.classList.remove('light', 'dark');
  const added = themeClass(theme);
  if (added) root.classList.add(added);
}

/**
 * System / light / dark as one radio group (arrow keys move between them). The root layout reads
 * the cookie to render <html> with the right class; here the class is switched at once, without
 * a refresh (a refresh would re-render the page and, on record and person timelines, record
 * another view).
 */
export function ThemeSwitch({ initial }: { initial: Theme }) {
  const [theme, setTheme] = useState(initial);
  const choose = (next: Theme) => {
    setTheme(next);
    applyTheme(next);
  };
  return (
    <fieldset className="flex items-center gap-0.5 rounded-md border border-input p-0.5">
      <legend className="sr-only">Theme</legend>
      {OPTIONS.map(({ value, label, Icon }) => (
        <label
          key={value}
          title={`${label} theme`}
          className={cn(
            'relative inline-flex size-7 cursor-pointer items-center justify-center rounded text-muted-foreground transition-colors hover:text-foreground',
            'has-[:checked]:bg-accent has-[:checked]:text-accent-foreground',
            'has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-ring',
          )}
        >
          <input
            type="radio"
            name="theme"
            value={value}
            checked={theme === value}
            onChange={() => choose(value)}
            className="sr-only"
          />
          <Icon aria-hidden="true" className="size-4" />
          <span className="sr-only">{label}</span>
        </label>
      ))}
    </fieldset>
  );
}
