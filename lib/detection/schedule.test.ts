import { describe, expect, it } from 'vitest';
import {
  describeSchedule,
  formatInstant,
  holidaySet,
  isKnownTimeZone,
  isWorkingTime,
  localDate,
  localTime,
  offHoursStretch,
  offsetMinutes,
} from './schedule';
import type { Schedule } from './types';

const at = (s: string) => Date.parse(s);
const weekdays = [1, 2, 3, 4, 5];
const berlin: Schedule = { timeZone: 'Europe/Berlin', days: weekdays, startHour: 8, endHour: 16 };
const newYork: Schedule = {
  timeZone: 'America/New_York',
  days: weekdays,
  startHour: 9,
  endHour: 17,
};
const kolkata: Schedule = { timeZone: 'Asia/Kolkata', days: weekdays, startHour: 9.5, endHour: 18 };
const sydney: Schedule = {
  timeZone: 'Australia/Sydney',
  days: weekdays,
  startHour: 8,
  endHour: 16,
};

/** The reference: Intl's own wall clock, with a fresh formatter (slow, fine for a test). */
function intlWallClock(ms: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(ms);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return {
    date: `${get('year')}-${get('month')}-${get('day')}`,
    isoDay: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday')) + 1,
    hour: Number(get('hour')) % 24,
    minute: Number(get('minute')),
  };
}

describe('offsetMinutes and localTime across DST transitions', () => {
  it.each([
    // Europe/Berlin: spring forward 2026-03-29 02:00 CET -> 03:00 CEST (01:00 UTC)
    ['Europe/Berlin', '2026-03-29T00:59:59.999Z', 60, '2026-03-29', 1, 59],
    ['Europe/Berlin', '2026-03-29T01:00:00.000Z', 120, '2026-03-29', 3, 0],
    // fall back 2026-10-25 03:00 CEST -> 02:00 CET (01:00 UTC): 02:30 happens twice
    ['Europe/Berlin', '2026-10-25T00:30:00.000Z', 120, '2026-10-25', 2, 30],
    ['Europe/Berlin', '2026-10-25T01:30:00.000Z', 60, '2026-10-25', 2, 30],
    // America/New_York: spring forward 2026-03-08 02:00 EST -> 03:00 EDT (07:00 UTC)
    ['America/New_York', '2026-03-08T06:59:59.999Z', -300, '2026-03-08', 1, 59],
    ['America/New_York', '2026-03-08T07:00:00.000Z', -240, '2026-03-08', 3, 0],
    // fall back 2026-11-01 02:00 EDT -> 01:00 EST (06:00 UTC): 01:30 happens twice
    ['America/New_York', '2026-11-01T05:30:00.000Z', -240, '2026-11-01', 1, 30],
    ['America/New_York', '2026-11-01T06:30:00.000Z', -300, '2026-11-01', 1, 30],
    // Asia/Kolkata: +05:30 all year; the local date changes at 18:30 UTC
    ['Asia/Kolkata', '2026-06-01T18:29:59.999Z', 330, '2026-06-01', 23, 59],
    ['Asia/Kolkata', '2026-06-01T18:30:00.000Z', 330, '2026-06-02', 0, 0],
    // Australia/Sydney: DST ends 2026-04-05 03:00 AEDT -> 02:00 AEST (16:00 UTC the day before)
    ['Australia/Sydney', '2026-04-04T15:59:59.999Z', 660, '2026-04-05', 2, 59],
    ['Australia/Sydney', '2026-04-04T16:00:00.000Z', 600, '2026-04-05', 2, 0],
    // and starts 2026-10-04 02:00 AEST -> 03:00 AEDT (16:00 UTC the day before)
    ['Australia/Sydney', '2026-10-03T15:59:59.999Z', 600, '2026-10-04', 1, 59],
    ['Australia/Sydney', '2026-10-03T16:00:00.000Z', 660, '2026-10-04', 3, 0],
  ])('%s at %s is UTC%+d, %s %d:%d', (tz, instant, offset, date, hour, minute) => {
    const ms = at(instant);
    expect(offsetMinutes(tz, ms)).toBe(offset);
    const lt = localTime(ms, tz);
    expect({ date: lt.date, hour: lt.hour, minute: lt.minute }).toEqual({ date, hour, minute });
    expect(localDate(ms, tz)).toBe(date);
  });

  it('agrees with Intl every 7 minutes through each zone’s transition nights, in any lookup order', () => {
    const nights = [
      ['Europe/Berlin', '2026-03-28T20:00:00Z'],
      ['Europe/Berlin', '2026-10-24T20:00:00Z'],
      ['America/New_York', '2026-03-08T02:00:00Z'],
      ['America/New_York', '2026-11-01T02:00:00Z'],
      ['Australia/Sydney', '2026-04-04T10:00:00Z'],
      ['Australia/Sydney', '2026-10-03T10:00:00Z'],
      ['Asia/Kolkata', '2026-03-28T20:00:00Z'],
      ['Europe/London', '2026-03-29T00:00:00Z'],
    ] as const;
    for (const [tz, from] of nights) {
      const start = at(from);
      const instants: number[] = [];
      for (let m = 0; m < 12 * 60; m += 7) instants.push(start + m * 60_000 + 13_000);
      // Backwards first, so the per-day cache is filled out of order.
      for (const ms of [...[...instants].reverse(), ...instants]) {
        const lt = localTime(ms, tz);
        expect({ date: lt.date, isoDay: lt.isoDay, hour: lt.hour, minute: lt.minute }).toEqual(
          intlWallClock(ms, tz),
        );
      }
    }
  });

  it('treats an unknown zone as UTC instead of throwing', () => {
    expect(isKnownTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isKnownTimeZone('Europe/Berlin')).toBe(true);
    expect(offsetMinutes('Mars/Olympus_Mons', at('2026-06-01T12:00:00Z'))).toBe(0);
  });
});

