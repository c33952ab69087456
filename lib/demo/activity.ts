/**
 * When people work: the intraday activity density of each person (weekday hours, a morning and
 * an afternoon peak, a lunch dip, a trickle of evening/weekend reads, late workers' evenings,
 * vacations and sick days) and of the two service accounts. Densities are per 15-minute slot of
 * the person's local wall clock; the planner turns them into event counts and times.
 */
import type { Profile } from './org';
import { hashUnit } from './random';

/** Kinds of time for a person: inside their working hours, a late worker's evening, or off hours. */
export const WORK = 0;
export const LATE_EVENING = 1;
export const OFF_HOURS = 2;
export type TimeKind = typeof WORK | typeof LATE_EVENING | typeof OFF_HOURS;

export const LATE_EVENING_START = 20;
export const LATE_EVENING_END = 23;

/** Per-person availability: a block vacation, and the span during which the account is in use at all. */
export type Availability = {
  /** Local day numbers [from, to) of a block vacation, or null. */
  vacation: [number, number] | null;
  /** The account produces background traffic only in [activeFrom, activeUntil) (epoch ms). */
  activeFrom: number;
  activeUntil: number;
  /** Never sick or on vacation (people with a part in a planted incident). */
  alwaysIn: boolean;
};

export function isWorkday(p: Profile, weekday: number): boolean {
  return p.workDays.includes(weekday);
}

/** A sick day or a vacation day (only ever on the person's workdays). */
export function isAway(seed: number, p: Profile, a: Availability, localDay: number): boolean {
  if (a.alwaysIn) return false;
  if (a.vacation && localDay >= a.vacation[0] && localDay < a.vacation[1]) return true;
  return hashUnit(seed, p.index, localDay, 0x51c) < 0.025;
}

/** Whether a late worker works this evening (about 3 evenings in 5). */
export function worksLate(seed: number, p: Profile, localDay: number): boolean {
  return p.lateWorker && hashUnit(seed, p.index, localDay, 0x1a7e) < 0.6;
}

/** The kind of time a local moment is for this person. */
export function timeKind(
  seed: number,
  p: Profile,
  weekday: number,
  hour: number,
  localDay: number,
): TimeKind {
  const workday = isWorkday(p, weekday);
  if (workday && hour >= p.workStart && hour < p.workEnd) return WORK;
  if (
    workday &&
    hour >= LATE_EVENING_START &&
    hour < LATE_EVENING_END &&
    worksLate(seed, p, localDay)
  )
    return LATE_EVENING;
  return OFF_HOURS;
}

/** The shape of a working day: slow start, mid-morning peak, lunch dip, mid-afternoon peak, wind-down. */
function workingShape(p: Profile, h: number): number {
  let f = 1;
  if (h < p.workStart + 0.5) f = 0.55;
  else if (h < p.workStart + 1) f = 0.9;
  else if (h >= 9.5 && h < 11.75) f = 1.3;
  if (h >= 12 && h < 13) f = 0.35;
  else if (h >= 13 && h < 13.5) f = 0.75;
  else if (h >= 14 && h < 16) f = 1.2;
  if (h >= p.workEnd - 1) f = Math.min(f, 0.6);
  return f;
}

/**
 * Relative activity of a person at a local moment (weekday 0 = Sunday, hour as a fraction). About
 * 2% of an ordinary person's traffic falls outside their hours (evening and weekend reads).
 */
export function personDensity(
  seed: number,
  p: Profile,
  a: Availability,
  weekday: number,
  h: number,
  localDay: number,
): number {
  const workday = isWorkday(p, weekday);
  if (workday && isAway(seed, p, a, localDay)) return 0;
  if (workday) {
    if (h >= p.workStart && h < p.workEnd) return workingShape(p, h);
    if (h >= LATE_EVENING_START && h < LATE_EVENING_END && worksLate(seed, p, localDay)) return 0.7;
    if (h >= p.workEnd && h < p.workEnd + 2) return 0.04;
    if (h >= p.workStart - 1 && h < p.workStart) return 0.03;
    return 0.002;
  }
  return h >= 10 && h < 18 ? 0.003 : 0.0005;
}

/** The nightly HRIS payroll sync: 01:00–01:45 UTC every day. */
export function hrisSyncDensity(utcHour: number): number {
  return utcHour >= 1 && utcHour < 1.75 ? 1 : 0;
}

/** The job-board importer: applications arrive round the clock, more during European and American days. */
export function jobBoardDensity(utcHour: number, utcWeekday: number): number {
  let d = 0.15;
  if (utcHour >= 7 && utcHour < 16) d += 0.6;
  if (utcHour >= 13 && utcHour < 22) d += 1;
  if (utcWeekday === 0 || utcWeekday === 6) d *= 0.4;
  return d;
}
