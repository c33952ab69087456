/**
 * Time-zone arithmetic for the demo generator: UTC offsets of IANA zones (from Intl, so DST is
 * right), local wall-clock parts, local-to-UTC conversion and fast RFC 3339 formatting with the
 * local offset (`2026-09-12T02:14:07.123+02:00`). Offsets are looked up millions of times, so each
 * zone's offset transitions over the demo window are found once (by bisection) and cached.
 */

import { civilFromDays, DAY, HOUR, MINUTE } from '@/lib/calendar';

export { civilFromDays, DAY, HOUR, MINUTE };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The UTC offset of `timeZone` at instant `ms`, in minutes (e.g. +120 for CEST), straight from Intl. */
export function intlOffsetMinutes(timeZone: string, ms: number): number {
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const hour = get('hour') % 24;
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    hour,
    get('minute'),
    get('second'),
  );
  const floored = ms - (((ms % 1000) + 1000) % 1000);
  return Math.round((asUtc - floored) / MINUTE);
}

/**
 * Offsets of one zone over a span of time: the transitions inside the span are located to the
 * minute by bisection, so lookups are a scan over one or two entries instead of an Intl call.
 */
export class ZoneOffsets {
  private readonly from: number;
  private readonly to: number;
  /** Instants where a new offset starts (the first is `from`), and the offsets themselves. */
  private readonly starts: number[] = [];
  private readonly offsets: number[] = [];

  constructor(
    readonly timeZone: string,
    from: number,
    to: number,
  ) {
    this.from = from;
    this.to = to;
    let at = from;
    let offset = intlOffsetMinutes(timeZone, at);
    this.starts.push(at);
    this.offsets.push(offset);
    // Zones change offset at most a few times a year and never twice within 6 hours.
    const step = 6 * HOUR;
    while (at < to) {
      const next = Math.min(at + step, to);
      const nextOffset = intlOffsetMinutes(timeZone, next);
      if (nextOffset !== offset) {
        // Transitions happen on whole minutes: find the first minute with the new offset.
        let lo = Math.floor(at / MINUTE); // minute with `offset` (at or before `at`)
        let hi = Math.ceil(next / MINUTE); // minute with `nextOffset`
        while (hi - lo > 1) {
          const mid = lo + Math.floor((hi - lo) / 2);
          if (intlOffsetMinutes(timeZone, mid * MINUTE) === offset) lo = mid;
          else hi = mid;
        }
        hi *= MINUTE;
        this.starts.push(hi);
        this.offsets.push(nextOffset);
        offset = nextOffset;
      }
      at = next;
    }
  }

  /** Offset in minutes at instant `ms`. */
  at(ms: number): number {
    if (ms < this.from || ms > this.to) return intlOffsetMinutes(this.timeZone, ms);
    let i = this.starts.length - 1;
    while (i > 0 && (this.starts[i] as number) > ms) i--;
    return this.offsets[i] as number;
  }
}

/** A registry of ZoneOffsets for the zones the generator uses, covering one window. */
export class Clock {
  private readonly zones = new Map<string, ZoneOffsets>();

  constructor(
    private readonly from: number,
    private readonly to: number,
  ) {}

  zone(timeZone: string): ZoneOffsets {
    let z = this.zones.get(timeZone);
    if (!z) {
      z = new ZoneOffsets(timeZone, this.from, this.to);
      this.zones.set(timeZone, z);
    }
    return z;
  }

  offset(timeZone: string, ms: number): number {
    return this.zone(timeZone).at(ms);
  }

  /**
   * The instant at which the wall clock in `timeZone` shows the given local time. A time that
   * occurs twice (fall back) resolves to its first pass; one skipped by a DST jump resolves to the
   * instant the same distance after the jump (like Temporal's "compatible" disambiguation).
   */
  localToUtc(
    timeZone: string,
    year: number,
    month: number,
    day: number,
    hour: number,
    minute = 0,
    second = 0,
    ms = 0,
  ): number {
    const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
    const zone = this.zone(timeZone);
    const before = zone.at(local - DAY);
    const candidates = [before, zone.at(local), zone.at(local + DAY)];
    let best: number | null = null;
    for (const offset of candidates) {
      const instant = local - offset * MINUTE;
      if (zone.at(instant) === offset && (best === null || instant < best)) best = instant;
    }
    return best ?? local - before * MINUTE;
  }
}

/** Local wall-clock parts of an instant, given the offset in minutes. weekday: 0 = Sunday … 6 = Saturday. */
export function localParts(ms: number, offsetMinutes: number) {
  const local = ms + offsetMinutes * MINUTE;
  const dayNumber = Math.floor(local / DAY);
  const msOfDay = local - dayNumber * DAY;
  const { year, month, day } = civilFromDays(dayNumber);
  return {
    dayNumber,
    year,
    month,
    day,
    weekday: (((dayNumber + 4) % 7) + 7) % 7,
    hour: Math.floor(msOfDay / HOUR),
    minute: Math.floor((msOfDay % HOUR) / MINUTE),
    second: Math.floor((msOfDay % MINUTE) / 1000),
    hourFraction: msOfDay / HOUR,
  };
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/** Formats instants as RFC 3339 with a given offset; caches the date part and offset suffix. */
export class TimestampFormatter {
  private readonly dates = new Map<number, string>();
  private readonly suffixes = new Map<number, string>();

  private date(dayNumber: number): string {
    let s = this.dates.get(dayNumber);
    if (s === undefined) {
      const { year, month, day } = civilFromDays(dayNumber);
      s = `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}T`;
      if (this.dates.size > 4096) this.dates.clear();
      this.dates.set(dayNumber, s);
    }
    return s;
  }

  private suffix(offsetMinutes: number): string {
    let s = this.suffixes.get(offsetMinutes);
    if (s === undefined) {
      const abs = Math.abs(offsetMinutes);
      s = `${offsetMinutes < 0 ? '-' : '+'}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
      this.suffixes.set(offsetMinutes, s);
    }
    return s;
  }

  /**
   * `2026-09-12T02:14:07.123+02:00` for a local offset in minutes (a zero local offset is written
   * `+00:00`, as RFC 3339 intends); `null` means no local zone is known: UTC, written `Z`.
   */
  format(ms: number, offsetMinutes: number | null): string {
    const offset = offsetMinutes ?? 0;
    const local = ms + offset * MINUTE;
    const dayNumber = Math.floor(local / DAY);
    let rest = local - dayNumber * DAY;
    const hour = Math.floor(rest / HOUR);
    rest -= hour * HOUR;
    const minute = Math.floor(rest / MINUTE);
    rest -= minute * MINUTE;
    const second = Math.floor(rest / 1000);
    const milli = rest - second * 1000;
    const suffix = offsetMinutes === null ? 'Z' : this.suffix(offset);
    return `${this.date(dayNumber)}${pad2(hour)}:${pad2(minute)}:${pad2(second)}.${pad3(milli)}${suffix}`;
  }
}

/** `YYYY-MM-DD` of a local day number. */
export function isoDate(dayNumber: number): string {
  const { year, month, day } = civilFromDays(dayNumber);
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}
