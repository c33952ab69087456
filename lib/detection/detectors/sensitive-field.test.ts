import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../settings';
import { ev, incidents, runRule } from '../testing';
import type { DetectionSettings } from '../types';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-02T10:00:00Z'); // a Monday
const settings: DetectionSettings = {
  ...DEFAULT_SETTINGS,
  schedules: {
    'u-1': { timeZone: 'Australia/Sydney', days: [1, 2, 3, 4, 5], startHour: 8, endHour: 16 },
  },
};
const edit = (at: number, field = 'title', extra: Partial<ReturnType<typeof ev>> = {}) =>
  ev({
    at,
    action: 'employee.update',
    targetType: 'employee',
    targetId: 'emp-9',
    changes: [{ field, old: 1, new: 2 }],
    ...extra,
  });
const run = (events: ReturnType<typeof ev>[], params: Record<string, unknown> = {}) =>
  runRule('sensitive_field', events, { settings, params });

describe('sensitive_field', () => {
  it('learns for 7 days after the first change, then flags a field the actor never changed', () => {
    const events = [
      edit(T0), // first change: learning starts
      edit(T0 + 3 * DAY, 'salary'), // learning: salary becomes familiar, no alert
      edit(T0 + 8 * DAY, 'salary'), // familiar
      edit(T0 + 8 * DAY + 60_000, 'bank_account'), // never changed before: alert
    ];
    const findings = run(events);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.summary).toContain('the first time they changed bank_account');
    expect(findings[0]!.eventIds).toEqual([events[3]!.id]);
  });

  it('a field not changed for more than 30 days is unfamiliar again', () => {
    const events = [
      edit(T0),
      edit(T0 + 8 * DAY, 'salary'),
      edit(T0 + 38 * DAY, 'salary'),
      edit(T0 + 69 * DAY, 'salary'),
    ];
    const findings = run(events);
    // Day 8: first time; day 38: exactly 30 days later, still familiar; day 69: 31 days later.
    expect(findings.map((f) => f.eventIds[0])).toEqual([events[1]!.id, events[3]!.id]);
    expect(findings[1]!.summary).toContain('they had not changed salary in the 30 days before');
  });

  it('one alert per actor and local day, which the rest of the day’s sensitive changes join', () => {
    // Sydney is UTC+11 in March: 2026-03-12 23:00Z is already Friday 13th, 10:00 local.
    const day1 = T0 + 10 * DAY + 13 * 3_600_000;
    const events = [
      edit(T0),
      edit(day1, 'salary'),
      edit(day1 + 3_600_000, 'salary'), // familiar now, but joins the open alert
      edit(day1 + 2 * 3_600_000, 'Offer_Amount'),
      edit(day1 + 20 * 3_600_000, 'offer_amount'), // the next local day: familiar, quiet
    ];
    const found = incidents(run(events));
    expect([...found.keys()]).toEqual(['sensitive_field:u-1:2026-03-13']);
    const [incident] = [...found.values()];
    expect(incident!.eventIds.size).toBe(3);
    expect(incident!.findings.at(-1)!.summary).toContain(
      'made 3 sensitive changes (salary, Offer_Amount) on 2026-03-13',
    );
  });

  it('familiarDays 0 alerts on every sensitive change; exempt actors never alert; other fields never', () => {
    const events = [
      edit(T0),
      edit(T0 + 8 * DAY, 'salary'),
      edit(T0 + 9 * DAY, 'salary'),
      edit(T0 + 10 * DAY, 'phone'),
    ];
    expect(run(events, { familiarDays: 0 })).toHaveLength(2);
    expect(run(events, { familiarDays: 0, exemptActors: ['u-1'] })).toEqual([]);
    expect(run(events, { learningDays: 0 }).map((f) => f.eventIds[0])).toEqual([events[1]!.id]);
  });
});
