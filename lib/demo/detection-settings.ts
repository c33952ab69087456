/**
 * Detection settings that fit the demo organisation (lib/demo/org.ts): everyone's own working
 * hours in their office's zone, the sensitive fields its HRIS and ATS change, and its IT
 * administrators. Ids and hours are fixed by the roster (only names depend on the seed), so the
 * settings are the same for every seed.
 */
import { DEFAULT_SETTINGS } from '@/lib/detection/settings';
import type { DetectionSettings, Schedule } from '@/lib/detection/types';
import { LATE_EVENING_END } from './activity';
import { buildRoster } from './org';

export function demoDetectionSettings(): DetectionSettings {
  const people = buildRoster(0);
  const schedules: Record<string, Schedule> = {};
  for (const p of people) {
    schedules[p.id] = {
      timeZone: p.timeZone,
      // The roster counts days from Sunday = 0; schedules use ISO days (Sunday = 7).
      days: p.workDays.map((d) => (d === 0 ? 7 : d)).sort((a, b) => a - b),
      startHour: p.workStart,
      // Late workers legitimately work 20:00-23:00 on (most) workdays: their day ends at 23:00.
      endHour: p.lateWorker ? LATE_EVENING_END : p.workEnd,
    };
  }
  return {
    defaultSchedule: DEFAULT_SETTINGS.defaultSchedule,
    schedules,
    // The demo's people work every weekday of the window (the generator has no public
    // holidays), so listing real ones would turn ordinary work on those days into alerts.
    holidays: [],
    // What the demo's systems change that reviewers care about: pay (hris salary, ats
    // offer_amount), bank details (hris bank_account), plus the identity numbers an HRIS holds.
    sensitiveFields: [
      'salary',
      'bank_account',
      'offer_amount',
      'national_id',
      'tax_id',
      'date_of_birth',
      'iban',
    ],
    adminActors: people.filter((p) => p.isAdmin).map((p) => p.id),
  };
}
