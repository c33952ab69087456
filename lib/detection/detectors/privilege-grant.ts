import { actionInfo, adminRevocationOf, adminSet, grantOf } from '../classify';
import { findingFor, localTime, localWhen, what, who } from '../finding';
import { flag, paramsParser, wholeNumber } from '../params';
import { MINUTE } from '../schedule';
import { RULE_NAMES, type DetectionEvent, type Detector } from '../types';

export type PrivilegeParams = {
  /** Service and system accounts (provisioning, SCIM) count as administrators. */
  trustServiceAccounts: boolean;
  /** Learn administrators: whoever a known administrator gives admin-level access. */
  learnAdmins: boolean;
  /** Also alert on administrators' everyday grants (viewer → editor); off by default. */
  alertOnRoutineAdminGrants: boolean;
  /** Grants by one actor less than this many minutes apart are one alert. */
  gapMinutes: number;
};

/**
 * One state for the whole organisation (grants are rare): the administrators learned from
 * earlier events, and each granting actor's open incident (key and time of their last grant).
 */
export type PrivilegeState = {
  admins: string[];
  open: Record<string, OpenGrant>;
};

/** An actor's open incident: its key, first/last grant, and what was granted to whom so far. */
type OpenGrant = {
  key: string;
  first: number;
  last: number;
  n: number;
  granted: string[];
  grantees: string[];
  adminLevel: boolean;
};

const DEFAULTS: PrivilegeParams = {
  trustServiceAccounts: true,
  learnAdmins: true,
  alertOnRoutineAdminGrants: false,
  gapMinutes: 60,
};
const MAX_LEARNED = 200;
const MAX_OPEN = 100;
const MAX_LISTED = 6;

const addCapped = (list: string[], item: string) =>
  list.includes(item) || list.length >= MAX_LISTED ? list : [...list, item];
const GLOBAL = '*';

/** Quick test before the full grantOf: could this event grant anything at all? */
function mayGrant(event: DetectionEvent): boolean {
  if (event.outcome !== 'success') return false;
  const info = actionInfo(event.action);
  return !info.signIn && (event.changes.length > 0 || info.grants || info.awsPrivilege);
}

/**
 * privilege_grant: someone was given more access — a role, permission, group membership or admin
 * flag raised (field changes such as `role: member → admin`, `members: + someone`,
 * `permission: team_viewer → hr_editor`; `user.role_change`; bare `*.grant`/`*.assign`), or a
 * CloudTrail privilege-escalation call (AttachUserPolicy, PutUserPolicy, AddUserToGroup,
 * CreateAccessKey, Create/UpdateLoginProfile, UpdateAssumeRolePolicy, Lambda AddPermission…; see
 * classify.AWS_PRIVILEGE_ACTIONS). Removals and lower levels are not grants.
 *
 * Who may grant: settings.adminActors; service/system accounts when `trustServiceAccounts`
 * (default on); and, when `learnAdmins` (default on), people a known administrator has given
 * admin-level access to (an admin role, an admin group, AdministratorAccess) — and forgotten
 * again when their admin access is taken away. Learning only follows grants made by someone
 * already trusted, so a non-admin who makes a colleague admin does not make them trusted.
 *
 * Severity: a grant by anyone who is not an administrator is critical. Admin-level grants by
 * administrators get the rule's severity (default high). Administrators' routine grants (not
 * admin-level) are their job and do not alert unless `alertOnRoutineAdminGrants`.
 *
 * State: one organisation-wide state (key `*`): up to 200 learned admins and up to 100 open
 * incidents. Dedupe: `privilege_grant:<actor>:<event id of their first grant>`; the actor's
 * further grants join it while they come less than `gapMinutes` (default 60) apart.
 */
