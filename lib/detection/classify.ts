/**
 * What an event is, as the detectors see it: a change, a deletion, an export (and of how many
 * rows), a sign-in attempt, a grant of access; whose account it concerns; which fields are
 * sensitive. Every source names its actions differently (`candidate.update`, `auth.sign_in_failed`,
 * CloudTrail's `iam.attach_user_policy`), so the verb part of `resource.verb` is split into words
 * and matched against small vocabularies. Results per action and per field name are cached: the
 * set of distinct names is small, and the detectors ask for every event.
 */
import type { FieldChange } from '@/lib/audit/types';
import type { DetectionEvent, DetectionSettings, Schedule } from './types';

export type ActionInfo = {
  /** The part after the first dot, split into lower-case words (`member_add` -> member, add). */
  words: readonly string[];
  /** A verb that writes (create, update, delete, assign, ...). */
  writes: boolean;
  /** delete, remove, purge, destroy, erase, wipe, trash, terminate. */
  deletes: boolean;
  /** export, download, dump, extract. */
  exports: boolean;
  /** A sign-in attempt: login, log_in, logon, sign_in, signin, console_login, authenticate (and no writing verb). */
  signIn: boolean;
  /** The name itself says it failed (`user.login_failed`). */
  namedFailure: boolean;
  /** grant, assign, attach, promote, elevate (a verb that gives access by itself). */
  grants: boolean;
  /** A CloudTrail-style privilege escalation call (see AWS_PRIVILEGE_ACTIONS). */
  awsPrivilege: boolean;
};

const WRITE_VERBS = new Set([
  'create',
  'add',
  'insert',
  'update',
  'edit',
  'modify',
  'change',
  'set',
  'put',
  'patch',
  'delete',
  'remove',
  'purge',
  'destroy',
  'erase',
  'wipe',
  'trash',
  'terminate',
  'assign',
  'unassign',
  'grant',
  'revoke',
  'attach',
  'detach',
  'enable',
  'disable',
  'approve',
  'reject',
  'activate',
  'deactivate',
  'reactivate',
  'import',
  'upload',
  'move',
  'rename',
  'restore',
  'reset',
  'rotate',
  'merge',
  'replace',
  'write',
  'submit',
  'cancel',
  'archive',
  'lock',
  'unlock',
  'suspend',
  'invite',
  'transfer',
  'publish',
]);
const DELETE_VERBS = new Set([
  'delete',
  'remove',
  'purge',
  'destroy',
  'erase',
  'wipe',
  'trash',
  'terminate',
]);
const EXPORT_VERBS = new Set(['export', 'download', 'dump', 'extract']);
const GRANT_VERBS = new Set(['grant', 'assign', 'attach', 'promote', 'elevate']);
const FAILURE_WORDS = new Set(['failed', 'failure', 'fail', 'denied', 'rejected']);

/**
 * CloudTrail calls that give an identity more access or a way in (after the importer's
 * `<service>.<snake_case>` naming; Lambda's versioned names are matched by prefix):
 * attaching or inlining a policy, group membership, new access keys or console passwords for a
 * user, rewriting a role's trust policy, a new default policy version, dropping a permissions
 * boundary, and resource policies that let other principals invoke a function.
 */
export const AWS_PRIVILEGE_ACTIONS = [
  'iam.attach_user_policy',
  'iam.attach_role_policy',
  'iam.attach_group_policy',
  'iam.put_user_policy',
  'iam.put_role_policy',
  'iam.put_group_policy',
  'iam.add_user_to_group',
  'iam.create_access_key',
  'iam.create_login_profile',
  'iam.update_login_profile',
  'iam.update_assume_role_policy',
  'iam.create_policy_version',
  'iam.set_default_policy_version',
  'iam.delete_user_permissions_boundary',
  'iam.delete_role_permissions_boundary',
  'iam.add_role_to_instance_profile',
  'lambda.add_permission',
  'lambda.add_layer_version_permission',
];

const actionCache = new Map<string, ActionInfo>();

