import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../settings';
import { ev, incidents, runRule } from '../testing';
import { offHoursChange } from './off-hours-change';
import type { DetectionSettings } from '../types';

const settings: DetectionSettings = {
  ...DEFAULT_SETTINGS,
  schedules: {
    'u-1': { timeZone: 'Europe/Berlin', days: [1, 2, 3, 4, 5], startHour: 8, endHour: 16 },
  },
  holidays: ['2026-06-04'],
};
const run = (events: ReturnType<typeof ev>[], params: Record<string, unknown> = {}, s = settings) =>
  runRule('off_hours_change', events, { settings: s, params });
const change = (at: string, extra: Partial<ReturnType<typeof ev>> = {}) => ev({ at, ...extra });

describe('off_hours_change', () => {
  it('ignores changes inside the working day and alerts on a Saturday night in the person’s own zone', () => {
    expect(run([change('2026-06-03T08:00:00Z')])).toEqual([]); // Wednesday 10:00 CEST
    const [f] = run([
      change('2026-06-06T00:14:00Z', { changes: [{ field: 'salary', old: 1, new: 2 }] }),
    ]);
    expect(f).toMatchObject({
      rule: 'off_hours_change',
      actorId: 'u-1',
      severity: 'high', // medium, one step up for a sensitive field
      dedupeKey: 'off_hours_change:u-1:2026-06-05',
    });
    expect(f!.summary).toContain('02:14 on Saturday 2026-06-06 (Europe/Berlin)');
    expect(f!.summary).toContain('on a day off');
    expect(f!.details).toMatchObject({ timeZone: 'Europe/Berlin', sensitiveFields: ['salary'] });
  });

  it('is exact at the boundaries: the start is working, the end is not (grace 0)', () => {
    const p = { graceMinutes: 0 };
    // Wednesday 2026-06-03, CEST: 08:00 = 06:00Z, 16:00 = 14:00Z.
    expect(run([change('2026-06-03T05:59:59.999Z')], p)).toHaveLength(1);
    expect(run([change('2026-06-03T06:00:00.000Z')], p)).toHaveLength(0);
    expect(run([change('2026-06-03T13:59:59.999Z')], p)).toHaveLength(0);
    expect(run([change('2026-06-03T14:00:00.000Z')], p)).toHaveLength(1);
  });

  it('tolerates the grace period after the end and before the start (default 15 minutes)', () => {
    expect(run([change('2026-06-03T14:14:59Z')])).toHaveLength(0); // 16:14:59
    expect(run([change('2026-06-03T14:15:00Z')])).toHaveLength(1); // 16:15
    expect(run([change('2026-06-03T05:45:00Z')])).toHaveLength(0); // 07:45
    expect(run([change('2026-06-03T05:44:59Z')])).toHaveLength(1);
  });

  it('follows DST: the default hours in the zone the event reports (New York, spring forward)', () => {
    const p = { graceMinutes: 0 };
    const ny = { actorId: 'u-2', actorTimeZone: 'America/New_York' };
    // 12:30 UTC is 07:30 EST on Monday 2026-03-02, but 08:30 EDT on Monday 2026-03-09.
    expect(run([change('2026-03-02T12:30:00Z', ny)], p)).toHaveLength(1);
    expect(run([change('2026-03-09T12:30:00Z', ny)], p)).toHaveLength(0);
    // Without any zone: the default schedule's own zone (UTC, 08:00-18:00).
    expect(run([change('2026-03-09T07:30:00Z', { actorId: 'u-3' })], p)).toHaveLength(1);
    expect(run([change('2026-03-09T08:30:00Z', { actorId: 'u-3' })], p)).toHaveLength(0);
  });

  it('counts holidays (local dates) as off hours', () => {
    const [f] = run([change('2026-06-04T08:00:00Z')]); // Thursday 10:00, a holiday
    expect(f!.summary).toContain('on a holiday (2026-06-04)');
    expect(f!.details).toMatchObject({ holiday: true });
  });

  it('makes one incident of one off-hours stretch, even out of order, and a new one for the next', () => {
    const events = [
      change('2026-06-05T18:00:00Z'), // Friday 20:00
      change('2026-06-07T10:00:00Z'), // Sunday 12:00
      change('2026-06-06T00:30:00Z'), // Saturday 02:30, arriving late
      change('2026-06-08T05:00:00Z'), // Monday 07:00, before work
      change('2026-06-08T18:00:00Z'), // Monday 20:00: the next stretch
    ];
    const found = incidents(run(events));
    expect([...found.keys()]).toEqual([
      'off_hours_change:u-1:2026-06-05',
      'off_hours_change:u-1:2026-06-08',
    ]);
    expect(found.get('off_hours_change:u-1:2026-06-05')!.eventIds.size).toBe(4);
  });

  it('attaches the stretch’s off-hours sign-in, words the whole incident, and skips reads and services', () => {
    const signIn = ev({ at: '2026-06-06T00:01:00Z', action: 'user.login', changes: [] });
    const read = ev({ at: '2026-06-06T00:02:00Z', action: 'employee.view', changes: [] });
    const first = change('2026-06-06T00:04:00Z');
    const second = change('2026-06-06T00:30:00Z', {
      changes: [{ field: 'salary', old: 1, new: 2 }],
    });
    const service = change('2026-06-06T00:40:00Z', { actorType: 'service', actorId: 'svc-sync' });
    const findings = run([signIn, read, first, second, service]);
    expect(findings).toHaveLength(2);
    expect(findings[0]!.eventIds).toEqual([signIn.id, first.id]);
    expect(findings[1]!.summary).toMatch(
      /made 2 changes \(title, salary\) from 02:04 on Saturday 2026-06-06 to 02:30 \(Europe\/Berlin\)/,
    );
    // A sign-in during working hours is no context.
    expect(run([ev({ at: '2026-06-05T12:00:00Z', action: 'user.login', changes: [] })])).toEqual(
      [],
    );
  });

  it('validates its parameters', () => {
    expect(offHoursChange.parseParams({ graceMinutes: 300 })).toEqual({
      ok: false,
      errors: { graceMinutes: 'must be a whole number from 0 to 240' },
    });
    expect(offHoursChange.parseParams({ graceMinutes: '30' })).toEqual({
      ok: true,
      params: { graceMinutes: 30, raiseForSensitive: true },
    });
  });
});
