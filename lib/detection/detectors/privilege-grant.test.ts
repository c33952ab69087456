import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../settings';
import { ev, incidents, runRule } from '../testing';
import type { DetectionSettings } from '../types';

const settings: DetectionSettings = { ...DEFAULT_SETTINGS, adminActors: ['admin-1'] };
const T0 = Date.parse('2026-06-05T13:05:31Z');
const MIN = 60_000;
const assign = (
  at: number,
  actorId: string,
  grantee: string,
  old: string,
  next: string,
  extra: Partial<ReturnType<typeof ev>> = {},
) =>
  ev({
    at,
    actorId,
    actorName: actorId,
    action: 'role.assign',
    targetType: 'user',
    targetId: grantee,
    targetLabel: `${grantee}@example.com`,
    changes: [{ field: 'role', old, new: next }],
    ...extra,
  });
const run = (events: ReturnType<typeof ev>[], params: Record<string, unknown> = {}) =>
  runRule('privilege_grant', events, { settings, params });

describe('privilege_grant', () => {
  it('a non-admin making someone admin is critical; both of their grants are one alert', () => {
    const role = assign(T0, 'emp-53', 'emp-34', 'member', 'admin');
    const group = ev({
      at: T0 + 47_000,
      actorId: 'emp-53',
      actorName: 'Poppy Doyle',
      action: 'group.member_add',
      targetType: 'group',
      targetId: 'grp-administrators',
      targetLabel: 'Administrators',
      changes: [{ field: 'members', old: null, new: 'emp-34@example.com' }],
      metadata: { member_id: 'emp-34' },
    });
    const found = incidents(run([role, group]));
    expect(found.size).toBe(1);
    const [incident] = [...found.values()];
    expect(incident!.eventIds).toEqual(new Set([role.id, group.id]));
    const last = incident!.findings.at(-1)!;
    expect(last.severity).toBe('critical');
    expect(last.summary).toContain(
      '(not an administrator) gave emp-34@example.com admin-level access',
    );
    expect(last.summary).toContain('role member → admin; membership of Administrators');
  });

  it('administrators’ routine grants do not alert; their admin-level grants do, at the rule’s severity', () => {
    expect(run([assign(T0, 'admin-1', 'emp-2', 'viewer', 'editor')])).toEqual([]);
    const [f] = run([assign(T0, 'admin-1', 'emp-2', 'member', 'admin')]);
    expect(f!.severity).toBe('high');
    expect(f!.details).toMatchObject({ actorIsAdmin: true, adminBasis: 'configured' });
    expect(
      run([assign(T0, 'admin-1', 'emp-2', 'viewer', 'editor')], {
        alertOnRoutineAdminGrants: true,
      }),
    ).toHaveLength(1);
  });

  it('removals and lower roles are not grants', () => {
    expect(run([assign(T0, 'emp-9', 'emp-2', 'editor', 'viewer')])).toEqual([]);
    expect(
      run([
        ev({
          at: T0,
          actorId: 'emp-9',
          action: 'group.member_remove',
          changes: [{ field: 'members', old: 'a@x', new: null }],
        }),
      ]),
    ).toEqual([]);
  });

  it('learns admins from grants by known admins only, and forgets them when demoted', () => {
    const events = [
      assign(T0, 'admin-1', 'emp-7', 'member', 'admin'), // alert (high), emp-7 learned
      assign(T0 + 10 * MIN, 'emp-7', 'emp-2', 'viewer', 'editor'), // routine by a learned admin
      assign(T0 + 20 * MIN, 'emp-9', 'emp-8', 'member', 'admin'), // critical: emp-9 is no admin
      assign(T0 + 30 * MIN, 'emp-8', 'emp-3', 'viewer', 'editor'), // critical: emp-8 was not learned
      assign(T0 + 40 * MIN, 'admin-1', 'emp-7', 'admin', 'member'), // demotion: no alert
      assign(T0 + 50 * MIN, 'emp-7', 'emp-4', 'viewer', 'editor'), // critical now
    ];
    const findings = run(events);
    expect(findings.map((f) => [f.actorId, f.severity])).toEqual([
      ['admin-1', 'high'],
      ['emp-9', 'critical'],
      ['emp-8', 'critical'],
      ['emp-7', 'critical'],
    ]);
    expect(run(events, { learnAdmins: false }).filter((f) => f.actorId === 'emp-7')).toHaveLength(
      2,
    );
  });

  it('trusts service accounts unless told not to', () => {
    const svc = assign(T0, 'svc-scim', 'emp-2', 'viewer', 'editor', { actorType: 'service' });
    expect(run([svc])).toEqual([]);
    expect(run([svc], { trustServiceAccounts: false })[0]!.severity).toBe('critical');
  });

  it('one alert per actor while grants are less than an hour apart', () => {
    const events = [
      assign(T0, 'emp-9', 'emp-2', 'viewer', 'editor'),
      assign(T0 + 59 * MIN, 'emp-9', 'emp-3', 'viewer', 'editor'),
      assign(T0 + 59 * MIN + 60 * MIN, 'emp-9', 'emp-4', 'viewer', 'editor'),
    ];
    const found = incidents(run(events));
    expect([...found.values()].map((i) => i.eventIds.size)).toEqual([2, 1]);
  });
});
