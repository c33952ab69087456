/**
 * The planted incidents: where in the window each one goes, which events it consists of, and the
 * manifest entry that tells a demo (and the tests) what should be detected. Placement uses the
 * actor's own time zone, so "Saturday 02:00" is 02:00 on their wall clock, DST included.
 * The events' contents (old/new values) are filled in while streaming, from the same state as the
 * background traffic, so values chain (the self-raise starts from the current salary).
 */
import type { Profile } from './org';
import { Rng } from './random';
import { type Clock, DAY, MINUTE, civilFromDays, isoDate, localParts } from './time';

export const CRM = 0;
export const ATS = 1;
export const HRIS = 2;
export const IDENTITY = 3;
export const SOURCE_NAMES = ['crm', 'ats', 'hris', 'identity'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

export type IncidentKind =
  | 'offhours_salary_edit'
  | 'mass_export'
  | 'mass_delete'
  | 'password_spraying'
  | 'privilege_grant_by_non_admin'
  | 'self_salary_raise'
  | 'dormant_account_active';

export type PlantedRender =
  | 'offhours_login'
  | 'offhours_salary'
  | 'export'
  | 'status_change'
  | 'mass_delete'
  | 'deactivate'
  | 'spray'
  | 'grant_role'
  | 'grant_group'
  | 'self_raise'
  | 'dormant_prior_login'
  | 'dormant_prior_view'
  | 'dormant_prior_logout'
  | 'dormant_login'
  | 'dormant_mfa'
  | 'dormant_view_crm'
  | 'dormant_view_ats';

/** One planted event. `incident` is null for context events (e.g. HR recording a resignation). */
export type Planted = {
  ms: number;
  source: number;
  render: PlantedRender;
  /** Person index of the actor, or -1 (anonymous). */
  actor: number;
  /** Person index of the target, or -1. */
  target: number;
  /** Position within its incident (e.g. export part 3 of 10). */
  part: number;
  parts: number;
  incident: number | null;
};

export type IncidentDraft = {
  id: string;
  kind: IncidentKind;
  description: string;
  actorId: string | null;
  source: SourceName;
  expectedAlert: string;
};

/** Addresses used only by the incidents (RFC 5737 documentation range, never used by staff). */
export const SPRAY_IP = '203.0.113.201';
export const SPRAY_USER_AGENT = 'python-requests/2.31.0';
export const DORMANT_IP = '203.0.113.144';
export const DORMANT_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0';

export const EXPORT_PARTS = 10;
export const EXPORT_ROWS = 500;
export const MASS_DELETE_COUNT = 300;
export const SPRAY_ACCOUNTS = 40;
export const OFFHOURS_EDITS = 6;

export type Placement = {
  planted: Planted[];
  incidents: IncidentDraft[];
  /** Background traffic stops for these people at these instants (the leaver, the dormant account). */
  activeUntil: Map<number, number>;
  /** Days without any activity before the dormant account reappears. */
  dormantGapDays: number;
};

type Ctx = { clock: Clock; people: Profile[]; start: number; end: number; rng: Rng };

function roleIndex(people: Profile[], role: Profile['incident']): number {
  const p = people.find((x) => x.incident === role);
  if (!p) throw new Error(`demo roster has no ${role}`);
  return p.index;
}

/** The instant of a local wall-clock time on a local day number in the person's zone. */
function atLocal(
  ctx: Ctx,
  p: Profile,
  dayNumber: number,
  hour: number,
  minute = 0,
  second = 0,
): number {
  const { year, month, day } = civilFromDays(dayNumber);
  return ctx.clock.localToUtc(p.timeZone, year, month, day, hour, minute, second);
}

function localDay(ctx: Ctx, p: Profile, ms: number): number {
  return localParts(ms, ctx.clock.offset(p.timeZone, ms)).dayNumber;
}

const weekdayOf = (dayNumber: number) => (((dayNumber + 4) % 7) + 7) % 7;

/** The latest of the person's workdays on or before a local day. */
function workdayOnOrBefore(p: Profile, dayNumber: number): number {
  let d = dayNumber;
  while (!p.workDays.includes(weekdayOf(d))) d--;
  return d;
}

/** The earliest of the person's workdays on or after a local day. */
function workdayOnOrAfter(p: Profile, dayNumber: number): number {
  let d = dayNumber;
  while (!p.workDays.includes(weekdayOf(d))) d++;
  return d;
}

const fmt = (ms: number) => new Date(ms).toISOString();
const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ',');

