import { describe, expect, it } from 'vitest';
import {
  Clock,
  DAY,
  TimestampFormatter,
  ZoneOffsets,
  civilFromDays,
  intlOffsetMinutes,
  localParts,
} from './time';
import { Rng, apportion, hash32 } from './random';

describe('time', () => {
  const clock = new Clock(Date.UTC(2025, 11, 1), Date.UTC(2027, 0, 31));

  it('knows zone offsets, DST included', () => {
    expect(intlOffsetMinutes('Asia/Kolkata', Date.UTC(2026, 6, 1))).toBe(330);
    expect(clock.offset('Europe/Berlin', Date.UTC(2026, 2, 29, 0, 59))).toBe(60);
    expect(clock.offset('Europe/Berlin', Date.UTC(2026, 2, 29, 1, 0))).toBe(120);
    expect(clock.offset('America/New_York', Date.UTC(2026, 2, 8, 6, 59))).toBe(-300);
    expect(clock.offset('America/New_York', Date.UTC(2026, 2, 8, 7, 0))).toBe(-240);
    expect(clock.offset('Australia/Sydney', Date.UTC(2026, 9, 3, 16, 0))).toBe(660);
    expect(clock.offset('Australia/Sydney', Date.UTC(2026, 9, 3, 15, 59))).toBe(600);
  });

  it('agrees with Intl at every hour of a year, in every zone the demo uses', () => {
    for (const zone of [
      'America/New_York',
      'America/Los_Angeles',
      'Europe/London',
      'Europe/Berlin',
      'Asia/Kolkata',
      'Australia/Sydney',
    ]) {
      const from = Date.UTC(2026, 0, 1);
      const offsets = new ZoneOffsets(zone, from, from + 365 * DAY);
      for (let t = from; t < from + 365 * DAY; t += 3_600_000 + 7_000)
        expect(offsets.at(t)).toBe(intlOffsetMinutes(zone, t));
    }
  });

  it('converts local wall-clock times to instants, including skipped and repeated hours', () => {
    expect(clock.localToUtc('Europe/Berlin', 2026, 7, 4, 2, 0)).toBe(Date.UTC(2026, 6, 4, 0, 0));
    expect(clock.localToUtc('Asia/Kolkata', 2026, 1, 10, 9, 30)).toBe(Date.UTC(2026, 0, 10, 4, 0));
    // 02:30 does not exist in New York on 2026-03-08: it resolves to 03:30 EDT.
    expect(clock.localToUtc('America/New_York', 2026, 3, 8, 2, 30)).toBe(
      Date.UTC(2026, 2, 8, 7, 30),
    );
    // 01:30 happens twice on 2026-11-01: the first (EDT) is chosen.
    expect(clock.localToUtc('America/New_York', 2026, 11, 1, 1, 30)).toBe(
      Date.UTC(2026, 10, 1, 5, 30),
    );
  });

  it('formats RFC 3339 with the local offset', () => {
    const f = new TimestampFormatter();
    expect(f.format(Date.UTC(2026, 8, 12, 0, 14, 7, 123), 120)).toBe(
      '2026-09-12T02:14:07.123+02:00',
    );
    expect(f.format(Date.UTC(2026, 0, 1, 3, 0, 0, 5), -300)).toBe('2025-12-31T22:00:00.005-05:00');
    expect(f.format(Date.UTC(2026, 0, 1, 3, 0, 0, 5), 330)).toBe('2026-01-01T08:30:00.005+05:30');
    expect(f.format(Date.UTC(2026, 0, 1), 0)).toBe('2026-01-01T00:00:00.000+00:00');
    expect(f.format(Date.UTC(2026, 0, 1), null)).toBe('2026-01-01T00:00:00.000Z');
    expect(Date.parse(f.format(1_790_000_000_123, 600))).toBe(1_790_000_000_123);
  });

  it('computes local calendar parts', () => {
    expect(civilFromDays(0)).toEqual({ year: 1970, month: 1, day: 1 });
    expect(civilFromDays(Date.UTC(2028, 1, 29) / DAY)).toEqual({ year: 2028, month: 2, day: 29 });
    const p = localParts(Date.UTC(2026, 8, 12, 0, 14, 7), 120); // a Saturday
    expect([p.weekday, p.hour, p.minute, p.second]).toEqual([6, 2, 14, 7]);
  });
});

describe('random', () => {
  it('is deterministic per seed', () => {
    const a = new Rng(1, 2);
    const b = new Rng(1, 2);
    const c = new Rng(1, 3);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
    expect(hash32(1, 2, 3)).toBe(hash32(1, 2, 3));
    expect(hash32(1, 2, 3)).not.toBe(hash32(1, 2, 4));
  });

  it('apportions totals exactly', () => {
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(7, [0, 0])).toEqual([7, 0]);
    const parts = apportion(1_000_003, [0.27, 0.36, 0.085, 0.23, 0.04, 0.015]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(1_000_003);
  });
});
