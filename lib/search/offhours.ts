import { WEEKEND_ISO_DAYS, WORKDAY_END_HOUR, WORKDAY_START_HOUR } from './grammar';

const formats = new Map<string, Intl.DateTimeFormat>();
function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: 'numeric',
      hourCycle: 'h23',
    });
    if (formats.size < 1000) formats.set(timeZone, format);
  }
  return format;
}
const ISO_DAY = new Map([
  ['Mon', 1],
  ['Tue', 2],
  ['Wed', 3],
  ['Thu', 4],
  ['Fri', 5],
  ['Sat', 6],
  ['Sun', 7],
]);

/**
 * The same rule as `offhours:true` (whochanged_local_time in SQL), in JavaScript: outside
 * 08:00-18:00 Monday to Friday in the given IANA zone, UTC when it is missing or unknown.
 */
export function isOffHours(at: Date, timeZone: string | null): boolean {
  let format: Intl.DateTimeFormat;
  try {
    format = formatFor(timeZone || 'UTC');
  } catch {
    format = formatFor('UTC');
  }
  const parts = format.formatToParts(at);
  const day = ISO_DAY.get(parts.find((p) => p.type === 'weekday')?.value ?? '') ?? 0;
  const hour = Number(parts.find((p) => p.type === 'hour')?.value);
  return (
    (WEEKEND_ISO_DAYS as readonly number[]).includes(day) ||
    hour < WORKDAY_START_HOUR ||
    hour >= WORKDAY_END_HOUR
  );
}