export function actionInfo(action: string): ActionInfo {
  let info = actionCache.get(action);
  if (info !== undefined) return info;
  const dot = action.indexOf('.');
  const verb = (dot === -1 ? action : action.slice(dot + 1)).toLowerCase();
  const words = verb.split(/[^a-z]+/).filter((w) => w !== '');
  const has = (set: Set<string>) => words.some((w) => set.has(w));
  let signIn = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    const next = words[i + 1];
    if (
      w === 'login' ||
      w === 'logon' ||
      w === 'signin' ||
      w === 'authenticate' ||
      ((w === 'sign' || w === 'log') && next === 'in')
    )
      signIn = true;
  }
  // `iam.create_login_profile` writes a password; it is no sign-in.
  const writes = has(WRITE_VERBS);
  if (writes) signIn = false;
  const lower = action.toLowerCase();
  info = {
    words,
    writes,
    deletes: has(DELETE_VERBS),
    exports: has(EXPORT_VERBS),
    signIn,
    namedFailure: has(FAILURE_WORDS),
    grants: has(GRANT_VERBS),
    awsPrivilege: AWS_PRIVILEGE_ACTIONS.some((a) => lower === a || lower.startsWith(a)),
  };
  if (actionCache.size > 10_000) actionCache.clear();
  actionCache.set(action, info);
  return info;
}

/**
 * A change: a successful event that records field changes, or whose verb writes. Sign-ins never
 * are (CloudTrail's ConsoleLogin is not read-only, yet changes nothing the audit cares about).
 * Failed attempts changed nothing.
 */
export function isChange(event: DetectionEvent): boolean {
  if (event.outcome !== 'success') return false;
  const info = actionInfo(event.action);
  return !info.signIn && (event.changes.length > 0 || info.writes);
}

/** A successful deletion (a failed one destroyed nothing). */
export function isDelete(event: DetectionEvent): boolean {
  return event.outcome === 'success' && actionInfo(event.action).deletes;
}

/** A failed sign-in attempt (outcome failure, or an action named e.g. `user.login_failed`). */
export function isFailedSignIn(event: DetectionEvent): boolean {
  const info = actionInfo(event.action);
  return info.signIn && (event.outcome === 'failure' || info.namedFailure);
}

/** A successful sign-in. */
export function isSignIn(event: DetectionEvent): boolean {
  const info = actionInfo(event.action);
  return info.signIn && event.outcome === 'success' && !info.namedFailure;
}

/** Metadata keys that hold an export's row count, in order of preference. */
export const ROW_COUNT_KEYS = [
  'row_count',
  'rowCount',
  'rows',
  'count',
  'record_count',
  'recordCount',
  'records',
  'total_rows',
];

/**
 * The number of rows an export event carries: the first of ROW_COUNT_KEYS in the metadata that
 * holds a non-negative whole number (or a string of digits). A range such as `"1-500"` is not a
 * count and is skipped. Null when the event names no count.
 */
export function exportRows(event: DetectionEvent): number | null {
  const m = event.metadata;
  for (const key of ROW_COUNT_KEYS) {
    const v = m[key];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return Math.floor(v);
    if (typeof v === 'string' && /^\d{1,15}$/.test(v)) return Number(v);
  }
  return null;
}

