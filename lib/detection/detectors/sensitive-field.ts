import { fieldKey, isChange, sensitiveChanges } from '../classify';
import { findingFor, localDay, localWhen, what, who } from '../finding';
import { paramsParser, stringList, wholeNumber } from '../params';
import { DAY } from '../schedule';
import { RULE_NAMES, type Detector } from '../types';

export type SensitiveFieldParams = {
  /** Days after an actor's first change during which their habits are only learned. */
  learningDays: number;
  /** A field the actor changed within this many days is familiar (0: every change alerts). */
  familiarDays: number;
  /** Actor ids never alerted on (e.g. an HR integration). */
  exemptActors: string[];
};

/**
 * When the actor's first change was seen; when they last changed each sensitive field
 * (normalised name -> epoch ms; at most 50); and the local date of their open alert.
 */
export type SensitiveFieldState = {
  since: number | null;
  fields: Record<string, number>;
  day: string | null;
  /** The open alert of `day`: changes so far, their fields, and why it was raised. */
  n: number;
  dayFields: string[];
  why: string;
};

const DEFAULTS: SensitiveFieldParams = { learningDays: 7, familiarDays: 30, exemptActors: [] };
const MAX_FIELDS = 50;

/**
 * sensitive_field: a change to a field named in settings.sensitiveFields (case-insensitive, last
 * path segment; `bank_account`, `bankAccount` and `Bank-Account` agree) by someone who does not
 * usually change it.
 *
 * Why not every change: in the demo organisation HR and payroll change salaries and bank
 * accounts every working day, and recruiters offer amounts; an alert per change (or even per
 * person per day) would be hundreds a month, all expected. So a field is *familiar* to an actor
 * who changed it within the last `familiarDays` (default 30) and such changes do not alert;
 * `familiarDays: 0` alerts on every change instead. The first `learningDays` (default 7) after an
 * actor's first change of any kind only learn (otherwise the first week of monitoring would
 * flag every payroll clerk). What stays: someone changing a sensitive field they have not
 * touched in a month — a recruiter editing salaries, a salesperson a bank account.
 * Self-changes and off-hours changes have their own rules.
 *
 * Dedupe: one alert per actor and local day, `sensitive_field:<actor>:<date>`; once it is open,
 * all of the actor's sensitive changes that day join it (familiar or not), so the reviewer sees
 * the whole day. State per actor: first change seen, last change per sensitive field (at most
 * 50), the date of the open alert.
 */
export const sensitiveField: Detector<SensitiveFieldParams, SensitiveFieldState> = {
  rule: 'sensitive_field',
  name: RULE_NAMES.sensitive_field,
  description:
    'Someone changed a sensitive field (salary, bank account, national id…) that they do not normally change.',
  defaultSeverity: 'medium',
  defaults: DEFAULTS,
  parseParams: paramsParser(
    {
      learningDays: wholeNumber(0, 365),
      familiarDays: wholeNumber(0, 365),
      exemptActors: stringList(),
    },
    DEFAULTS,
  ),
  keyOf(event) {
    return event.actorId !== null && event.actorType !== 'anonymous' && isChange(event)
      ? event.actorId
      : null;
  },
  initialState: () => ({ since: null, fields: {}, day: null, n: 0, dayFields: [], why: '' }),
  evaluate(event, state, params, ctx) {
    const t = event.occurredAt;
    const since = state.since === null ? t : Math.min(state.since, t);
    const sensitive = sensitiveChanges(event, ctx.settings);
    if (sensitive.length === 0)
      return { state: since === state.since ? state : { ...state, since }, findings: [] };

    const fields = { ...state.fields };
    const unfamiliar: string[] = [];
    const lastChanged: Record<string, string | null> = {};
    for (const c of sensitive) {
      const key = fieldKey(c.field);
      // Field names come from outside: never read `constructor` off the prototype.
      const last = Object.hasOwn(state.fields, key) ? state.fields[key] : undefined;
      const familiar =
        params.familiarDays > 0 && last !== undefined && t - last <= params.familiarDays * DAY;
      if (!familiar && !unfamiliar.includes(c.field)) {
        unfamiliar.push(c.field);
        lastChanged[c.field] = last === undefined ? null : new Date(last).toISOString();
      }
      fields[key] = Math.max(last ?? t, t);
    }
    const names = Object.keys(fields);
    if (names.length > MAX_FIELDS) {
      names.sort((a, b) => (fields[a] ?? 0) - (fields[b] ?? 0));
      for (const name of names.slice(0, names.length - MAX_FIELDS)) delete fields[name];
    }

    const day = localDay(event, ctx.settings);
    const learning = t - since < params.learningDays * DAY;
    const exempt = event.actorId !== null && params.exemptActors.includes(event.actorId);
    const joins = state.day === day;
    if (exempt || (!joins && (learning || unfamiliar.length === 0)))
      return { state: { ...state, since, fields }, findings: [] };

    const changed = [...new Set(sensitive.map((c) => c.field))];
    const reason = unfamiliar
      .map((f) =>
        lastChanged[f]
          ? `they had not changed ${f} in the ${params.familiarDays} days before`
          : `the first time they changed ${f}`,
      )
      .join('; ');
    const why = joins ? state.why || reason : reason;
    const n = joins ? state.n + 1 : 1;
    let dayFields = joins ? state.dayFields : [];
    for (const f of changed)
      if (!dayFields.includes(f) && dayFields.length < 8) dayFields = [...dayFields, f];
    // Every finding words the whole day so far: the engine shows the latest one.
    const summary =
      n === 1
        ? `${who(event)} changed ${changed.join(', ')} of ${what(event)} at ${localWhen(event, ctx.settings)}: ${why}.`
        : `${who(event)} made ${n} sensitive changes (${dayFields.join(', ')}) on ${day}, the latest to ${what(event)} at ${localWhen(event, ctx.settings)}: ${why}.`;
    return {
      state: { since, fields, day, n, dayFields, why },
      findings: [
        findingFor('sensitive_field', event, {
          severity: ctx.severity,
          dedupeKey: `sensitive_field:${event.actorId}:${day}`,
          summary,
          details: {
            action: event.action,
            fields: changed,
            fieldsToday: dayFields,
            changesToday: n,
            unfamiliarFields: unfamiliar,
            lastChanged,
            familiarDays: params.familiarDays,
            learningDays: params.learningDays,
          },
        }),
      ],
    };
  },
};