describe('isWorkingTime', () => {
  it('is working exactly at the start and not exactly at the end (Berlin, summer time)', () => {
    // Wednesday 2026-06-03, CEST (UTC+2): 08:00 local = 06:00 UTC, 16:00 local = 14:00 UTC.
    expect(isWorkingTime(at('2026-06-03T05:59:59.999Z'), berlin)).toBe(false);
    expect(isWorkingTime(at('2026-06-03T06:00:00.000Z'), berlin)).toBe(true);
    expect(isWorkingTime(at('2026-06-03T13:59:59.999Z'), berlin)).toBe(true);
    expect(isWorkingTime(at('2026-06-03T14:00:00.000Z'), berlin)).toBe(false);
  });

  it('moves the working day in UTC across a DST change (Berlin, New York)', () => {
    // Friday 2026-03-27 is CET: 08:00 = 07:00 UTC. Monday 2026-03-30 is CEST: 08:00 = 06:00 UTC.
    expect(isWorkingTime(at('2026-03-27T06:30:00Z'), berlin)).toBe(false);
    expect(isWorkingTime(at('2026-03-27T07:00:00Z'), berlin)).toBe(true);
    expect(isWorkingTime(at('2026-03-30T06:00:00Z'), berlin)).toBe(true);
    expect(isWorkingTime(at('2026-03-30T14:30:00Z'), berlin)).toBe(false);
    // New York: Friday 2026-10-30 is EDT (17:00 = 21:00 UTC); Monday 2026-11-02 is EST (17:00 = 22:00 UTC).
    expect(isWorkingTime(at('2026-10-30T21:30:00Z'), newYork)).toBe(false);
    expect(isWorkingTime(at('2026-11-02T21:30:00Z'), newYork)).toBe(true);
    expect(isWorkingTime(at('2026-11-02T22:00:00Z'), newYork)).toBe(false);
  });

  it('handles a half-hour zone and fractional hours (Kolkata 09:30-18:00)', () => {
    // Monday 2026-06-01: 09:30 IST = 04:00 UTC; 18:00 IST = 12:30 UTC.
    expect(isWorkingTime(at('2026-06-01T03:59:59.999Z'), kolkata)).toBe(false);
    expect(isWorkingTime(at('2026-06-01T04:00:00.000Z'), kolkata)).toBe(true);
    expect(isWorkingTime(at('2026-06-01T12:29:59.999Z'), kolkata)).toBe(true);
    expect(isWorkingTime(at('2026-06-01T12:30:00.000Z'), kolkata)).toBe(false);
  });

  it('uses the local weekday, not the UTC one (Sydney is a day ahead)', () => {
    // Sunday 2026-06-07 22:00 UTC is Monday 08:00 AEST: working.
    expect(isWorkingTime(at('2026-06-07T22:00:00Z'), sydney)).toBe(true);
    // Friday 2026-06-05 23:00 UTC is Saturday 09:00 AEST: a day off.
    expect(isWorkingTime(at('2026-06-05T23:00:00Z'), sydney)).toBe(false);
    // Sydney's DST end: Monday 2026-04-06 08:00 AEST = Sunday 22:00 UTC (it was 21:00 UTC a week before).
    expect(isWorkingTime(at('2026-04-05T21:30:00Z'), sydney)).toBe(false);
    expect(isWorkingTime(at('2026-04-05T22:00:00Z'), sydney)).toBe(true);
    expect(isWorkingTime(at('2026-03-29T21:00:00Z'), sydney)).toBe(true);
  });

  it('treats holidays (local dates) as off all day', () => {
    const wednesday = at('2026-06-03T08:00:00Z'); // 10:00 in Berlin
    expect(isWorkingTime(wednesday, berlin, [])).toBe(true);
    expect(isWorkingTime(wednesday, berlin, ['2026-06-03'])).toBe(false);
    expect(isWorkingTime(wednesday, berlin, new Set(['2026-06-04']))).toBe(true);
    // The holiday is the local date: 2026-06-01 23:30 UTC is already 2026-06-02 in Kolkata.
    const k = { ...kolkata, startHour: 0, endHour: 24 };
    expect(isWorkingTime(at('2026-06-01T23:30:00Z'), k, ['2026-06-01'])).toBe(true);
    expect(isWorkingTime(at('2026-06-01T23:30:00Z'), k, ['2026-06-02'])).toBe(false);
  });

  it('supports night shifts that belong to the day they start on', () => {
    const night: Schedule = { timeZone: 'UTC', days: weekdays, startHour: 22, endHour: 6 };
    expect(isWorkingTime(at('2026-06-01T22:00:00Z'), night)).toBe(true); // Monday 22:00
    expect(isWorkingTime(at('2026-06-02T05:59:00Z'), night)).toBe(true); // Monday's shift
    expect(isWorkingTime(at('2026-06-02T06:00:00Z'), night)).toBe(false);
    expect(isWorkingTime(at('2026-06-06T03:00:00Z'), night)).toBe(true); // Friday's shift
    expect(isWorkingTime(at('2026-06-07T03:00:00Z'), night)).toBe(false); // no Saturday shift
    expect(isWorkingTime(at('2026-06-01T03:00:00Z'), night)).toBe(false); // no Sunday shift
    expect(isWorkingTime(at('2026-06-02T03:00:00Z'), night, ['2026-06-01'])).toBe(false);
  });
});

