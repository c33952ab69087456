import {
  fieldKey,
  isChange,
  isSignIn,
  ownSchedule,
  scheduleFor,
  sensitiveChanges,
  sensitiveSet,
} from '../classify';
import { findingFor, shiftSeverity, what, who } from '../finding';
import { flag, paramsParser, wholeNumber } from '../params';
import {
  describeSchedule,
  formatLocal,
  holidaySet,
  isWorkingLocal,
  localTime,
  MINUTE,
  offHoursStretch,
} from '../schedule';
import { RULE_NAMES, type DetectionEvent, type Detector } from '../types';

export type OffHoursParams = {
  /** Changes this close to the start or end of the working day are not off hours. */
  graceMinutes: number;
  /** One severity step up when a sensitive field (settings.sensitiveFields) is changed. */
  raiseForSensitive: boolean;
};

/**
 * The actor's current off-hours stretch: its sign-ins not yet attached to the alert (as
 * context), and the changes so far (count, first and last time, distinct fields) so that each
 * finding can word the whole incident.
 */
export type OffHoursState = {
  stretch: string | null;
  signIns: number[];
  changes: number;
  first: number;
  last: number;
  fields: string[];
};

const initial = (): OffHoursState => ({
  stretch: null,
  signIns: [],
  changes: 0,
  first: 0,
  last: 0,
  fields: [],
});

const DEFAULTS: OffHoursParams = { graceMinutes: 15, raiseForSensitive: true };
const MAX_SIGN_INS = 3;
const MAX_FIELDS = 8;

function describeChange(event: DetectionEvent): string {
  const fields = [...new Set(event.changes.map((c) => c.field))];
  if (fields.length === 0) return `did ${event.action} on ${what(event)}`;
  const list =
    fields.length <= 3
      ? fields.join(', ')
      : `${fields.length} fields (${fields.slice(0, 3).join(', ')}, …)`;
  return `changed ${list} of ${what(event)}`;
}

/** `02:04 on Saturday 2026-06-06 to 02:30 (Europe/Berlin)`, repeating the day only if it differs. */
function span(from: number, to: number, timeZone: string): string {
  const a = localTime(from, timeZone);
  const b = localTime(to, timeZone);
  const end = a.date === b.date ? formatLocal(b).slice(0, 5) : formatLocal(b);
  return `${formatLocal(a)} to ${end} (${timeZone})`;
}

/**
 * off_hours_change: a change made outside the actor's working hours, in their own time zone.
 *
 * - A change is a successful event with field changes or a writing verb (see classify.isChange);
 *   only people (actor type `user`) are judged: service accounts have no working hours.
 * - Schedule: settings.schedules[actorId]; else the default schedule's days and hours in the
 *   event's actor time zone; else the default schedule. Days not in the schedule and
 *   settings.holidays (local dates) are off hours all day. DST-correct (lib/detection/schedule).
 * - graceMinutes (default 15): a change within 15 minutes of the working day is not off hours
 *   (finishing a task at 16:05 is not an incident).
 * - Dedupe: one alert per actor and off-hours stretch, `off_hours_change:<actor>:<date>`, where the
 *   date is the local date of the last shift before the stretch (a Friday night and the Saturday
 *   and Sunday after it are one stretch). No state is needed for that, so restarts and events
 *   arriving out of order land on the same alert.
 * - State: the ids of up to 3 successful sign-ins of the actor in the current off-hours stretch,
 *   attached to the stretch's first change so the alert shows how the session began.
 * - Severity: the rule's (default medium), one step higher when a sensitive field changed.
 */