export function placeIncidents(ctx: Ctx): Placement {
  const { people, start, end, rng } = ctx;
  const planted: Planted[] = [];
  const incidents: IncidentDraft[] = [];
  const activeUntil = new Map<number, number>();
  const add = (e: Omit<Planted, 'part' | 'parts'> & { part?: number; parts?: number }) =>
    planted.push({ part: 0, parts: 1, ...e });
  const person = (i: number) => people[i] as Profile;
  const jitter = (maxSeconds: number) => Math.floor(rng.next() * maxSeconds * 1000);

  // 1. Salary edits at 02:00 on a Saturday: the last Saturday at least 7 days before the end.
  {
    const i = roleIndex(people, 'offhours_salary_editor');
    const p = person(i);
    const ref = end - 7 * DAY;
    let d = localDay(ctx, p, ref);
    while (weekdayOf(d) !== 6 || atLocal(ctx, p, d, 2, 30) > ref) d--;
    const t0 = atLocal(ctx, p, d, 2, 0);
    const incident = incidents.length;
    add({
      ms: t0 + 60_000 + jitter(50),
      source: IDENTITY,
      render: 'offhours_login',
      actor: i,
      target: i,
      incident,
    });
    const candidates = people
      .filter((x) => x.index !== i && x.incident !== 'self_raiser')
      .map((x) => x.index);
    const targets = rng.shuffle(candidates).slice(0, OFFHOURS_EDITS);
    targets.forEach((target, k) =>
      add({
        ms: t0 + (4 + k * 4) * MINUTE + jitter(150),
        source: HRIS,
        render: 'offhours_salary',
        actor: i,
        target,
        part: k,
        parts: OFFHOURS_EDITS,
        incident,
      }),
    );
    incidents.push({
      id: 'inc-offhours-salary',
      kind: 'offhours_salary_edit',
      description:
        `${p.name} (${p.title}, ${p.timeZone}) signs in at 02:01 local time on Saturday ${isoDate(d)} and raises the salaries of ` +
        `${OFFHOURS_EDITS} colleagues (hris employee.update, field salary, +18–35%) between 02:04 and 02:30 — ` +
        `far outside their ${p.workStart}:00–${p.workEnd}:00 weekday hours. Events: 1 identity user.login + ${OFFHOURS_EDITS} hris employee.update.`,
      actorId: p.id,
      source: 'hris',
      expectedAlert: 'off_hours_change',
    });
  }

  // 2. A recruiter exports the whole candidate database: 10 exports of 500 rows in ~20 minutes.
  {
    const i = roleIndex(people, 'exporter');
    const p = person(i);
    const d = workdayOnOrBefore(p, localDay(ctx, p, end - 5 * DAY));
    const t0 = atLocal(ctx, p, d, 15, 40);
    const incident = incidents.length;
    for (let k = 0; k < EXPORT_PARTS; k++) {
      add({
        ms: t0 + k * 2 * MINUTE + jitter(60),
        source: ATS,
        render: 'export',
        actor: i,
        target: -1,
        part: k,
        parts: EXPORT_PARTS,
        incident,
      });
    }
    incidents.push({
      id: 'inc-mass-export',
      kind: 'mass_export',
      description:
        `${p.name} (${p.title}) exports ${thousands(EXPORT_PARTS * EXPORT_ROWS)} candidates on ${isoDate(d)} from 15:40 local time: ` +
        `${EXPORT_PARTS} ats candidate.export events of ${EXPORT_ROWS} rows each (target type report, metadata.count ${EXPORT_ROWS}) in about 20 minutes, ` +
        `where their own exports are otherwise a handful of small lists (metadata.count 5–60).`,
      actorId: p.id,
      source: 'ats',
      expectedAlert: 'mass_export',
    });
  }

  // 3. A departing account manager deletes 300 CRM contacts in 20 minutes on their last day.
  {
    const i = roleIndex(people, 'departing');
    const p = person(i);
    const hr = person(roleIndex(people, 'status_editor'));
    const it = person(roleIndex(people, 'deactivator'));
    let d = localDay(ctx, p, end - 10 * DAY);
    while (weekdayOf(d) !== 5) d--; // their last day is a Friday
    const t0 = atLocal(ctx, p, d, 15, 5);
    const incident = incidents.length;
    for (let k = 0; k < MASS_DELETE_COUNT; k++) {
      add({
        ms: t0 + k * 4000 + jitter(3),
        source: CRM,
        render: 'mass_delete',
        actor: i,
        target: -1,
        part: k,
        parts: MASS_DELETE_COUNT,
        incident,
      });
    }
    const lastDelete = t0 + MASS_DELETE_COUNT * 4000;
    activeUntil.set(i, lastDelete + 10 * MINUTE);
    // Context: HR records the resignation about two weeks before; IT deactivates the account after.
    const noticeRef = Math.max(start + DAY, t0 - 12 * DAY);
    const noticeDay = workdayOnOrAfter(hr, localDay(ctx, hr, noticeRef));
    add({
      ms: atLocal(ctx, hr, noticeDay, 10, 15, 20),
      source: HRIS,
      render: 'status_change',
      actor: hr.index,
      target: i,
      incident: null,
    });
    const offDay = workdayOnOrAfter(it, localDay(ctx, it, lastDelete + DAY));
    add({
      ms: atLocal(ctx, it, offDay, 9, 20, 12),
      source: IDENTITY,
      render: 'deactivate',
      actor: it.index,
      target: i,
      incident: null,
    });
    incidents.push({
      id: 'inc-mass-delete',
      kind: 'mass_delete',
      description:
        `${p.name} (${p.title}), who resigned and leaves on Friday ${isoDate(d)}, deletes ${MASS_DELETE_COUNT} CRM contacts ` +
        `(crm contact.delete, the contacts they own first) between 15:05 and 15:25 local time on that last day. ` +
        `Context (not listed as incident events): HR's employee.update status active → notice_period, and IT's user.deactivate the next workday.`,
      actorId: p.id,
      source: 'crm',
      expectedAlert: 'mass_delete',
    });
  }

  // 4. Password spraying: one address tries one password on 40 accounts in ~10 minutes, at night.
  {
    const day = Math.floor((end - 16 * DAY) / DAY);
    const t0 = day * DAY + 3 * 3_600_000 + 12 * MINUTE;
    const incident = incidents.length;
    const targets = rng.shuffle(people.map((x) => x.index)).slice(0, SPRAY_ACCOUNTS);
    targets.forEach((target, k) =>
      add({
        ms: t0 + k * 15_000 + jitter(12),
        source: IDENTITY,
        render: 'spray',
        actor: -1,
        target,
        part: k,
        parts: SPRAY_ACCOUNTS,
        incident,
      }),
    );
    incidents.push({
      id: 'inc-password-spraying',
      kind: 'password_spraying',
      description:
        `${SPRAY_ACCOUNTS} identity user.login_failed events (outcome failure, actor type anonymous) from ${SPRAY_IP} ` +
        `(user agent ${SPRAY_USER_AGENT}) against ${SPRAY_ACCOUNTS} different accounts (target type user), one attempt each, ` +
        `03:12–03:22 UTC on ${isoDate(day)}.`,
      actorId: null,
      source: 'identity',
      expectedAlert: 'password_spraying',
    });
  }

  // 5. A non-admin (IT support) makes a colleague an admin.
  {
    const i = roleIndex(people, 'privilege_granter');
    const p = person(i);
    const grantee = person(roleIndex(people, 'privilege_grantee'));
    const d = workdayOnOrBefore(p, localDay(ctx, p, end - 8 * DAY));
    const t0 = atLocal(ctx, p, d, 14, 5, 31);
    const incident = incidents.length;
    add({
      ms: t0,
      source: IDENTITY,
      render: 'grant_role',
      actor: i,
      target: grantee.index,
      incident,
    });
    add({
      ms: t0 + 47_000,
      source: IDENTITY,
      render: 'grant_group',
      actor: i,
      target: grantee.index,
      incident,
    });
    incidents.push({
      id: 'inc-privilege-grant',
      kind: 'privilege_grant_by_non_admin',
      description:
        `${p.name} (${p.title}, role member, not an admin) gives ${grantee.name} (${grantee.title}) the admin role on ${isoDate(d)} at 14:05 local time: ` +
        `identity role.assign with change role member → admin, then group.member_add to Administrators.`,
      actorId: p.id,
      source: 'identity',
      expectedAlert: 'privilege_grant',
    });
  }

  // 6. A manager raises their own salary by 25%.
  {
    const i = roleIndex(people, 'self_raiser');
    const p = person(i);
    const d = workdayOnOrBefore(p, localDay(ctx, p, end - 6 * DAY));
    const t0 = atLocal(ctx, p, d, 11, 20, 9);
    const incident = incidents.length;
    add({ ms: t0, source: HRIS, render: 'self_raise', actor: i, target: i, incident });
    incidents.push({
      id: 'inc-self-salary-raise',
      kind: 'self_salary_raise',
      description:
        `${p.name} (${p.title}) raises their own salary by 25% on ${isoDate(d)} at 11:20 local time: ` +
        `hris employee.update with actor.id = target.id, field salary.`,
      actorId: p.id,
      source: 'hris',
      expectedAlert: 'self_change',
    });
  }

  // 7. A dormant account: last used early in the window, silent for 60+ days, then active again.
  let dormantGapDays = 0;
  {
    const i = roleIndex(people, 'dormant');
    const p = person(i);
    // Long windows: the account is in normal use until about 85 days before the end.
    const priorDay = workdayOnOrAfter(
      p,
      localDay(ctx, p, Math.max(start + 4 * DAY, end - 85 * DAY)),
    );
    add({
      ms: atLocal(ctx, p, priorDay, 9, 4, 41),
      source: IDENTITY,
      render: 'dormant_prior_login',
      actor: i,
      target: i,
      incident: null,
    });
    for (let k = 0; k < 3; k++) {
      add({
        ms: atLocal(ctx, p, priorDay, 9 + k, 30, rng.int(60)),
        source: ATS,
        render: 'dormant_prior_view',
        actor: i,
        target: -1,
        incident: null,
      });
    }
    const lastSeen = atLocal(ctx, p, priorDay, 16, 47, 3);
    add({
      ms: lastSeen,
      source: IDENTITY,
      render: 'dormant_prior_logout',
      actor: i,
      target: i,
      incident: null,
    });
    activeUntil.set(i, lastSeen);
    const d = workdayOnOrBefore(p, localDay(ctx, p, end - 3 * DAY));
    const t0 = atLocal(ctx, p, d, 10, 5, 12);
    dormantGapDays = Math.floor((t0 - lastSeen) / DAY);
    const incident = incidents.length;
    add({ ms: t0, source: IDENTITY, render: 'dormant_login', actor: i, target: i, incident });
    add({
      ms: t0 + 38_000,
      source: IDENTITY,
      render: 'dormant_mfa',
      actor: i,
      target: i,
      incident,
    });
    for (let k = 0; k < 6; k++) {
      add({
        ms: t0 + (2 + k * 4) * MINUTE + jitter(90),
        source: k % 2 === 0 ? CRM : ATS,
        render: k % 2 === 0 ? 'dormant_view_crm' : 'dormant_view_ats',
        actor: i,
        target: -1,
        part: k,
        parts: 6,
        incident,
      });
    }
    incidents.push({
      id: 'inc-dormant-account',
      kind: 'dormant_account_active',
      description:
        `${p.name} (${p.title}) was last active on ${isoDate(priorDay)} and then silent for ${dormantGapDays} days` +
        (dormantGapDays < 60
          ? ` (fewer than 60: the window is only ${Math.round((end - start) / DAY)} days)`
          : '') +
        `; on ${isoDate(d)} at 10:05 local time the account signs in from a never-seen address (${DORMANT_IP}, a different browser) ` +
        `and browses CRM contacts and candidates: identity user.login + user.mfa_challenge, 3 crm contact.view, 3 ats candidate.view.`,
      actorId: p.id,
      source: 'identity',
      expectedAlert: 'dormant_account',
    });
  }

  // Real clocks do not tick in whole seconds.
  for (const e of planted) if (e.ms % 1000 === 0) e.ms += rng.int(1000);
  for (const e of planted) {
    if (e.ms < start || e.ms >= end) {
      throw new RangeError(
        `a planted ${e.render} event falls outside the window (${fmt(e.ms)}); use a longer window`,
      );
    }
  }
  planted.sort((a, b) => a.ms - b.ms);
  return { planted, incidents, activeUntil, dormantGapDays };
}