describe('offHoursStretch', () => {
  const name = (instant: string, s: Schedule = berlin, holidays: string[] = []) =>
    offHoursStretch(localTime(at(instant), s.timeZone), s, holidaySet(holidays));

  it('names each stretch after the last shift before it', () => {
    // Friday 2026-06-05 evening, Saturday night, Sunday and Monday early morning: one stretch.
    expect(name('2026-06-05T18:00:00Z')).toBe('2026-06-05');
    expect(name('2026-06-06T00:30:00Z')).toBe('2026-06-05');
    expect(name('2026-06-07T12:00:00Z')).toBe('2026-06-05');
    expect(name('2026-06-08T05:59:00Z')).toBe('2026-06-05'); // Monday 07:59 CEST
    // Tuesday early morning belongs to Monday's evening.
    expect(name('2026-06-09T03:00:00Z')).toBe('2026-06-08');
    // A Monday holiday joins the weekend.
    expect(name('2026-06-08T10:00:00Z', berlin, ['2026-06-08'])).toBe('2026-06-05');
  });

  it('uses the local date in the schedule’s zone (New York evening is the next UTC day)', () => {
    // Friday 2026-06-05 22:00 EDT = Saturday 02:00 UTC.
    expect(name('2026-06-06T02:00:00Z', newYork)).toBe('2026-06-05');
  });
});

describe('formatting', () => {
  it('describes schedules and instants in plain words', () => {
    expect(describeSchedule(berlin)).toBe('08:00–16:00 Mon–Fri');
    expect(describeSchedule({ ...kolkata, days: [7, 1, 2, 3, 4] })).toBe(
      '09:30–18:00 Mon–Thu, Sun',
    );
    expect(describeSchedule({ ...berlin, days: [1, 3, 5] })).toBe('08:00–16:00 Mon, Wed, Fri');
    expect(formatInstant(at('2026-06-06T06:14:00Z'), 'America/New_York')).toBe(
      '02:14 on Saturday 2026-06-06 (America/New_York)',
    );
  });
});
