import { isFailedSignIn, signInAccount } from '../classify';
import {
  findingFor,
  initialThreshold,
  iso,
  localTime,
  localWhen,
  minutes,
  plural,
  thresholdStep,
  type ThresholdState,
} from '../finding';
import { paramsParser, wholeNumber } from '../params';
import { MINUTE } from '../schedule';
import { RULE_NAMES, type DetectionEvent, type Detector } from '../types';

export type FailedLoginParams = {
  /** Alert on more than this many failed sign-ins to one account… */
  maxFailures: number;
  /** …within this many minutes. */
  windowMinutes: number;
};

/** Plus the last few distinct addresses the failures came from (for the summary). */
export type FailedLoginState = ThresholdState & { ips: string[] };

const DEFAULTS: FailedLoginParams = { maxFailures: 5, windowMinutes: 15 };
const MAX_IPS = 5;

function accountLabel(event: DetectionEvent, account: string): string {
  if (event.targetId === account && event.targetLabel) return event.targetLabel;
  if (event.actorId === account) return event.actorEmail ?? event.actorName ?? account;
  return account;
}

/**
 * failed_login_burst: brute force against one account — more than `maxFailures` (default 5)
 * failed sign-ins within `windowMinutes` (default 15). A failed sign-in is a sign-in action
 * (login, sign_in, logon, console_login, authenticate in the verb) with outcome failure or a
 * name that says it failed: `user.login_failed`, `auth.sign_in_failed`, CloudTrail
 * `signin.console_login` with ConsoleLogin: Failure. MFA challenges are not counted.
 *
 * The account is the target when it is a user, else the actor (see classify.signInAccount), so
 * anonymous attempts against a known account count for it. State per account: the newest
 * maxFailures + 1 failures in time order, the open incident and the last 5 source addresses.
 * Dedupe: `failed_login_burst:<account>:<time of the first failure>`; further failures join
 * until the account has seen none for the window. The alert is about the account's owner.
 */
export const failedLoginBurst: Detector<FailedLoginParams, FailedLoginState> = {
  rule: 'failed_login_burst',
  name: RULE_NAMES.failed_login_burst,
  description:
    'Many failed sign-ins to the same account in a short time: someone may be guessing its password.',
  defaultSeverity: 'high',
  defaults: DEFAULTS,
  parseParams: paramsParser(
    { maxFailures: wholeNumber(1, 10000), windowMinutes: wholeNumber(1, 1440) },
    DEFAULTS,
  ),
  keyOf(event) {
    return isFailedSignIn(event) ? signInAccount(event) : null;
  },
  initialState: () => ({ ...initialThreshold(), ips: [] }),
  evaluate(event, state, params, ctx) {
    const account = signInAccount(event) as string;
    const span = params.windowMinutes * MINUTE;
    const step = thresholdStep(
      state,
      event.occurredAt,
      event.id,
      params.maxFailures,
      span,
      `failed_login_burst:${account}`,
    );
    const ip = event.actorIp;
    const ips = ip && !state.ips.includes(ip) ? [...state.ips, ip].slice(-MAX_IPS) : state.ips;
    const nextState: FailedLoginState = { ...step.state, ips };
    if (step.kind === 'none') return { state: nextState, findings: [] };
    const { open } = step;
    const label = accountLabel(event, account);
    const from = ips.length > 0 ? ` from ${ips.join(', ')}` : '';
    // Every finding words the whole incident so far: the engine shows the latest one.
    const summary = `${plural(open.count, 'failed sign-in')} to the account ${label} within ${minutes(open.last - open.first)}${from}, from ${localWhen(event, ctx.settings, open.first)} to ${localTime(event, ctx.settings, open.last)}: more than ${plural(params.maxFailures, 'failure')} in ${minutes(span)}.`;
    const finding = findingFor('failed_login_burst', event, {
      severity: ctx.severity,
      dedupeKey: open.key,
      summary,
      eventIds: step.kind === 'fired' ? step.ids : [event.id],
      details: {
        account,
        accountLabel: label,
        failures: open.count,
        addresses: ips,
        firstAt: iso(open.first),
        lastAt: iso(open.last),
        maxFailures: params.maxFailures,
        windowMinutes: params.windowMinutes,
        action: event.action,
      },
    });
    // The alert is about the account under attack, whoever (if anyone) the attempt names as actor.
    finding.actorId = account;
    finding.actorName =
      event.actorId === account
        ? event.actorName
        : event.targetId === account
          ? event.targetLabel
          : null;
    return { state: nextState, findings: [finding] };
  },
};
