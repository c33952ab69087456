import type { CSSProperties } from 'react';

/** Chart chrome from the theme's CSS variables, so light and dark modes both work. */
export const AXIS_TICK = { fill: 'var(--muted-foreground)', fontSize: 11 };

export const TOOLTIP_STYLE: CSSProperties = {
  background: 'var(--card)',
  border: '1px solid var(--border)',
  borderRadius: 6,
  color: 'var(--card-foreground)',
  fontSize: 12,
};
