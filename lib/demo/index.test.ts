import { beforeAll, describe, expect, it } from 'vitest';
import { validateEvent, type EventInput } from '@/lib/events/schema';
import {
  createDemo,
  type DemoEvent,
  type DemoManifest,
  type DemoPerson,
  type PlantedIncident,
} from './index';

// Fixed, in the past (validateEvent rejects events more than 24 h in the future). The window
// (2026-03-17 → 2026-06-15) spans Europe's and Sydney's DST changes.
const END = new Date('2026-06-15T00:00:00Z');
const OPTIONS = { events: 20_000, days: 90, seed: 42, end: END };

const instant = (e: EventInput) => Date.parse(e.occurred_at);

function take(iterable: Iterable<DemoEvent>, n: number): DemoEvent[] {
  const out: DemoEvent[] = [];
  for (const item of iterable) {
    if (out.length >= n) break;
    out.push(item);
  }
  return out;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
/** Local weekday (0 = Sunday), hour (fractional) and UTC offset in minutes, straight from Intl. */
function localTime(ms: number, timeZone: string) {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    partsFormatters.set(timeZone, f);
  }
  const parts = f.formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  const hour = Number(get('hour')) % 24;
  const wall = Date.UTC(
    Number(get('year')),
    Number(get('month')) - 1,
    Number(get('day')),
    hour,
    Number(get('minute')),
    Number(get('second')),
  );
  const offset = Math.round((wall - (ms - (((ms % 1000) + 1000) % 1000))) / 60_000);
  return {
    weekday,
    hour: hour + Number(get('minute')) / 60 + Number(get('second')) / 3600,
    offset,
  };
}

