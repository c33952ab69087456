import { isFailedSignIn, signInAccount } from '../classify';
import {
  continues,
  extend,
  findingFor,
  iso,
  localTime,
  localWhen,
  minutes,
  type Open,
  plural,
} from '../finding';
import { paramsParser, wholeNumber } from '../params';
import { MINUTE } from '../schedule';
import { RULE_NAMES, type Detector } from '../types';

export type SprayingParams = {
  /** Alert when one address fails to sign in to more than this many distinct accounts… */
  maxAccounts: number;
  /** …within this many minutes. */
  windowMinutes: number;
};

/**
 * The newest maxAccounts + 1 distinct accounts that failed from the address, each with the time
 * and event id of its latest failure, oldest first; and the open incident.
 */
export type SprayingState = {
  accounts: string[];
  t: number[];
  ids: number[];
  open: (Open & { targets: string[] }) | null;
};

const DEFAULTS: SprayingParams = { maxAccounts: 10, windowMinutes: 30 };
/** Distinct accounts remembered for an open incident's summary. */
const MAX_TARGETS = 200;

/**
 * password_spraying: one address tries few passwords on many accounts — failed sign-ins (see
 * failed_login_burst for what counts) from one IP address against more than `maxAccounts`
 * (default 10) distinct accounts within `windowMinutes` (default 30). Keyed by the source
 * address, whoever the events name as actor (sprays are usually anonymous).
 *
 * Exact with a small state: the distinct accounts of the window number more than N exactly when
 * the N + 1 accounts with the most recent failures all failed within the window, so only those
 * are kept (by latest failure, in time order; a late event is slotted in). Dedupe:
 * `password_spraying:<address>:<time of the first failure>`; failures from the address keep
 * joining until it has been quiet for the window. The office NAT addresses many people share are
 * the reason the default is 10 accounts, not 3: a Monday morning of typos stays well below it.
 */
export const passwordSpraying: Detector<SprayingParams, SprayingState> = {
  rule: 'password_spraying',
  name: RULE_NAMES.password_spraying,
  description:
    'Failed sign-ins from one address to many different accounts in a short time: someone trying a common password on everyone.',
  defaultSeverity: 'high',
  defaults: DEFAULTS,
  parseParams: paramsParser(
    { maxAccounts: wholeNumber(1, 10000), windowMinutes: wholeNumber(1, 1440) },
    DEFAULTS,
  ),
  keyOf(event) {
    return event.actorIp && isFailedSignIn(event) ? event.actorIp : null;
  },
  initialState: () => ({ accounts: [], t: [], ids: [], open: null }),
  evaluate(event, state, params, ctx) {
    const ip = event.actorIp as string;
    const account = signInAccount(event) ?? '(unknown account)';
    const t = event.occurredAt;
    const span = params.windowMinutes * MINUTE;
    const target = { targetType: 'ip_address', targetId: ip, targetLabel: ip };
    const agent = event.actorUserAgent ? ` (${event.actorUserAgent})` : '';

    const describe = (open: NonNullable<SprayingState['open']>, eventIds: number[]) => {
      const distinct =
        open.targets.length >= MAX_TARGETS ? `${MAX_TARGETS}+` : `${open.targets.length}`;
      const f = findingFor('password_spraying', event, {
        severity: ctx.severity,
        dedupeKey: open.key,
        // Every finding words the whole incident so far: the engine shows the latest one.
        summary: `${ip}${agent} failed to sign in to ${distinct} different accounts (${plural(open.count, 'attempt')}) within ${minutes(open.last - open.first)}, from ${localWhen(event, ctx.settings, open.first)} to ${localTime(event, ctx.settings, open.last)}: more than ${plural(params.maxAccounts, 'account')} in ${minutes(span)}.`,
        eventIds,
        details: {
          address: ip,
          userAgent: event.actorUserAgent,
          accounts: open.targets.length,
          attempts: open.count,
          someAccounts: open.targets.slice(0, 20),
          firstAt: iso(open.first),
          lastAt: iso(open.last),
          maxAccounts: params.maxAccounts,
          windowMinutes: params.windowMinutes,
        },
      });
      return { ...f, ...target };
    };

    if (continues(state.open, t, span)) {
      const prev = state.open;
      const targets =
        prev.targets.includes(account) || prev.targets.length >= MAX_TARGETS
          ? prev.targets
          : [...prev.targets, account];
      const open = { ...extend(prev, t), targets };
      return { state: { ...state, open }, findings: [describe(open, [event.id])] };
    }

    // Replace the account's entry (keeping its latest failure) and slot it in by time.
    const accounts = state.accounts.slice();
    const ts = state.t.slice();
    const ids = state.ids.slice();
    const at = accounts.indexOf(account);
    if (at !== -1) {
      if ((ts[at] as number) >= t) return { state, findings: [] };
      accounts.splice(at, 1);
      ts.splice(at, 1);
      ids.splice(at, 1);
    }
    let i = ts.length;
    while (i > 0 && (ts[i - 1] as number) > t) i--;
    accounts.splice(i, 0, account);
    ts.splice(i, 0, t);
    ids.splice(i, 0, event.id);
    const cap = params.maxAccounts + 1;
    if (ts.length > cap) {
      accounts.splice(0, ts.length - cap);
      ts.splice(0, ts.length - cap);
      ids.splice(0, ids.length - cap);
    }
    const n = ts.length;
    const fired = n === cap && (ts[n - 1] as number) - (ts[0] as number) < span;
    if (!fired) return { state: { accounts, t: ts, ids, open: state.open }, findings: [] };

    const first = ts[0] as number;
    const last = ts[n - 1] as number;
    const open = {
      key: `password_spraying:${ip}:${first}`,
      first,
      last,
      count: n,
      targets: accounts.slice(),
    };
    return { state: { accounts, t: ts, ids, open }, findings: [describe(open, ids.slice())] };
  },
};
