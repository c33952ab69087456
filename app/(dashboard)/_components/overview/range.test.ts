import { describe, expect, it } from 'vitest';
import { parseSearch } from '@/lib/search';
import { scoreCells } from './heat';
import { heatCellHref } from './links';
import {
  bucketFor,
  bucketStarts,
  overviewHref,
  parseOverviewParams,
  presetRange,
  rangeTerms,
} from './range';

const NOW = new Date('2026-11-26T08:37:00Z');

describe('overview URL state', () => {
  it('defaults to the last 30 UTC days, today included, with a 24 h review target', () => {
    const s = parseOverviewParams({}, NOW);
    expect(s.problems).toEqual([]);
    expect(s.heat).toBe('off');
    expect(s.reviewHours).toBe(24);
    expect(s.range).toMatchObject({
      preset: '30d',
      from: '2026-10-28T00:00:00Z',
      to: '2026-11-27T00:00:00Z',
      prevFrom: '2026-09-28T00:00:00Z',
      baseFrom: '2026-09-28T00:00:00Z',
      fromDay: '2026-10-28',
      toDay: '2026-11-27',
      firstDay: '2026-10-28',
      lastDay: '2026-11-26',
      bucket: 'day',
    });
  });

  it('24h is whole hours, the current one included, bucketed by hour, with a 28-day baseline', () => {
    expect(presetRange('24h', NOW)).toMatchObject({
      from: '2026-11-25T09:00:00Z',
      to: '2026-11-26T09:00:00Z',
      prevFrom: '2026-11-24T09:00:00Z',
      baseFrom: '2026-10-28T09:00:00Z',
      fromDay: '2026-11-25',
      toDay: '2026-11-27',
      bucket: 'hour',
    });
    expect(presetRange('7d', NOW)).toMatchObject({ from: '2026-11-20T00:00:00Z', bucket: 'hour' });
    expect(presetRange('90d', NOW)).toMatchObject({ from: '2026-08-29T00:00:00Z', bucket: 'day' });
  });

  it('custom days include both ends; bad values fall back to the default and say why', () => {
    const s = parseOverviewParams(
      { from: '2026-03-02', to: '2026-03-15', heat: 'all', review: '8' },
      NOW,
    );
    expect(s.range).toMatchObject({
      preset: null,
      from: '2026-03-02T00:00:00Z',
      to: '2026-03-16T00:00:00Z',
      label: '2 Mar 2026 – 15 Mar 2026',
    });
    expect([s.heat, s.reviewHours, s.problems]).toEqual(['all', 8, []]);
    for (const params of [
      { from: '2026-02-30', to: '2026-03-01' },
      { from: '2026-03-02', to: '2026-03-01' },
      { from: '2000-01-01', to: '2026-01-01' },
      { from: '2026-03-02' },
      { range: '1y' },
      { heat: 'hot' },
      { review: '0' },
      { review: '1e3' },
    ]) {
      const bad = parseOverviewParams(params, NOW);
      expect(bad.problems, JSON.stringify(params)).toHaveLength(1);
    }
    expect(parseOverviewParams({ range: '1y' }, NOW).range.preset).toBe('30d');
  });

  it('links keep the state with defaults left out', () => {
    expect(overviewHref({ preset: '30d', heat: 'off', reviewHours: 24 })).toBe('/');
    expect(overviewHref({ preset: '7d', heat: 'all', reviewHours: 8 })).toBe(
      '/?range=7d&heat=all&review=8',
    );
    expect(
      overviewHref({ preset: null, firstDay: '2026-03-02', lastDay: '2026-03-15', heat: 'off' }),
    ).toBe('/?from=2026-03-02&to=2026-03-15');
  });

  it('keeps every chart under 2,000 points for the longest range allowed, 8 series each', () => {
    for (const days of [1, 7, 8, 90, 250, 251, 1200, 1201, 1827]) {
      const from = Date.UTC(2020, 0, 1);
      const to = from + days * 86_400_000;
      const buckets = bucketStarts(from, to, bucketFor(to - from)).length;
      expect(buckets * 8, `${days} days`).toBeLessThanOrEqual(2000);
    }
    expect(
      bucketStarts(Date.UTC(2026, 2, 4), Date.UTC(2026, 2, 20), 'week').map((ms) =>
        new Date(ms).toISOString().slice(0, 10),
      ),
    ).toEqual(['2026-03-02', '2026-03-09', '2026-03-16']);
  });

  it('drill-down searches parse and name the exact range', () => {
    expect(rangeTerms(Date.UTC(2026, 9, 28), Date.UTC(2026, 10, 27))).toBe(
      'after:2026-10-28 before:2026-11-27',
    );
    expect(rangeTerms(Date.UTC(2026, 10, 25, 9), Date.UTC(2026, 10, 26, 9))).toBe(
      'after:2026-11-25T09:00:00Z before:2026-11-26T09:00:00Z',
    );
    const href = heatCellHref(parseOverviewParams({}, NOW).range, 6, 2);
    const q = new URL(href, 'http://x').searchParams.get('q')!;
    expect(q).toBe('weekday:sat hour:2 after:2026-10-28 before:2026-11-27');
    expect(parseSearch(q).ok).toBe(true);
  });
});

describe('heatmap cells', () => {
  const counts = {
    events: 0,
    changes: 0,
    offChanges: 0,
    prevEvents: 0,
    prevOffChanges: 0,
    baseEvents: 0,
    baseChanges: 0,
    baseOffChanges: 0,
  };

  it('are all 168 hours of the week, valued by the mode, with the unusual people of that mode', () => {
    const heatmap = [{ ...counts, day: 6, hour: 2, changes: 9, offChanges: 6 }];
    const unusualCells = [
      { day: 6, hour: 2, actorId: 'p1', mode: 'off' as const, value: 6, expected: 0 },
    ];
    const off = scoreCells({ heatmap, unusualCells }, 'off');
    const all = scoreCells({ heatmap, unusualCells }, 'all');
    expect(off).toHaveLength(168);
    const sat = (cells: typeof off) => cells.find((c) => c.day === 6 && c.hour === 2)!;
    expect([sat(off).value, sat(off).unusual.length]).toEqual([6, 1]);
    expect([sat(all).value, sat(all).unusual.length]).toEqual([9, 0]);
    expect(off.filter((c) => c.value > 0 || c.unusual.length)).toHaveLength(1);
  });
});
