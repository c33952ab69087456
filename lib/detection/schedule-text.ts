/**
 * Personal working hours as an admin types them, one person per line:
 *
 *   u-0045, America/New_York, Mon-Fri, 08:00-16:00
 *   u-0007, Asia/Kolkata, Sun-Thu, 09:30-18:30
 *
 * (actor id, IANA zone, days as a range or a comma-free list like `Mon Wed Fri`, hours; hours
 * like 22:00-06:00 are an overnight shift starting on each of the days).
 * Parsing names the line and what is wrong; formatting gives back the same text.
 */
import type { Schedule } from './types';

export const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

function dayNumber(name: string): number | null {
  const i = DAY_NAMES.findIndex((d) => d.toLowerCase() === name.slice(0, 3).toLowerCase());
  return i < 0 || name.length < 3 ? null : i + 1;
}

/** `Mon-Fri`, `Sun-Thu` (wrapping), `Mon Wed Fri`. */
export function parseDays(text: string): number[] | null {
  const t = text.trim();
  const range = /^([A-Za-z]+)\s*-\s*([A-Za-z]+)$/.exec(t);
  if (range) {
    const a = dayNumber(range[1]!);
    const b = dayNumber(range[2]!);
    if (!a || !b) return null;
    const days: number[] = [];
    for (let d = a; ; d = (d % 7) + 1) {
      days.push(d);
      if (d === b) break;
    }
    return days.sort();
  }
  const list = t.split(/\s+/).map(dayNumber);
  if (list.length === 0 || list.some((d) => d === null)) return null;
  return [...new Set(list as number[])].sort();
}

export function formatDays(days: number[]): string {
  const sorted = [...new Set(days)].sort();
  const contiguous = sorted.every((d, i) => i === 0 || d === sorted[i - 1]! + 1);
  if (contiguous && sorted.length > 2)
    return `${DAY_NAMES[sorted[0]! - 1]}-${DAY_NAMES[sorted.at(-1)! - 1]}`;
  return sorted.map((d) => DAY_NAMES[d - 1]).join(' ');
}

function parseHour(text: string): number | null {
  const m = /^(\d{1,2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2] ?? 0);
  if (h > 24 || min > 59 || (h === 24 && min > 0)) return null;
  return h + min / 60;
}

export function formatHour(hour: number): string {
  const h = Math.floor(hour);
  const m = Math.round((hour - h) * 60);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

export function formatSchedules(schedules: Record<string, Schedule>): string {
  return Object.entries(schedules)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([actor, s]) =>
        `${actor}, ${s.timeZone}, ${formatDays(s.days)}, ${formatHour(s.startHour)}-${formatHour(s.endHour)}`,
    )
    .join('\n');
}

/** Parses the lines; zones are checked later with the rest of the settings. */
export function parseSchedules(
  text: string,
): { ok: true; schedules: Record<string, Schedule> } | { ok: false; error: string } {
  const schedules: Record<string, Schedule> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line || line.startsWith('#')) continue;
    const where = `Personal schedules, line ${i + 1}`;
    const parts = line.split(',').map((p) => p.trim());
    if (parts.length !== 4)
      return {
        ok: false,
        error: `${where}: expected "actor id, time zone, days, hours" (e.g. "u-0045, Europe/Berlin, Mon-Fri, 08:00-16:00")`,
      };
    const [actor, timeZone, daysText, hoursText] = parts as [string, string, string, string];
    if (!actor) return { ok: false, error: `${where}: the actor id is missing` };
    if (schedules[actor]) return { ok: false, error: `${where}: ${actor} is listed twice` };
    const days = parseDays(daysText);
    if (!days) return { ok: false, error: `${where}: "${daysText}" is not days like Mon-Fri` };
    const hours = /^(.+?)\s*-\s*(.+)$/.exec(hoursText);
    const startHour = hours ? parseHour(hours[1]!) : null;
    const endHour = hours ? parseHour(hours[2]!) : null;
    if (startHour === null || endHour === null || startHour === endHour)
      return { ok: false, error: `${where}: "${hoursText}" is not hours like 08:00-16:00` };
    schedules[actor] = { timeZone, days, startHour, endHour };
  }
  return { ok: true, schedules };
}
