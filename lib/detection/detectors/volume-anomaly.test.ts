import { describe, expect, it } from 'vitest';
import { ev, incidents, runRule } from '../testing';
import type { DetectionEvent } from '../types';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-03-02T00:00:00Z'); // a Monday

/** `perHour` events in each of hours 9-16 UTC of every weekday for `days` days. */
function baseline(days: number, perHour: number): DetectionEvent[] {
  const out: DetectionEvent[] = [];
  for (let d = 0; d < days; d++) {
    if ([5, 6].includes(d % 7)) continue;
    for (let h = 9; h < 17; h++)
      for (let i = 0; i < perHour; i++)
        out.push(
          ev({
            at: T0 + d * DAY + h * HOUR + (i * HOUR) / perHour,
            action: 'record.view',
            changes: [],
          }),
        );
  }
  return out;
}
const hour = (start: number, n: number) =>
  Array.from({ length: n }, (_, i) =>
    ev({ at: start + (i * HOUR) / (n + 1), action: 'record.view', changes: [] }),
  );
const run = (events: DetectionEvent[], params: Record<string, unknown> = {}) =>
  runRule('volume_anomaly', events, { params });
const busyHour = T0 + 28 * DAY + 10 * HOUR; // Monday of week 5, 10:00 UTC

describe('volume_anomaly (robust z-score over the past 30 days of active hours)', () => {
  it('fires when an hour reaches the minimum count far above the usual, not before', () => {
    const events = [...baseline(28, 5), ...hour(busyHour, 40)];
    const findings = run(events);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings[0]!.eventIds).toEqual([events[events.length - 1]!.id]); // the 40th event
    expect(findings[0]!.summary).toContain(
      'had 40 events in the hour starting 10:00 on Monday 2026-03-30 (UTC)',
    );
    expect(findings[0]!.summary).toContain('usual 5 per active hour');
    expect(findings[0]!.details).toMatchObject({ median: 5, mad: 0, count: 40 });
    expect(run([...baseline(28, 5), ...hour(busyHour, 39)])).toEqual([]);
  });

  it('quiet people stay quiet: a large z-score below the minimum count does not fire', () => {
    expect(run([...baseline(28, 1), ...hour(busyHour, 30)])).toEqual([]);
    expect(run([...baseline(28, 1), ...hour(busyHour, 30)], { minCount: 30 })).toHaveLength(1);
  });

  it('the z-score threshold: median 5, MAD 0, floor 2 and z 6 put the line at 17 events', () => {
    expect(run([...baseline(28, 5), ...hour(busyHour, 16)], { minCount: 1 })).toEqual([]);
    const [f] = run([...baseline(28, 5), ...hour(busyHour, 17)], { minCount: 1 });
    expect(f!.details).toMatchObject({ count: 17, zScore: 6 });
  });

  it('busy people are judged against their own baseline', () => {
    expect(run([...baseline(28, 35), ...hour(busyHour, 45)])).toEqual([]);
  });

  it('needs enough baseline hours', () => {
    expect(run([...baseline(2, 5), ...hour(T0 + 3 * DAY + 10 * HOUR, 60)])).toEqual([]);
  });

  it('consecutive anomalous hours are one incident; later events of the hour join it', () => {
    const events = [...baseline(28, 5), ...hour(busyHour, 50), ...hour(busyHour + HOUR, 50)];
    const found = incidents(run(events));
    expect(found.size).toBe(1);
    expect([...found.values()][0]!.eventIds.size).toBe(22); // 11 + 11 events from the 40th on
  });

  it('counts late events into their own hour without judging them', () => {
    const late = hour(busyHour - 2 * HOUR, 45);
    const events = [
      ...baseline(28, 5),
      ev({ at: busyHour, action: 'record.view', changes: [] }),
      ...late,
    ];
    expect(run(events)).toEqual([]);
  });
});