function offsetOf(occurredAt: string): number {
  const m = /([+-])(\d{2}):(\d{2})$/.exec(occurredAt);
  if (!m) return 0; // Z
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

describe('createDemo: a 20,000-event run', () => {
  let events: DemoEvent[];
  let manifest: DemoManifest;
  let people: Map<string, DemoPerson>;
  let byId: Map<string, DemoEvent>;
  let incidentIds: Set<string>;
  const incident = (kind: PlantedIncident['kind']) => {
    const found = manifest.incidents.find((i) => i.kind === kind);
    if (!found) throw new Error(`no ${kind} incident`);
    return { incident: found, events: found.eventIds.map((id) => byId.get(id)!.event) };
  };

  beforeAll(() => {
    const demo = createDemo(OPTIONS);
    manifest = demo.manifest;
    events = [...demo.events()];
    people = new Map(demo.people.map((p) => [p.id, p]));
    byId = new Map(events.map((e) => [e.event.id, e]));
    incidentIds = new Set(manifest.incidents.flatMap((i) => i.eventIds));
  });

  it('yields exactly the requested number of events, with ids unique and prefixed by their source', () => {
    expect(events).toHaveLength(20_000);
    expect(byId.size).toBe(20_000);
    for (const { source, event } of events) expect(event.id.startsWith(`${source}-`)).toBe(true);
    expect(new Set(events.map((e) => e.source))).toEqual(
      new Set(['crm', 'ats', 'hris', 'identity']),
    );
    expect(manifest.sources).toEqual(['crm', 'ats', 'hris', 'identity']);
  });

  it('streams in non-decreasing time order (as instants), inside the window', () => {
    const start = Date.parse(manifest.start);
    const end = Date.parse(manifest.end);
    expect(end).toBe(END.getTime());
    expect(end - start).toBe(90 * 86_400_000);
    let last = -Infinity;
    for (const { event } of events) {
      const t = instant(event);
      expect(t).toBeGreaterThanOrEqual(last);
      expect(t).toBeGreaterThanOrEqual(start);
      expect(t).toBeLessThan(end);
      last = t;
    }
  });

  it('passes validateEvent, every one', () => {
    const problems = events.map(({ event }, i) => validateEvent(event, i)).filter((r) => !r.ok);
    expect(problems).toEqual([]);
  });

  it('writes occurred_at with the actor’s own UTC offset (DST-correct), Z for services and attackers', () => {
    for (const { event } of events) {
      const zone = event.actor.time_zone;
      if (zone) {
        expect(offsetOf(event.occurred_at)).toBe(localTime(instant(event), zone).offset);
        expect(event.occurred_at).toMatch(/[+-]\d{2}:\d{2}$/);
      } else {
        expect(event.occurred_at.endsWith('Z')).toBe(true);
      }
    }
    // Both sides of Europe's spring change (2026-03-29) are present for a Berlin person.
    const berlinOffsets = new Set(
      events
        .filter((e) => e.event.actor.time_zone === 'Europe/Berlin')
        .map((e) => offsetOf(e.event.occurred_at)),
    );
    expect(berlinOffsets).toEqual(new Set([60, 120]));
  });

  it('has a realistic organisation: ~60 people, 6 departments, 6 time zones, a few late workers and admins', () => {
    expect(manifest.people).toHaveLength(60);
    expect(new Set(manifest.people.map((p) => p.department))).toEqual(
      new Set(['Management', 'Recruiting', 'Sales', 'HR', 'Finance', 'Engineering & IT']),
    );
    expect(new Set(manifest.people.map((p) => p.timeZone)).size).toBe(6);
    const late = manifest.people.filter((p) => p.lateWorker);
    expect(late.length).toBeGreaterThanOrEqual(2);
    expect(late.length).toBeLessThanOrEqual(3);
    expect(manifest.people.filter((p) => p.isAdmin).every((p) => p.role === 'admin')).toBe(true);
    expect(new Set(manifest.people.map((p) => p.email)).size).toBe(60);
    // Every person shows up, with a stable handful of addresses.
    const actors = new Map<string, Set<string>>();
    for (const { event } of events) {
      if (event.actor.type !== 'user' || !event.actor.id) continue;
      if (!actors.has(event.actor.id)) actors.set(event.actor.id, new Set());
      actors.get(event.actor.id)!.add(event.actor.ip!);
    }
    expect(actors.size).toBe(60);
    for (const ips of actors.values()) expect(ips.size).toBeLessThanOrEqual(5);
  });

  it('keeps normal traffic inside people’s own working hours (≥ 90% for non-late workers)', () => {
    let inside = 0;
    let total = 0;
    for (const { event } of events) {
      if (event.actor.type !== 'user' || incidentIds.has(event.id)) continue;
      const p = people.get(event.actor.id!)!;
      if (p.lateWorker) continue;
      const t = localTime(instant(event), p.timeZone);
      total++;
      if (p.workDays.includes(t.weekday) && t.hour >= p.workStart && t.hour < p.workEnd) inside++;
    }
    expect(total).toBeGreaterThan(15_000);
    expect(inside / total).toBeGreaterThanOrEqual(0.9);
  });

  it('uses plausible actions per source, failed logins with outcome failure, services as service actors', () => {
    const actions = new Map<string, Set<string>>();
    for (const { source, event } of events) {
      if (!actions.has(source)) actions.set(source, new Set());
      actions.get(source)!.add(event.action);
      if (event.action === 'user.login_failed') expect(event.outcome).toBe('failure');
      if (event.actor.id?.startsWith('svc-')) expect(event.actor.type).toBe('service');
    }
    expect([...actions.get('ats')!]).toEqual(
      expect.arrayContaining([
        'candidate.create',
        'candidate.update',
        'candidate.stage_change',
        'candidate.view',
        'offer.create',
        'candidate.export',
      ]),
    );
    expect([...actions.get('crm')!]).toEqual(
      expect.arrayContaining([
        'contact.create',
        'contact.update',
        'contact.delete',
        'deal.update',
        'contact.view',
      ]),
    );
    expect([...actions.get('hris')!]).toEqual(
      expect.arrayContaining(['employee.update', 'employee.view', 'permission.grant']),
    );
    expect([...actions.get('identity')!]).toEqual(
      expect.arrayContaining([
        'user.login',
        'user.login_failed',
        'user.logout',
        'user.mfa_challenge',
        'group.member_add',
        'role.assign',
      ]),
    );
    const fields = new Set(events.flatMap((e) => (e.event.changes ?? []).map((c) => c.field)));
    for (const f of [
      'salary',
      'title',
      'manager_id',
      'bank_account',
      'department',
      'stage',
      'offer_amount',
      'deal_value',
      'role',
      'permission',
    ]) {
      expect(fields).toContain(f);
    }
    const bank = events.flatMap((e) =>
      (e.event.changes ?? []).filter((c) => c.field === 'bank_account'),
    );
    for (const c of bank) expect(String(c.new)).toMatch(/\*{4}/);
  });

  it('chains old and new values: a salary’s new value is the next change’s old value', () => {
    const current = new Map<string, unknown>();
    let checked = 0;
    for (const { event } of events) {
      for (const c of event.changes ?? []) {
        if (c.field !== 'salary') continue;
        const key = event.target!.id!;
        if (current.has(key)) {
          expect(c.old).toBe(current.get(key));
          checked++;
        }
        current.set(key, c.new);
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('lists all seven incidents, each with event ids that exist in the stream', () => {
    expect(manifest.incidents.map((i) => [i.kind, i.expectedAlert])).toEqual([
      ['offhours_salary_edit', 'off_hours_change'],
      ['mass_export', 'mass_export'],
      ['mass_delete', 'mass_delete'],
      ['password_spraying', 'password_spraying'],
      ['privilege_grant_by_non_admin', 'privilege_grant'],
      ['self_salary_raise', 'self_change'],
      ['dormant_account_active', 'dormant_account'],
    ]);
    for (const i of manifest.incidents) {
      expect(i.eventIds.length).toBeGreaterThan(0);
      for (const id of i.eventIds) expect(byId.has(id)).toBe(true);
      const times = i.eventIds.map((id) => instant(byId.get(id)!.event));
      expect(Math.min(...times)).toBe(Date.parse(i.start));
      expect(Math.max(...times)).toBe(Date.parse(i.end));
      if (i.actorId) expect(people.has(i.actorId)).toBe(true);
      expect(i.description.length).toBeGreaterThan(40);
    }
  });

  it('plants the salary edits on a Saturday between 02:00 and 03:00 in the actor’s zone, at least 7 days before the end', () => {
    const { incident: inc, events: evs } = incident('offhours_salary_edit');
    const p = people.get(inc.actorId!)!;
    const salaryEdits = evs.filter((e) => e.action === 'employee.update');
    expect(salaryEdits.length).toBeGreaterThanOrEqual(3);
    for (const e of evs) {
      expect(e.actor.id).toBe(p.id);
      const t = localTime(instant(e), p.timeZone);
      expect(t.weekday).toBe(6);
      expect(t.hour).toBeGreaterThanOrEqual(2);
      expect(t.hour).toBeLessThan(3);
      expect(instant(e)).toBeLessThanOrEqual(END.getTime() - 7 * 86_400_000);
    }
    for (const e of salaryEdits) {
      expect(e.changes!.map((c) => c.field)).toEqual(['salary']);
      expect(e.target!.id).not.toBe(p.id);
      expect(Number(e.changes![0]!.new)).toBeGreaterThan(Number(e.changes![0]!.old));
    }
  });

  it('plants a 5,000-candidate export that stands out against the recruiter’s own history', () => {
    const { incident: inc, events: evs } = incident('mass_export');
    expect(
      evs.every(
        (e) =>
          e.action === 'candidate.export' &&
          e.actor.id === inc.actorId &&
          e.target!.type === 'report',
      ),
    ).toBe(true);
    expect(evs.reduce((sum, e) => sum + Number(e.metadata!.count), 0)).toBe(5000);
    const ownOthers = events.filter(
      (x) =>
        x.event.action === 'candidate.export' &&
        x.event.actor.id === inc.actorId &&
        !incidentIds.has(x.event.id),
    );
    for (const x of ownOthers) expect(Number(x.event.metadata!.count)).toBeLessThanOrEqual(60);
  });

  it('plants 300 CRM contact deletions in 20 minutes on the leaver’s last day', () => {
    const { incident: inc, events: evs } = incident('mass_delete');
    expect(evs).toHaveLength(300);
    expect(
      evs.every(
        (e) =>
          e.action === 'contact.delete' &&
          e.actor.id === inc.actorId &&
          e.target!.type === 'contact',
      ),
    ).toBe(true);
    expect(new Set(evs.map((e) => e.target!.id)).size).toBe(300);
    expect(Date.parse(inc.end) - Date.parse(inc.start)).toBeLessThanOrEqual(20 * 60_000);
    // Nothing from the leaver after the deletions (the account is deactivated next).
    const later = events.filter(
      (x) =>
        x.event.actor.id === inc.actorId && instant(x.event) > Date.parse(inc.end) + 15 * 60_000,
    );
    expect(later).toEqual([]);
    const deactivation = events.find((x) => x.event.action === 'user.deactivate');
    expect(deactivation?.event.target?.id).toBe(inc.actorId);
  });

  it('plants password spraying: one address, 40 accounts, failed logins within ~10 minutes', () => {
    const { incident: inc, events: evs } = incident('password_spraying');
    expect(evs).toHaveLength(40);
    expect(new Set(evs.map((e) => e.actor.ip)).size).toBe(1);
    expect(new Set(evs.map((e) => e.target!.id)).size).toBe(40);
    expect(
      evs.every(
        (e) =>
          e.action === 'user.login_failed' &&
          e.outcome === 'failure' &&
          e.actor.type === 'anonymous',
      ),
    ).toBe(true);
    expect(Date.parse(inc.end) - Date.parse(inc.start)).toBeLessThanOrEqual(11 * 60_000);
    // The address is never used by anyone else.
    const ip = evs[0]!.actor.ip;
    expect(events.filter((x) => x.event.actor.ip === ip)).toHaveLength(40);
  });

  it('plants an admin role granted by a non-admin', () => {
    const { incident: inc, events: evs } = incident('privilege_grant_by_non_admin');
    const actor = people.get(inc.actorId!)!;
    expect(actor.isAdmin).toBe(false);
    const grant = evs.find((e) => e.action === 'role.assign')!;
    expect(grant.changes).toEqual([{ field: 'role', old: 'member', new: 'admin' }]);
    expect(grant.target!.id).not.toBe(actor.id);
    // In the background, only admins assign roles, and never the admin role.
    for (const { event } of events) {
      if (event.action !== 'role.assign' || incidentIds.has(event.id)) continue;
      expect(people.get(event.actor.id!)!.isAdmin).toBe(true);
      expect(event.changes!.some((c) => c.new === 'admin')).toBe(false);
    }
  });

  it('plants a manager raising their own salary by about 25%', () => {
    const { incident: inc, events: evs } = incident('self_salary_raise');
    expect(evs).toHaveLength(1);
    const e = evs[0]!;
    expect(e.actor.id).toBe(inc.actorId);
    expect(e.target!.id).toBe(e.actor.id);
    expect(people.get(e.actor.id!)!.role).toBe('manager');
    const change = e.changes!.find((c) => c.field === 'salary')!;
    expect(Number(change.new) / Number(change.old)).toBeGreaterThan(1.2);
    expect(Number(change.new) / Number(change.old)).toBeLessThan(1.3);
    // Nobody else ever changes their own record in the background.
    for (const { event } of events) {
      if (incidentIds.has(event.id)) continue;
      if ((event.changes ?? []).length > 0 && event.target?.type === 'employee')
        expect(event.target.id).not.toBe(event.actor.id);
    }
  });

  it('plants a dormant account: 60+ days without activity, then active again', () => {
    const { incident: inc, events: evs } = incident('dormant_account_active');
    expect(evs.every((e) => e.actor.id === inc.actorId)).toBe(true);
    const first = Date.parse(inc.start);
    const own = events
      .filter((x) => x.event.actor.id === inc.actorId && !incidentIds.has(x.event.id))
      .map((x) => instant(x.event));
    expect(own.length).toBeGreaterThan(0);
    expect(first - Math.max(...own)).toBeGreaterThanOrEqual(60 * 86_400_000);
  });
});

describe('createDemo: determinism and sizes', () => {
  it('gives identical events and manifests for identical options, and different ones for another seed', () => {
    const a = createDemo(OPTIONS);
    const b = createDemo(OPTIONS);
    const c = createDemo({ ...OPTIONS, seed: 43 });
    expect(JSON.stringify(b.manifest)).toBe(JSON.stringify(a.manifest));
    const firstA = JSON.stringify(take(a.events(), 5000));
    expect(JSON.stringify(take(b.events(), 5000))).toBe(firstA);
    // A second pass over the same demo starts again from the beginning.
    expect(JSON.stringify(take(a.events(), 5000))).toBe(firstA);
    expect(JSON.stringify(take(c.events(), 5000))).not.toBe(firstA);
    expect(JSON.stringify(c.manifest)).not.toBe(JSON.stringify(a.manifest));
  });

  it('hits odd totals exactly', () => {
    let n = 0;
    for (const _ of createDemo({ events: 54_321, days: 45, seed: 7, end: END }).events()) n++;
    expect(n).toBe(54_321);
  });

  it('still plants every incident in a 2,000-event run', () => {
    const demo = createDemo({ events: 2000, days: 90, seed: 1, end: END });
    const all = [...demo.events()];
    expect(all).toHaveLength(2000);
    const ids = new Set(all.map((e) => e.event.id));
    expect(demo.manifest.incidents).toHaveLength(7);
    for (const i of demo.manifest.incidents)
      for (const id of i.eventIds) expect(ids.has(id)).toBe(true);
    const exported = all
      .filter((e) => demo.manifest.incidents[1]!.eventIds.includes(e.event.id))
      .reduce((s, e) => s + Number(e.event.metadata!.count), 0);
    expect(exported).toBe(5000);
  });

  it('rejects options it cannot honour', () => {
    expect(() => createDemo({ events: 100, days: 90, seed: 1, end: END })).toThrow(/at least/);
    expect(() => createDemo({ events: 10_000, days: 7, seed: 1, end: END })).toThrow(/days/);
    expect(() => createDemo({ events: 1.5, days: 90, seed: 1, end: END })).toThrow(RangeError);
  });

  it('ends the window now by default', () => {
    const before = Date.now();
    const demo = createDemo({ events: 1000, days: 30, seed: 3 });
    const end = Date.parse(demo.manifest.end);
    expect(end).toBeGreaterThanOrEqual(before);
    expect(end).toBeLessThanOrEqual(Date.now());
    const first = take(demo.events(), 50);
    for (const { event } of first) expect(validateEvent(event, 0).ok).toBe(true);
  });

  it('streams a 1,000,000-event run', { timeout: 180_000 }, () => {
    let n = 0;
    for (const _ of createDemo({ events: 1_000_000, days: 90, seed: 5, end: END }).events()) n++;
    expect(n).toBe(1_000_000);
  });
});
