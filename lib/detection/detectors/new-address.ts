import { findingFor, localWhen, shiftSeverity, who } from '../finding';
import { flag, paramsParser, wholeNumber } from '../params';
import { DAY } from '../schedule';
import { RULE_NAMES, type Detector } from '../types';

export type NewAddressParams = {
  /** No alerts in the first days after an actor is first seen… */
  learningDays: number;
  /** …nor before this many of their events have been seen. */
  learningEvents: number;
  /** Addresses remembered per actor (the least recently used are forgotten). */
  maxAddresses: number;
  /** Also alert on a new browser/client family alone (off: browsers change every few weeks). */
  alertOnNewUserAgent: boolean;
};

/**
 * Per actor: first seen, events seen (counted up to learningEvents), and the known addresses and
 * user-agent families with the UTC day each was last used (parallel arrays, most recent last).
 */
export type NewAddressState = {
  since: number | null;
  n: number;
  ips: string[];
  ipDays: number[];
  agents: string[];
  agentDays: number[];
};

const DEFAULTS: NewAddressParams = {
  learningDays: 14,
  learningEvents: 50,
  maxAddresses: 20,
  alertOnNewUserAgent: false,
};
const MAX_AGENTS = 10;

const familyCache = new Map<string, string>();
/**
 * A user agent's family: browser and operating system for browsers (`Firefox on Windows`), the
 * product name otherwise (`python-requests`, `aws-cli`). Version numbers are dropped, so browser
 * updates are not new clients.
 */
export function userAgentFamily(ua: string): string {
  let family = familyCache.get(ua);
  if (family !== undefined) return family;
  const os = /iPhone|iPad/.test(ua)
    ? 'iOS'
    : /Android/.test(ua)
      ? 'Android'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /Linux|X11/.test(ua)
            ? 'Linux'
            : null;
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /OPR\/|Opera/.test(ua)
      ? 'Opera'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /Chrome\/|CriOS\//.test(ua)
          ? 'Chrome'
          : /Safari\//.test(ua)
            ? 'Safari'
            : null;
  if (browser && os) family = `${browser} on ${os}`;
  else {
    const product = /^[^\s/;(]+/.exec(ua)?.[0] ?? ua;
    family =
      product.replace(/[_-]?[0-9a-f]{8}-[0-9a-f-]{27,}$/i, '').slice(0, 60) || ua.slice(0, 60);
  }
  if (familyCache.size > 10_000) familyCache.clear();
  familyCache.set(ua, family);
  return family;
}

/** The list with `value` used on `day` (moved to the end), trimmed to `cap` entries. */
function touch(values: string[], days: number[], value: string, day: number, cap: number) {
  const v = values.slice();
  const d = days.slice();
  const at = v.indexOf(value);
  if (at !== -1) {
    v.splice(at, 1);
    d.splice(at, 1);
  }
  v.push(value);
  d.push(day);
  if (v.length > cap) {
    v.splice(0, v.length - cap);
    d.splice(0, d.length - cap);
  }
  return { values: v, days: d };
}

/**
 * new_address: an actor acts from an IP address never seen for them (or, with
 * `alertOnNewUserAgent`, from a new browser/client family alone).
 *
 * Learning: nothing alerts until the actor has been seen for `learningDays` (default 14) and in
 * `learningEvents` (default 50) events: everyone's first days are all "new", and the home, VPN and
 * phone addresses of an ordinary person show up within two weeks. Addresses are compared exactly
 * (no /24 grouping: a documentation-range office and an attacker can share a prefix).
 * Severity: the rule's (default low); one step higher when the browser/client family is new too.
 * Every actor with an id counts, service accounts included (theirs should never change).
 *
 * State per actor: first seen, event count (up to learningEvents), the last `maxAddresses`
 * (default 20) addresses and 10 client families with the UTC day each was last used — written
 * only when something new appears or a known one is used on a new day. Dedupe:
 * `new_address:<actor>:<address>`: one alert per new address, ever.
 */
export const newAddress: Detector<NewAddressParams, NewAddressState> = {
  rule: 'new_address',
  name: RULE_NAMES.new_address,
  description:
    'Someone was active from an IP address never seen for them before (after a learning period). Higher when the browser is new too.',
  defaultSeverity: 'low',
  defaults: DEFAULTS,
  parseParams: paramsParser(
    {
      learningDays: wholeNumber(0, 365),
      learningEvents: wholeNumber(0, 100_000),
      maxAddresses: wholeNumber(1, 200),
      alertOnNewUserAgent: flag(),
    },
    DEFAULTS,
  ),
  keyOf(event) {
    if (event.actorId === null || event.actorType === 'anonymous') return null;
    return event.actorIp !== null || event.actorUserAgent !== null ? event.actorId : null;
  },
  initialState: () => ({ since: null, n: 0, ips: [], ipDays: [], agents: [], agentDays: [] }),
  evaluate(event, state, params, ctx) {
    const t = event.occurredAt;
    const day = Math.floor(t / DAY);
    const ip = event.actorIp;
    const agent = event.actorUserAgent === null ? null : userAgentFamily(event.actorUserAgent);
    const ipAt = ip === null ? -2 : state.ips.indexOf(ip);
    const agentAt = agent === null ? -2 : state.agents.indexOf(agent);
    const counting = state.n < params.learningEvents;
    const fresh =
      (ipAt === -2 || (ipAt >= 0 && state.ipDays[ipAt] === day)) &&
      (agentAt === -2 || (agentAt >= 0 && state.agentDays[agentAt] === day)) &&
      state.since !== null &&
      state.since <= t;
    if (fresh && !counting) return { state, findings: [] };

    const since = state.since === null ? t : Math.min(state.since, t);
    const next: NewAddressState = { ...state, since, n: counting ? state.n + 1 : state.n };
    if (ip !== null && !(ipAt >= 0 && state.ipDays[ipAt] === day)) {
      const r = touch(state.ips, state.ipDays, ip, day, params.maxAddresses);
      next.ips = r.values;
      next.ipDays = r.days;
    }
    if (agent !== null && !(agentAt >= 0 && state.agentDays[agentAt] === day)) {
      const r = touch(state.agents, state.agentDays, agent, day, MAX_AGENTS);
      next.agents = r.values;
      next.agentDays = r.days;
    }

    const learning = state.n < params.learningEvents || t - since < params.learningDays * DAY;
    const newIp = ipAt === -1;
    const newAgent = agentAt === -1;
    if (learning || !(newIp || (params.alertOnNewUserAgent && newAgent)))
      return { state: next, findings: [] };

    const known = state.ips.slice(-5).reverse();
    const parts: string[] = [];
    if (newIp) parts.push(`a new address ${ip}`);
    if (newAgent) parts.push(`a new ${newIp ? 'browser' : 'browser or client'} (${agent})`);
    const usual = known.length > 0 ? `; recently seen: ${known.join(', ')}` : '';
    return {
      state: next,
      findings: [
        findingFor('new_address', event, {
          severity: newIp && newAgent ? shiftSeverity(ctx.severity, 1) : ctx.severity,
          dedupeKey: `new_address:${event.actorId}:${newIp ? ip : `agent:${agent}`}`,
          summary: `${who(event)} used ${parts.join(' and ')} at ${localWhen(event, ctx.settings)} (${event.action})${usual}.`,
          details: {
            address: ip,
            newAddress: newIp,
            userAgent: event.actorUserAgent,
            userAgentFamily: agent,
            newUserAgent: newAgent,
            knownAddresses: state.ips,
            knownUserAgents: state.agents,
            firstSeen: new Date(since).toISOString(),
          },
        }),
      ],
    };
  },
};
