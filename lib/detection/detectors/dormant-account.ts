import { findingFor, iso, localWhen, who } from '../finding';
import { paramsParser, wholeNumber } from '../params';
import { DAY, MINUTE } from '../schedule';
import { RULE_NAMES, type Detector } from '../types';

export type DormantParams = {
  /** An account unused for at least this many days is dormant. */
  dormantDays: number;
  /** The actor's events this many minutes after the return join the alert. */
  followUpMinutes: number;
};

/** Last activity (epoch ms), and the return being followed: its key, until when, events joined. */
export type DormantState = {
  last: number | null;
  open: {
    key: string;
    from: number;
    until: number;
    n: number;
    /** Last activity before the return, and the first address it came from. */
    before: number;
    ip: string | null;
  } | null;
};

const DEFAULTS: DormantParams = { dormantDays: 30, followUpMinutes: 60 };
const MAX_FOLLOW_UP = 200;

/**
 * dormant_account: an account active again after at least `dormantDays` (default 30) without any
 * event. The first event ever seen for an actor only starts the clock (nothing is known before
 * it). Every actor with an id counts, service accounts included; a failed sign-in that names the
 * account as actor counts as activity too (somebody is using it).
 *
 * The return opens an incident, `dormant_account:<actor>:<time of return>`, and the actor's
 * events in the next `followUpMinutes` (default 60; at most 200 of them) join it, so the alert
 * shows what the account did on its return. A vacation of two or three weeks stays below the
 * default. Events older than the last activity (arriving late) change nothing.
 * State per actor: last activity (to 15 minutes) and the open return.
 */
export const dormantAccount: Detector<DormantParams, DormantState> = {
  rule: 'dormant_account',
  name: RULE_NAMES.dormant_account,
  description:
    'An account that had not been used for weeks became active again — a leaver, a forgotten account, or someone else using it.',
  defaultSeverity: 'high',
  defaults: DEFAULTS,
  parseParams: paramsParser(
    { dormantDays: wholeNumber(1, 3650), followUpMinutes: wholeNumber(0, 1440) },
    DEFAULTS,
  ),
  keyOf(event) {
    return event.actorId !== null && event.actorType !== 'anonymous' ? event.actorId : null;
  },
  initialState: () => ({ last: null, open: null }),
  evaluate(event, state, params, ctx) {
    const t = event.occurredAt;
    const describe = (open: NonNullable<DormantState['open']>) => {
      const days = Math.floor((open.from - open.before) / DAY);
      const since = `after ${days} days without any activity (last seen around ${localWhen(event, ctx.settings, open.before)}); dormant means ${params.dormantDays} days or more`;
      // Every finding words the whole return so far: the engine shows the latest one.
      const summary =
        open.n === 1
          ? `${who(event)} was active again at ${localWhen(event, ctx.settings, open.from)} (${event.action}${open.ip ? ` from ${open.ip}` : ''}) ${since}.`
          : `${who(event)} was active again from ${localWhen(event, ctx.settings, open.from)}${open.ip ? ` (from ${open.ip})` : ''} ${since}; ${open.n} events since, the latest ${event.action}.`;
      return findingFor('dormant_account', event, {
        severity: ctx.severity,
        dedupeKey: open.key,
        summary,
        details: {
          action: event.action,
          address: event.actorIp,
          userAgent: event.actorUserAgent,
          returnedAt: iso(open.from),
          lastSeenBefore: iso(open.before),
          inactiveDays: days,
          eventsSinceReturn: open.n,
          dormantDays: params.dormantDays,
        },
      });
    };

    const open = state.open;
    if (open && t >= open.from && t <= open.until) {
      const last = Math.max(state.last ?? t, t);
      if (open.n >= MAX_FOLLOW_UP)
        return { state: last === state.last ? state : { ...state, last }, findings: [] };
      const next = { ...open, n: open.n + 1 };
      return { state: { last, open: next }, findings: [describe(next)] };
    }
    if (state.last === null) return { state: { last: t, open: null }, findings: [] };
    if (t <= state.last) return { state, findings: [] };
    if (t - state.last < params.dormantDays * DAY) {
      // Last activity is kept to a quarter of an hour: a day's events then rewrite the state a
      // few dozen times, not once each; a dormant period can look 15 minutes longer.
      if (t - state.last < 15 * MINUTE) return { state, findings: [] };
      return { state: { last: t, open: state.open }, findings: [] };
    }

    const next = {
      key: `dormant_account:${event.actorId}:${t}`,
      from: t,
      until: t + params.followUpMinutes * MINUTE,
      n: 1,
      before: state.last,
      ip: event.actorIp,
    };
    return { state: { last: t, open: next }, findings: [describe(next)] };
  },
};