export const offHoursChange: Detector<OffHoursParams, OffHoursState> = {
  rule: 'off_hours_change',
  name: RULE_NAMES.off_hours_change,
  description:
    'Someone changed data outside their own working hours (evenings, weekends, holidays), read in their own time zone. Changes of sensitive fields raise the severity.',
  defaultSeverity: 'medium',
  defaults: DEFAULTS,
  parseParams: paramsParser(
    { graceMinutes: wholeNumber(0, 240), raiseForSensitive: flag() },
    DEFAULTS,
  ),
  keyOf(event) {
    if (event.actorId === null || event.actorType !== 'user') return null;
    return isChange(event) || isSignIn(event) ? event.actorId : null;
  },
  initialState: initial,
  evaluate(event, state, params, ctx) {
    const { settings } = ctx;
    const schedule = scheduleFor(event, settings);
    const holidays = holidaySet(settings.holidays);
    const t = event.occurredAt;
    const lt = localTime(t, schedule.timeZone);
    if (isWorkingLocal(lt, schedule, holidays)) return { state, findings: [] };
    const grace = params.graceMinutes * MINUTE;
    if (
      grace > 0 &&
      (isWorkingLocal(localTime(t - grace, schedule.timeZone), schedule, holidays) ||
        isWorkingLocal(localTime(t + grace, schedule.timeZone), schedule, holidays))
    )
      return { state, findings: [] };

    const stretch = offHoursStretch(lt, schedule, holidays);
    const current = state.stretch === stretch;
    // An event of an earlier stretch arriving late: judged on its own, the state is left alone.
    const late = !current && state.stretch !== null && t < state.last;
    if (!isChange(event)) {
      // An off-hours sign-in: remember it for the stretch's next change.
      if (late) return { state, findings: [] };
      const base = current ? state : { ...initial(), stretch };
      if (base.signIns.length >= MAX_SIGN_INS) return { state, findings: [] };
      return { state: { ...base, signIns: [...base.signIns, event.id] }, findings: [] };
    }

    const base = current ? state : { ...initial(), stretch };
    const context = late ? [] : base.signIns;
    const fields = [...base.fields];
    for (const c of event.changes)
      if (!fields.includes(c.field) && fields.length < MAX_FIELDS) fields.push(c.field);
    const nextState: OffHoursState = late
      ? state
      : {
          stretch,
          signIns: [],
          changes: base.changes + 1,
          first: base.changes === 0 ? t : Math.min(base.first, t),
          last: base.changes === 0 ? t : Math.max(base.last, t),
          fields,
        };
    const sensitive = sensitiveChanges(event, settings);
    const severity =
      params.raiseForSensitive && sensitive.length > 0
        ? shiftSeverity(ctx.severity, 1)
        : ctx.severity;
    const own = ownSchedule(event, settings) !== undefined;
    const holiday = holidays.has(lt.date);
    const hours = describeSchedule(schedule);
    const reason = holiday
      ? `on a holiday (${lt.date})`
      : schedule.days.includes(lt.isoDay)
        ? `outside their working hours ${hours}`
        : `on a day off (their working hours are ${hours})`;
    return {
      state: nextState,
      findings: [
        findingFor('off_hours_change', event, {
          severity,
          dedupeKey: `off_hours_change:${event.actorId}:${stretch}`,
          summary:
            late || nextState.changes === 1
              ? `${who(event)} ${describeChange(event)} at ${formatLocal(lt)} (${schedule.timeZone}), ${reason}.`
              : `${who(event)} made ${nextState.changes} changes (${nextState.fields.join(', ')}) from ${span(nextState.first, nextState.last, schedule.timeZone)}, ${reason}; latest: ${describeChange(event)}.`,
          eventIds: [...context, event.id],
          details: {
            action: event.action,
            timeZone: schedule.timeZone,
            localTime: `${String(lt.hour).padStart(2, '0')}:${String(lt.minute).padStart(2, '0')}`,
            localDate: lt.date,
            weekday: lt.isoDay,
            schedule: hours,
            scheduleSource: own
              ? 'personal'
              : event.actorTimeZone
                ? 'default hours, actor time zone'
                : 'default',
            holiday,
            stretch,
            graceMinutes: params.graceMinutes,
            changes: late ? 1 : nextState.changes,
            fields: late ? [...new Set(event.changes.map((c) => c.field))] : nextState.fields,
            sensitiveFields: late
              ? [...new Set(sensitive.map((c) => c.field))]
              : nextState.fields.filter((f) => sensitiveSet(settings).has(fieldKey(f))),
            signInsBefore: context,
          },
        }),
      ],
    };
  },
};
