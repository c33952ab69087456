import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../settings';
import { ev, incidents, runRule } from '../testing';

const at = '2026-06-08T15:20:09Z';
const own = {
  actorId: 'emp-37',
  actorEmail: 'linda@example.com',
  targetType: 'employee',
  targetId: 'emp-37',
};
const run = (events: ReturnType<typeof ev>[], params: Record<string, unknown> = {}) =>
  runRule('self_change', events, { settings: DEFAULT_SETTINGS, params });

describe('self_change', () => {
  it('raising one’s own salary is high, with the change in plain numbers', () => {
    const [f] = run([ev({ at, ...own, changes: [{ field: 'salary', old: 127200, new: 159000 }] })]);
    expect(f).toMatchObject({
      severity: 'high',
      actorId: 'emp-37',
      dedupeKey: 'self_change:emp-37:2026-06-08',
    });
    expect(f!.summary).toContain('changed their own record: salary 127,200 → 159,000 (+25%)');
  });

  it('other fields are one step lower; self-service fields are ignored; onlySensitive drops the rest', () => {
    expect(
      run([ev({ at, ...own, changes: [{ field: 'title', old: 'a', new: 'b' }] })])[0]!.severity,
    ).toBe('medium');
    expect(run([ev({ at, ...own, changes: [{ field: 'phone', old: 'a', new: 'b' }] })])).toEqual(
      [],
    );
    expect(
      run([ev({ at, ...own, changes: [{ field: 'title', old: 'a', new: 'b' }] })], {
        onlySensitive: true,
      }),
    ).toEqual([]);
  });

  it('recognises the actor by e-mail and as the member of a group; others are not self', () => {
    expect(
      run([
        ev({
          at,
          ...own,
          targetId: 'LINDA@example.com',
          changes: [{ field: 'title', old: 1, new: 2 }],
        }),
      ]),
    ).toHaveLength(1);
    const [g] = run([
      ev({
        at,
        ...own,
        action: 'group.member_add',
        targetType: 'group',
        targetId: 'grp-payroll',
        targetLabel: 'Payroll',
        changes: [{ field: 'members', old: null, new: 'linda@example.com' }],
        metadata: { member_id: 'emp-37' },
      }),
    ]);
    expect(g!.severity).toBe('high');
    expect(g!.summary).toContain('granting themselves membership of Payroll');
    expect(
      run([ev({ at, ...own, targetId: 'emp-38', changes: [{ field: 'salary', old: 1, new: 2 }] })]),
    ).toEqual([]);
    expect(run([ev({ at, ...own, action: 'user.login', changes: [] })])).toEqual([]);
  });

  it('the day is the person’s local day (Sydney is UTC+10 in June)', () => {
    const settings = {
      ...DEFAULT_SETTINGS,
      schedules: {
        'emp-37': {
          timeZone: 'Australia/Sydney',
          days: [1, 2, 3, 4, 5],
          startHour: 9,
          endHour: 17,
        },
      },
    };
    const events = [
      ev({ at: '2026-06-08T13:30:00Z', ...own, changes: [{ field: 'salary', old: 1, new: 2 }] }), // 23:30 Mon
      ev({ at: '2026-06-08T14:30:00Z', ...own, changes: [{ field: 'salary', old: 2, new: 3 }] }), // 00:30 Tue
    ];
    expect([...incidents(runRule('self_change', events, { settings })).keys()]).toEqual([
      'self_change:emp-37:2026-06-08',
      'self_change:emp-37:2026-06-09',
    ]);
  });

  it('one alert per person and local day', () => {
    const events = [
      ev({ at, ...own, changes: [{ field: 'salary', old: 1, new: 2 }] }),
      ev({
        at: '2026-06-08T16:00:00Z',
        ...own,
        changes: [{ field: 'bank_account', old: 1, new: 2 }],
      }),
      ev({
        at: '2026-06-09T16:00:00Z',
        ...own,
        changes: [{ field: 'bank_account', old: 2, new: 3 }],
      }),
    ];
    expect([...incidents(run(events)).values()].map((i) => i.eventIds.size)).toEqual([2, 1]);
  });
});