/** A successful export (the row count may be unknown). */
export function isExport(event: DetectionEvent): boolean {
  return event.outcome === 'success' && actionInfo(event.action).exports;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * The account a sign-in attempt is against: the target when it is a user (`user`, `iam_user`),
 * else the actor (id, then e-mail), else a user name in the metadata.
 */
export function signInAccount(event: DetectionEvent): string | null {
  if (event.targetId && event.targetType && event.targetType.includes('user'))
    return event.targetId;
  return (
    event.actorId ??
    event.actorEmail ??
    str(event.metadata.username) ??
    str(event.metadata.userName) ??
    str(event.metadata.email)
  );
}

/** The person a change is about when the target is a container (a group): metadata ids. */
const SUBJECT_KEYS = ['member_id', 'user_id', 'employee_id', 'memberId', 'userId'];

export function subjectIds(event: DetectionEvent): string[] {
  const out: string[] = [];
  if (event.targetId) out.push(event.targetId);
  for (const key of SUBJECT_KEYS) {
    const v = str(event.metadata[key]);
    if (v) out.push(v);
  }
  return out;
}

/** The user name at the end of an IAM user ARN (`arn:aws:iam::1:user/path/name` -> name). */
function arnUserName(arn: string): string | null {
  const m = /^arn:[^:]*:iam::[^:]*:user\/(?:.*\/)?([^/]+)$/.exec(arn);
  return m ? (m[1] as string) : null;
}

/**
 * Whether the actor acted on their own record: the target (or the member a group change is
 * about) is the actor's id or e-mail (case-insensitive), or for IAM the user named by the
 * actor's ARN.
 */
export function isSelfTarget(event: DetectionEvent): boolean {
  const actorId = event.actorId;
  const email = event.actorEmail?.toLowerCase() ?? null;
  if (actorId === null && email === null) return false;
  for (const id of subjectIds(event)) {
    if (id === actorId) return true;
    if (email !== null && id.toLowerCase() === email) return true;
  }
  if (email !== null && event.targetLabel?.toLowerCase() === email) return true;
  if (actorId !== null && event.targetType === 'iam_user' && event.targetId) {
    const name = actorId.startsWith('arn:') ? arnUserName(actorId) : null;
    if (name !== null && name === event.targetId) return true;
  }
  return false;
}

/** Lower-case letters and digits only: `Bank_Account`, `bankAccount` and `bank-account` agree. */
function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const segmentCache = new Map<string, string>();
/** The normalised last path segment of a field (`employee.bank_account` -> bankaccount). */
export function fieldKey(field: string): string {
  let key = segmentCache.get(field);
  if (key === undefined) {
    const trimmed = field.replace(/(\[[^\]]*\])+$/, '');
    const cut = Math.max(trimmed.lastIndexOf('.'), trimmed.lastIndexOf('/'));
    key = normaliseName(trimmed.slice(cut + 1));
    if (segmentCache.size > 10_000) segmentCache.clear();
    segmentCache.set(field, key);
  }
  return key;
}

const sensitiveSets = new WeakMap<readonly string[], ReadonlySet<string>>();
/** The settings' sensitive field names, normalised, cached per array. */
export function sensitiveSet(settings: DetectionSettings): ReadonlySet<string> {
  const list = settings.sensitiveFields;
  let set = sensitiveSets.get(list);
  if (!set) {
    set = new Set(list.map(fieldKey).filter((k) => k !== ''));
    sensitiveSets.set(list, set);
  }
  return set;
}

/** The changes of an event that touch sensitive fields. */
export function sensitiveChanges(
  event: DetectionEvent,
  settings: DetectionSettings,
): FieldChange[] {
  if (event.changes.length === 0) return [];
  const set = sensitiveSet(settings);
  if (set.size === 0) return [];
  return event.changes.filter((c) => set.has(fieldKey(c.field)));
}

const adminSets = new WeakMap<readonly string[], ReadonlySet<string>>();
export function adminSet(settings: DetectionSettings): ReadonlySet<string> {
  const list = settings.adminActors;
  let set = adminSets.get(list);
  if (!set) {
    set = new Set(list);
    adminSets.set(list, set);
  }
  return set;
}

/**
 * The actor's own schedule. Actor ids come from outside: `Object.hasOwn`, so an id such as
 * `constructor` or `__proto__` never finds something on the prototype.
 */
export function ownSchedule(
  event: Pick<DetectionEvent, 'actorId'>,
  settings: DetectionSettings,
): Schedule | undefined {
  const id = event.actorId;
  return id !== null && Object.hasOwn(settings.schedules, id) ? settings.schedules[id] : undefined;
}

/**
 * The schedule that applies to an actor and the zone it is read in: their own schedule; else the
 * default schedule's days and hours in the zone the event reports for them; else the default.
 */
export function scheduleFor(
  event: Pick<DetectionEvent, 'actorId' | 'actorTimeZone'>,
  settings: DetectionSettings,
): Schedule {
  const own = ownSchedule(event, settings);
  if (own) return own;
  const tz = event.actorTimeZone;
  if (tz && tz !== settings.defaultSchedule.timeZone) return zonedDefault(settings, tz);
  return settings.defaultSchedule;
}

