import { formatCount } from '@/lib/format';

/** "3 min", "5.2 h", "2.4 d": a duration in seconds, compactly. */
export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  const minutes = seconds / 60;
  if (minutes < 90) return `${Math.round(minutes)} min`;
  const hours = minutes / 60;
  if (hours < 48) return `${hours < 10 ? hours.toFixed(1) : Math.round(hours)} h`;
  const days = hours / 24;
  return `${days < 10 ? days.toFixed(1) : Math.round(days)} d`;
}

/** "+12%", "−8%", "new" (nothing before), "no change": now against before. */
export function formatChange(now: number, before: number): string {
  if (before === 0) return now === 0 ? 'no change' : 'new';
  const pct = ((now - before) / before) * 100;
  if (Math.abs(pct) < 0.5) return 'no change';
  const rounded = Math.abs(pct) < 10 ? pct.toFixed(1) : Math.round(pct).toString();
  return `${pct > 0 ? '+' : '−'}${rounded.replace('-', '')}%`;
}

export const formatShare = (part: number, whole: number) =>
  whole === 0 ? '—' : `${Math.round((part / whole) * 100)}%`;

export { formatCount };

/** A stream's name as people read it: the source name, or "Dashboard". */
export const streamLabel = (name: string) =>
  name === 'dashboard' ? 'Dashboard' : name.replace(/^source:/, '');
/** The search term for a stream (`source:hris`, `source:dashboard`). */
export const streamTerm = (name: string) =>
  `source:${name === 'dashboard' ? 'dashboard' : name.replace(/^source:/, '')}`;
