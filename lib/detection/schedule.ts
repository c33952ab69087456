/**
 * Local wall-clock time for the detectors: the UTC offset of an IANA zone at an instant, the local
 * date, ISO weekday and minute of the day, and whether an instant falls inside a working schedule.
 *
 * Offsets come from Intl (so DST and historical rules are right) but Intl is slow, so each zone
 * keeps one cached formatter and a cache of UTC days: for a day the offsets at its two ends are
 * looked up once, and when they differ the transition inside it is found by bisection (to the
 * second). After that, a lookup is a Map read and a comparison. This assumes a zone changes
 * offset at most once per UTC day, which holds for every zone in the tz database since 1970.
 * A zone Intl does not know is treated as UTC (settings and events are validated before they
 * get here, so that is a last resort, not a silent default).
 */
import { civilFromDays, DAY, HOUR, MINUTE } from '@/lib/calendar';
import type { Schedule } from './types';

export { civilFromDays, DAY, HOUR, MINUTE };

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

const dateStrings = new Map<number, string>();
/** `YYYY-MM-DD` of a day number (days since 1970-01-01). */
export function dayNumberToDate(dayNumber: number): string {
  let s = dateStrings.get(dayNumber);
  if (s === undefined) {
    const { year, month, day } = civilFromDays(dayNumber);
    s = `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
    if (dateStrings.size > 50_000) dateStrings.clear();
    dateStrings.set(dayNumber, s);
  }
  return s;
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a day number; 1970-01-01 was a Thursday. */
export function isoWeekday(dayNumber: number): number {
  return ((((dayNumber + 3) % 7) + 7) % 7) + 1;
}

type ZoneDay = { before: number; after: number; change: number };

class Zone {
  readonly days = new Map<number, ZoneDay>();
  constructor(readonly formatter: Intl.DateTimeFormat | null) {}

  /** Offset in ms at `ms`, from Intl (to the second). */
  intlOffset(ms: number): number {
    if (!this.formatter) return 0;
    const second = Math.floor(ms / 1000) * 1000;
    let year = 0;
    let month = 0;
    let day = 0;
    let hour = 0;
    let minute = 0;
    let sec = 0;
    for (const part of this.formatter.formatToParts(second)) {
      switch (part.type) {
        case 'year':
          year = Number(part.value);
          break;
        case 'month':
          month = Number(part.value);
          break;
        case 'day':
          day = Number(part.value);
          break;
        case 'hour':
          hour = Number(part.value) % 24;
          break;
        case 'minute':
          minute = Number(part.value);
          break;
        case 'second':
          sec = Number(part.value);
          break;
        default:
          break;
      }
    }
    // Audit events are from 2000 on, so Date.UTC's mapping of years 0-99 never applies.
    return Date.UTC(year, month - 1, day, hour, minute, sec) - second;
  }

  offset(ms: number): number {
    if (!this.formatter) return 0;
    const dayNumber = Math.floor(ms / DAY);
    let entry = this.days.get(dayNumber);
    if (entry === undefined) {
      const from = dayNumber * DAY;
      const to = from + DAY;
      const before = this.intlOffset(from);
      const after = this.intlOffset(to);
      let change = Number.POSITIVE_INFINITY;
      if (before !== after) {
        // First second with the new offset: lo has `before`, hi has `after`.
        let lo = from / 1000;
        let hi = to / 1000;
        while (hi - lo > 1) {
          const mid = lo + Math.floor((hi - lo) / 2);
          if (this.intlOffset(mid * 1000) === before) lo = mid;
          else hi = mid;
        }
        change = hi * 1000;
      }
      entry = { before, after, change };
      if (this.days.size > 20_000) this.days.clear();
      this.days.set(dayNumber, entry);
    }
    return ms < entry.change ? entry.before : entry.after;
  }
}

const zones = new Map<string, Zone>();

function zone(timeZone: string): Zone {
  let z = zones.get(timeZone);
  if (!z) {
    let formatter: Intl.DateTimeFormat | null = null;
    if (timeZone !== 'UTC' && timeZone !== 'Etc/UTC') {
      try {
        formatter = new Intl.DateTimeFormat('en-US', {
          timeZone,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          second: 'numeric',
        });
      } catch {
        formatter = null; // unknown zone: UTC (see the module comment)
      }
    }
    z = new Zone(formatter);
    if (zones.size > 1000) zones.clear();
    zones.set(timeZone, z);
  }
  return z;
}

/** Whether Intl knows the zone (cached). */
export function isKnownTimeZone(timeZone: string): boolean {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return true;
  return zone(timeZone).formatter !== null;
}

/** UTC offset of `timeZone` at instant `ms`, in minutes (e.g. 120 for CEST, 330 for IST). */
export function offsetMinutes(timeZone: string, ms: number): number {
  return zone(timeZone).offset(ms) / MINUTE;
}

export type LocalTime = {
  timeZone: string;
  /** Local date `YYYY-MM-DD`. */
  date: string;
  /** Local day number (days since 1970-01-01 on the local calendar). */
  dayNumber: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  isoDay: number;
  hour: number;
  minute: number;
  /** Minutes since local midnight, with the fraction of a minute (0 ≤ x < 1440). */
  minuteOfDay: number;
  offsetMinutes: number;
};

/** The wall-clock reading in `timeZone` at instant `ms`. */
export function localTime(ms: number, timeZone: string): LocalTime {
  const offset = zone(timeZone).offset(ms);
  const local = ms + offset;
  const dayNumber = Math.floor(local / DAY);
  const minuteOfDay = (local - dayNumber * DAY) / MINUTE;
  return {
    timeZone,
    date: dayNumberToDate(dayNumber),
    dayNumber,
    isoDay: isoWeekday(dayNumber),
    hour: Math.floor(minuteOfDay / 60),
    minute: Math.floor(minuteOfDay % 60),
    minuteOfDay,
    offsetMinutes: offset / MINUTE,
  };
}

/** Local date `YYYY-MM-DD` of an instant in a zone. */
export function localDate(ms: number, timeZone: string): string {
  return dayNumberToDate(Math.floor((ms + zone(timeZone).offset(ms)) / DAY));
}

const holidaySets = new WeakMap<readonly string[], ReadonlySet<string>>();
/** A holiday list as a set, cached per array (settings objects are reused across a batch). */
export function holidaySet(holidays: readonly string[] | ReadonlySet<string>): ReadonlySet<string> {
  if (!Array.isArray(holidays)) return holidays as ReadonlySet<string>;
  const list = holidays as readonly string[];
  let set = holidaySets.get(list);
  if (!set) {
    set = new Set(list);
    holidaySets.set(list, set);
  }
  return set;
}

/** Whether a local day is a working day of the schedule (a listed weekday, not a holiday). */
function isWorkday(dayNumber: number, schedule: Schedule, holidays: ReadonlySet<string>): boolean {
  return (
    schedule.days.includes(isoWeekday(dayNumber)) &&
    (holidays.size === 0 || !holidays.has(dayNumberToDate(dayNumber)))
  );
}

/**
 * Whether a local reading is inside the schedule. Working time is [startHour, endHour) on the
 * schedule's days: exactly at the start is working, exactly at the end is not. A schedule whose
 * end is before its start is a night shift that belongs to the day it starts on (22:00–06:00 on
 * Monday runs into Tuesday morning). Holidays take out the whole shift that starts on them.
 */
export function isWorkingLocal(
  lt: LocalTime,
  schedule: Schedule,
  holidays: ReadonlySet<string>,
): boolean {
  const start = schedule.startHour * 60;
  const end = schedule.endHour * 60;
  const m = lt.minuteOfDay;
  if (start < end) return m >= start && m < end && isWorkday(lt.dayNumber, schedule, holidays);
  if (start > end) {
    if (m >= start) return isWorkday(lt.dayNumber, schedule, holidays);
    if (m < end) return isWorkday(lt.dayNumber - 1, schedule, holidays);
  }
  return false;
}

/** Whether instant `ms` is working time for the schedule (in the schedule's own zone). */
export function isWorkingTime(
  ms: number,
  schedule: Schedule,
  holidays: readonly string[] | ReadonlySet<string> = [],
): boolean {
  return isWorkingLocal(localTime(ms, schedule.timeZone), schedule, holidaySet(holidays));
}

/**
 * Names the off-hours stretch an (off-hours) local reading belongs to: the local date of the
 * last shift that ended before it (a Saturday night belongs to Friday's stretch, as does the
 * Monday early morning after it). Every off-hours moment between two shifts gets the same name,
 * which makes it a dedupe key that needs no state. If no shift ended in the previous 62 days
 * (a schedule without days, a long holiday list), the reading's own date is used.
 */
export function offHoursStretch(
  lt: LocalTime,
  schedule: Schedule,
  holidays: ReadonlySet<string>,
): string {
  const end = schedule.endHour * 60;
  const overnight = schedule.startHour > schedule.endHour;
  let d = lt.dayNumber - (overnight ? 1 : 0) - (lt.minuteOfDay < end ? 1 : 0);
  for (let i = 0; i < 62; i++, d--) {
    if (isWorkday(d, schedule, holidays)) return dayNumberToDate(d);
  }
  return lt.date;
}

const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const DAY_SHORT = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** `14:05` for hours as a number (8.5 -> 08:30). */
export function formatHour(hours: number): string {
  const minutes = Math.round(hours * 60);
  return `${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

/** `08:00–16:00 Mon–Fri` (ranges of consecutive days are joined). */
export function describeSchedule(schedule: Schedule): string {
  const days = [...new Set(schedule.days)].filter((d) => d >= 1 && d <= 7).sort((a, b) => a - b);
  const groups: string[] = [];
  for (let i = 0; i < days.length;) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === (days[j] as number) + 1) j++;
    const from = DAY_SHORT[(days[i] as number) - 1];
    const to = DAY_SHORT[(days[j] as number) - 1];
    groups.push(j - i >= 2 ? `${from}–${to}` : j === i ? `${from}` : `${from}, ${to}`);
    i = j + 1;
  }
  const hours = `${formatHour(schedule.startHour)}–${formatHour(schedule.endHour)}`;
  return groups.length > 0 ? `${hours} ${groups.join(', ')}` : `${hours} (no working days)`;
}

/** `02:14 on Saturday 2026-06-06` (the zone is named by the caller). */
export function formatLocal(lt: LocalTime): string {
  return `${pad2(lt.hour)}:${pad2(lt.minute)} on ${DAY_NAMES[lt.isoDay - 1]} ${lt.date}`;
}

/** `02:14 on Saturday 2026-06-06 (Europe/Berlin)`. */
export function formatInstant(ms: number, timeZone: string): string {
  return `${formatLocal(localTime(ms, timeZone))} (${timeZone})`;
}