const zonedDefaults = new WeakMap<Schedule, Map<string, Schedule>>();
function zonedDefault(settings: DetectionSettings, timeZone: string): Schedule {
  let byZone = zonedDefaults.get(settings.defaultSchedule);
  if (!byZone) {
    byZone = new Map();
    zonedDefaults.set(settings.defaultSchedule, byZone);
  }
  let s = byZone.get(timeZone);
  if (!s) {
    s = { ...settings.defaultSchedule, timeZone };
    byZone.set(timeZone, s);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Access levels, for telling a grant from a revocation.

/**
 * Field names (normalised last segment) that hold access: roles, permissions, group membership,
 * admin flags, scopes. Matched exactly, so CloudTrail's `groupName` or `roleName` parameters (the
 * name of the thing acted on) do not count; CloudTrail grants are recognised by action instead.
 */
const ACCESS_FIELDS = new Set([
  'role',
  'roles',
  'permission',
  'permissions',
  'group',
  'groups',
  'member',
  'members',
  'membership',
  'memberships',
  'privilege',
  'privileges',
  'accesslevel',
  'access',
  'scope',
  'scopes',
  'isadmin',
  'admin',
  'superuser',
  'issuperuser',
  'entitlement',
  'entitlements',
  'policy',
  'policies',
]);

/** Known access levels, low to high. Unknown names have no rank. */
const LEVELS: Record<string, number> = {
  none: 0,
  noaccess: 0,
  disabled: 0,
  guest: 1,
  selfservice: 1,
  viewer: 1,
  read: 1,
  reader: 1,
  readonly: 1,
  member: 1,
  user: 1,
  basic: 1,
  auditor: 1,
  teamviewer: 2,
  reviewer: 2,
  commenter: 2,
  editor: 3,
  write: 3,
  writer: 3,
  contributor: 3,
  developer: 3,
  hreditor: 3,
  complianceofficer: 3,
  approver: 4,
  payrolleditor: 4,
  manager: 4,
  maintainer: 4,
  moderator: 4,
  poweruser: 4,
  owner: 5,
  admin: 5,
  administrator: 5,
  administrators: 5,
  superuser: 5,
  superadmin: 5,
  root: 5,
  globaladmin: 5,
};

const ADMIN_VALUE =
  /admin|superuser|\broot\b|\bowner\b|fullaccess|"action"\s*:\s*"\*"|"principal"\s*:\s*"\*"|^\*$/i;

const isEmpty = (v: unknown) =>
  v === null || v === undefined || v === false || v === '' || (Array.isArray(v) && v.length === 0);

function rank(v: unknown): number | null {
  if (v === true) return 5;
  if (isEmpty(v)) return 0;
  if (typeof v !== 'string') return null;
  const key = normaliseName(v);
  return Object.hasOwn(LEVELS, key) ? (LEVELS[key] as number) : null;
}

/** Whether a value names admin-level access (admin, superuser, AdministratorAccess, `*`). */
export function isAdminValue(v: unknown): boolean {
  if (v === true) return false; // a bare flag: only admin-like field names make it admin
  if (typeof v === 'string') return ADMIN_VALUE.test(v);
  if (Array.isArray(v)) return v.some(isAdminValue);
  if (v !== null && typeof v === 'object') return ADMIN_VALUE.test(JSON.stringify(v));
  return false;
}

/**
 * Whether a change to an access field gives more: something where there was nothing, a list
 * with a new entry, or a higher known level. Removals and lower levels are not grants. Two
 * levels of unknown rank count as a grant: someone should look at it.
 */
function isGrantChange(c: FieldChange): boolean {
  if (isEmpty(c.new)) return false;
  if (isEmpty(c.old)) return true;
  if (Array.isArray(c.new)) {
    const old = Array.isArray(c.old) ? c.old.map((x) => JSON.stringify(x)) : [];
    return c.new.some((x) => !old.includes(JSON.stringify(x)));
  }
  const rn = rank(c.new);
  const ro = rank(c.old);
  if (rn !== null && ro !== null) return rn > ro;
  return JSON.stringify(c.new) !== JSON.stringify(c.old);
}

/** Whether a change takes admin-level access away (admin -> anything lower). */
function isAdminRevocation(c: FieldChange): boolean {
  const key = fieldKey(c.field);
  const adminField = key === 'isadmin' || key === 'admin' || key === 'superuser';
  if (adminField) return c.old === true && c.new !== true;
  return isAdminValue(c.old) && !isAdminValue(c.new);
}

export type Grant = {
  /** Who receives the access (member id, target id, IAM user/role name). */
  grantee: string | null;
  granteeLabel: string | null;
  /** Human-readable description of what was granted, e.g. "role member → admin". */
  what: string[];
  /** Admin-level access (admin role, Administrators group, AdministratorAccess, `*`). */
  adminLevel: boolean;
};

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const clip = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * CloudTrail events carry the request's parameters as changes (old always null), so field names
 * such as `policy` or `scope` say nothing about access there: CloudTrail grants are recognised by
 * action only.
 */
function fromCloudTrail(event: DetectionEvent): boolean {
  const source = event.metadata.eventSource;
  return typeof source === 'string' && source.endsWith('.amazonaws.com');
}

function granteeOf(event: DetectionEvent): { id: string | null; label: string | null } {
  for (const key of SUBJECT_KEYS) {
    const v = str(event.metadata[key]);
    if (!v) continue;
    // A group change names the member in its `members` change (often an e-mail): the label.
    const member = event.changes.find((c) => {
      const k = fieldKey(c.field);
      return (k === 'member' || k === 'members') && typeof (c.new ?? c.old) === 'string';
    });
    return { id: v, label: member ? String(member.new ?? member.old) : null };
  }
  return { id: event.targetId, label: event.targetLabel ?? event.targetId };
}

/**
 * The access an event grants, or null. Field-level: changes to access fields that give more
 * (see isGrantChange). Action-level: CloudTrail privilege calls (AWS_PRIVILEGE_ACTIONS), and
 * grant-like verbs (`*.grant`, `*.assign`) that record no field at all.
 */
export function grantOf(event: DetectionEvent): Grant | null {
  if (event.outcome !== 'success') return null;
  const info = actionInfo(event.action);
  if (info.signIn) return null;
  const what: string[] = [];
  let adminLevel = false;
  const targetAdmin =
    /admin/i.test(event.targetLabel ?? '') ||
    (event.targetType === 'group' && /admin/i.test(event.targetId ?? ''));
  if (info.awsPrivilege || fromCloudTrail(event)) {
    if (!info.awsPrivilege) return null;
    what.push(event.action);
    for (const c of event.changes) if (isAdminValue(c.new)) adminLevel = true;
  } else {
    for (const c of event.changes) {
      if (!ACCESS_FIELDS.has(fieldKey(c.field)) || !isGrantChange(c)) continue;
      const key = fieldKey(c.field);
      const isMembers = key === 'member' || key === 'members';
      if (isMembers) {
        what.push(`membership of ${event.targetLabel ?? event.targetId ?? 'a group'}`);
        if (targetAdmin) adminLevel = true;
      } else {
        what.push(
          isEmpty(c.old)
            ? `${c.field} ${clip(show(c.new))}`
            : `${c.field} ${clip(show(c.old))} → ${clip(show(c.new))}`,
        );
        if (isAdminValue(c.new) || key === 'isadmin' || key === 'admin' || key === 'superuser')
          adminLevel = true;
      }
    }
    if (what.length === 0) {
      if (event.changes.length > 0 || !info.grants) return null;
      what.push(event.action);
      if (targetAdmin) adminLevel = true;
    }
  }
  const g = granteeOf(event);
  return { grantee: g.id, granteeLabel: g.label, what, adminLevel };
}

/** The grantee whose admin-level access an event takes away, or null. */
export function adminRevocationOf(event: DetectionEvent): string | null {
  if (event.outcome !== 'success') return null;
  for (const c of event.changes) {
    if (!ACCESS_FIELDS.has(fieldKey(c.field))) continue;
    const key = fieldKey(c.field);
    if ((key === 'member' || key === 'members') && isEmpty(c.new) && !isEmpty(c.old)) {
      if (/admin/i.test(event.targetLabel ?? '')) return granteeOf(event).id;
      continue;
    }
    if (isAdminRevocation(c)) return granteeOf(event).id;
  }
  return null;
}