export const privilegeGrant: Detector<PrivilegeParams, PrivilegeState> = {
  rule: 'privilege_grant',
  name: RULE_NAMES.privilege_grant,
  description:
    'Someone was given more access (a role, a permission, an admin group, an IAM policy). Critical when whoever gave it is not an administrator.',
  defaultSeverity: 'high',
  defaults: DEFAULTS,
  parseParams: paramsParser(
    {
      trustServiceAccounts: flag(),
      learnAdmins: flag(),
      alertOnRoutineAdminGrants: flag(),
      gapMinutes: wholeNumber(1, 1440),
    },
    DEFAULTS,
  ),
  keyOf(event) {
    return mayGrant(event) ? GLOBAL : null;
  },
  initialState: () => ({ admins: [], open: {} }),
  evaluate(event, state, params, ctx) {
    const grant = grantOf(event);
    if (!grant) {
      if (!params.learnAdmins || state.admins.length === 0) return { state, findings: [] };
      const revoked = adminRevocationOf(event);
      if (revoked === null || !state.admins.includes(revoked)) return { state, findings: [] };
      return {
        state: { ...state, admins: state.admins.filter((a) => a !== revoked) },
        findings: [],
      };
    }

    const actor = event.actorId ?? event.actorEmail ?? event.actorIp ?? '(unknown)';
    const configured = event.actorId !== null && adminSet(ctx.settings).has(event.actorId);
    const learned = event.actorId !== null && state.admins.includes(event.actorId);
    const service =
      params.trustServiceAccounts &&
      (event.actorType === 'service' || event.actorType === 'system');
    const isAdmin = configured || learned || service;
    const basis = configured
      ? 'configured'
      : learned
        ? 'learned'
        : service
          ? 'service account'
          : null;

    let admins = state.admins;
    if (
      params.learnAdmins &&
      isAdmin &&
      grant.adminLevel &&
      grant.grantee !== null &&
      !admins.includes(grant.grantee)
    )
      admins = [...admins, grant.grantee].slice(-MAX_LEARNED);

    if (isAdmin && !grant.adminLevel && !params.alertOnRoutineAdminGrants)
      return { state: admins === state.admins ? state : { ...state, admins }, findings: [] };

    const t = event.occurredAt;
    // Actor ids come from outside: never read `constructor` off the prototype.
    const prev = Object.hasOwn(state.open, actor) ? state.open[actor] : undefined;
    const continuing = prev !== undefined && Math.abs(t - prev.last) < params.gapMinutes * MINUTE;
    const self = grant.grantee !== null && grant.grantee === event.actorId;
    const granteeName = self ? 'themselves' : (grant.granteeLabel ?? grant.grantee ?? what(event));
    let entry: OpenGrant = continuing
      ? { ...prev, first: Math.min(prev.first, t), last: Math.max(prev.last, t), n: prev.n + 1 }
      : {
          key: `privilege_grant:${actor}:${event.id}`,
          first: t,
          last: t,
          n: 1,
          granted: [],
          grantees: [],
          adminLevel: false,
        };
    let granted = entry.granted;
    for (const w of grant.what) granted = addCapped(granted, w);
    entry = {
      ...entry,
      granted,
      grantees: addCapped(entry.grantees, granteeName),
      adminLevel: entry.adminLevel || grant.adminLevel,
    };
    const open = { ...state.open, [actor]: entry };
    const names = Object.keys(open);
    if (names.length > MAX_OPEN) {
      names.sort((a, b) => (open[a]?.last ?? 0) - (open[b]?.last ?? 0));
      for (const name of names.slice(0, names.length - MAX_OPEN)) delete open[name];
    }

    const standing = isAdmin ? `an administrator (${basis})` : 'not an administrator';
    const level = entry.adminLevel ? 'admin-level access' : 'more access';
    const when =
      entry.n === 1
        ? `at ${localWhen(event, ctx.settings)}`
        : `in ${entry.n} grants from ${localWhen(event, ctx.settings, entry.first)} to ${localTime(event, ctx.settings, entry.last)}`;
    // Every finding words the whole incident so far: the engine shows the latest one.
    const action = entry.n === 1 ? ` (${event.action})` : '';
    const summary = `${who(event)} (${standing}) gave ${entry.grantees.join(', ')} ${level}: ${entry.granted.join('; ')}${action} ${when}.`;
    return {
      state: { admins, open },
      findings: [
        findingFor('privilege_grant', event, {
          severity: isAdmin ? ctx.severity : 'critical',
          dedupeKey: entry.key,
          summary,
          details: {
            action: event.action,
            grantee: grant.grantee,
            granteeLabel: grant.granteeLabel,
            granted: grant.what,
            adminLevel: entry.adminLevel,
            selfGrant: self,
            grantsInIncident: entry.n,
            grantedInIncident: entry.granted,
            granteesInIncident: entry.grantees,
            actorIsAdmin: isAdmin,
            adminBasis: basis,
          },
        }),
      ],
    };
  },
};
