import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSchedules, parseDays, parseSchedules } from './schedule-text';

describe('personal schedules as text', () => {
  it('parses ranges, wrapping ranges, lists and minutes', () => {
    const parsed = parseSchedules(
      [
        '# comment',
        'u-0045, America/New_York, Mon-Fri, 08:00-16:00',
        '',
        'u-0007, Asia/Kolkata, Sun-Thu, 9:30-18:30',
        'night, Europe/Berlin, Mon Wed Fri, 20-24',
      ].join('\n'),
    );
    expect(parsed).toEqual({
      ok: true,
      schedules: {
        'u-0045': {
          timeZone: 'America/New_York',
          days: [1, 2, 3, 4, 5],
          startHour: 8,
          endHour: 16,
        },
        'u-0007': {
          timeZone: 'Asia/Kolkata',
          days: [1, 2, 3, 4, 7],
          startHour: 9.5,
          endHour: 18.5,
        },
        night: { timeZone: 'Europe/Berlin', days: [1, 3, 5], startHour: 20, endHour: 24 },
      },
    });
  });

  it('names the line and the problem', () => {
    expect(parseSchedules('a, UTC, Mon-Fri, 08:00-16:00\nb, UTC, Mon-Fri')).toEqual({
      ok: false,
      error: expect.stringMatching(/^Personal schedules, line 2: expected "actor id, time zone/),
    });
    expect(parseSchedules('a, UTC, Moonday, 08-16')).toMatchObject({
      error: 'Personal schedules, line 1: "Moonday" is not days like Mon-Fri',
    });
    expect(parseSchedules('a, UTC, Mon-Fri, 16-16')).toMatchObject({
      error: 'Personal schedules, line 1: "16-16" is not hours like 08:00-16:00',
    });
    expect(parseSchedules('a, UTC, Mon-Fri, 22:00-06:00')).toMatchObject({
      ok: true,
      schedules: { a: { startHour: 22, endHour: 6 } },
    });
    expect(parseSchedules('a, UTC, Mon, 8-9\na, UTC, Tue, 8-9')).toMatchObject({
      error: 'Personal schedules, line 2: a is listed twice',
    });
    expect(parseDays('Mo-Fr')).toBeNull();
  });

  it('formats what it parses, and parses what it formats', () => {
    const schedule = fc.record({
      timeZone: fc.constantFrom('UTC', 'Europe/Berlin', 'Asia/Kolkata'),
      days: fc
        .uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 })
        .map((d) => d.sort()),
      startHour: fc.integer({ min: 0, max: 22 * 4 }).map((q) => q / 4),
      endHour: fc.constant(23.75),
    });
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/), schedule, { maxKeys: 5 }),
        (schedules) => {
          expect(parseSchedules(formatSchedules(schedules))).toEqual({ ok: true, schedules });
        },
      ),
    );
  });
});
