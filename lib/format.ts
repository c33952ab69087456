const number = new Intl.NumberFormat('en-US');
export const formatCount = (n: number) => number.format(n);

/** Server-rendered timestamps are UTC and say so; the explorer will localise per viewer. */
export function formatUtc(date: Date): string {
  return date.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}
