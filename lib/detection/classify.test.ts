import { describe, expect, it } from 'vitest';
import {
  actionInfo,
  adminRevocationOf,
  exportRows,
  fieldKey,
  grantOf,
  isChange,
  isDelete,
  isFailedSignIn,
  isSelfTarget,
  scheduleFor,
  sensitiveChanges,
  signInAccount,
} from './classify';
import { DEFAULT_SETTINGS } from './settings';
import { ev } from './testing';

const at = '2026-06-03T10:00:00Z';

describe('actionInfo', () => {
  it.each([
    ['contact.delete', { deletes: true, writes: true, signIn: false, exports: false }],
    ['group.member_remove', { deletes: true }],
    ['iam.delete_user', { deletes: true }],
    ['audit.retention_drop', { deletes: false }],
    ['candidate.export', { exports: true, writes: false }],
    ['events.export', { exports: true }],
    ['user.login_failed', { signIn: true, namedFailure: true, writes: false }],
    ['auth.sign_in_failed', { signIn: true, namedFailure: true }],
    ['auth.sign_in', { signIn: true, namedFailure: false }],
    ['signin.console_login', { signIn: true }],
    ['signin.check_mfa', { signIn: false }],
    ['user.logout', { signIn: false }],
    ['user.mfa_challenge', { signIn: false, writes: false }],
    ['permission.grant', { grants: true }],
    ['candidate.note_add', { grants: false, writes: true }],
    ['iam.attach_user_policy', { awsPrivilege: true }],
    ['lambda.add_permission20150331v2', { awsPrivilege: true }],
    ['iam.create_user', { awsPrivilege: false, writes: true }],
    ['iam.create_login_profile', { awsPrivilege: true, signIn: false, writes: true }],
  ])('%s', (action, expected) => {
    expect(actionInfo(action)).toMatchObject(expected);
  });
});

describe('event kinds', () => {
  it('a change has field changes or a writing verb, succeeded, and is no sign-in', () => {
    expect(isChange(ev({ at }))).toBe(true);
    expect(isChange(ev({ at, action: 'record.view', changes: [] }))).toBe(false);
    expect(isChange(ev({ at, action: 'record.delete', changes: [] }))).toBe(true);
    expect(isChange(ev({ at, outcome: 'failure' }))).toBe(false);
    expect(isChange(ev({ at, action: 'signin.console_login', changes: [] }))).toBe(false);
  });

  it('a deletion must have succeeded', () => {
    expect(isDelete(ev({ at, action: 'contact.delete' }))).toBe(true);
    expect(isDelete(ev({ at, action: 'contact.delete', outcome: 'failure' }))).toBe(false);
  });

  it('failed sign-ins: by outcome or by name', () => {
    expect(isFailedSignIn(ev({ at, action: 'user.login_failed', outcome: 'failure' }))).toBe(true);
    expect(isFailedSignIn(ev({ at, action: 'user.login_failed' }))).toBe(true);
    expect(isFailedSignIn(ev({ at, action: 'signin.console_login', outcome: 'failure' }))).toBe(
      true,
    );
    expect(isFailedSignIn(ev({ at, action: 'signin.console_login' }))).toBe(false);
    expect(isFailedSignIn(ev({ at, action: 'user.mfa_challenge', outcome: 'failure' }))).toBe(
      false,
    );
    expect(isFailedSignIn(ev({ at, action: 'ec2.get_password_data', outcome: 'failure' }))).toBe(
      false,
    );
  });

  it('the account of a sign-in attempt: a user target, else the actor', () => {
    const target = { targetType: 'user', targetId: 'emp-1', targetLabel: 'a@x' };
    expect(signInAccount(ev({ at, actorId: null, ...target }))).toBe('emp-1');
    expect(
      signInAccount(
        ev({ at, actorId: 'arn:aws:iam::1:user/bob', targetType: 'aws_account', targetId: '1' }),
      ),
    ).toBe('arn:aws:iam::1:user/bob');
    expect(
      signInAccount(
        ev({ at, actorId: null, actorEmail: 'who@x', targetType: null, targetId: null }),
      ),
    ).toBe('who@x');
  });

  it('export rows: the first numeric count key; ranges are not counts', () => {
    expect(exportRows(ev({ at, metadata: { count: 500, rows: '1-500' } }))).toBe(500);
    expect(exportRows(ev({ at, metadata: { rows: 1200 } }))).toBe(1200);
    expect(exportRows(ev({ at, metadata: { row_count: '75' } }))).toBe(75);
    expect(exportRows(ev({ at, metadata: { format: 'csv' } }))).toBeNull();
  });
});

describe('fields', () => {
  it('matches the last path segment, ignoring case and separators', () => {
    expect(fieldKey('employee.bank_account')).toBe('bankaccount');
    expect(fieldKey('bankAccount')).toBe('bankaccount');
    expect(fieldKey('pay/Salary')).toBe('salary');
    expect(fieldKey('items[2]')).toBe('items');
    const e = ev({
      at,
      changes: [
        { field: 'compensation.Salary', old: 1, new: 2 },
        { field: 'expected_salary', old: 1, new: 2 },
        { field: 'Bank-Account', old: 'a', new: 'b' },
      ],
    });
    expect(sensitiveChanges(e, DEFAULT_SETTINGS).map((c) => c.field)).toEqual([
      'compensation.Salary',
      'Bank-Account',
    ]);
  });
});

describe('self target', () => {
  it('by id, by e-mail, by group member id, by IAM user name', () => {
    expect(isSelfTarget(ev({ at, actorId: 'emp-1', targetId: 'emp-1' }))).toBe(true);
    expect(
      isSelfTarget(
        ev({ at, actorId: 'u-9', actorEmail: 'Dana@Example.com', targetId: 'dana@example.com' }),
      ),
    ).toBe(true);
    expect(
      isSelfTarget(
        ev({
          at,
          actorId: 'emp-1',
          targetType: 'group',
          targetId: 'grp-a',
          metadata: { member_id: 'emp-1' },
        }),
      ),
    ).toBe(true);
    expect(
      isSelfTarget(
        ev({
          at,
          actorId: 'arn:aws:iam::1:user/ops/bob',
          targetType: 'iam_user',
          targetId: 'bob',
          actorEmail: null,
        }),
      ),
    ).toBe(true);
    expect(
      isSelfTarget(ev({ at, actorId: 'emp-1', targetId: 'emp-2', targetLabel: 'Other' })),
    ).toBe(false);
  });
});

describe('grants', () => {
  it('recognises more access and ignores less', () => {
    const grant = (changes: { field: string; old: unknown; new: unknown }[], extra = {}) =>
      grantOf(ev({ at, action: 'role.assign', changes, ...extra }));
    expect(grant([{ field: 'role', old: 'member', new: 'admin' }])).toMatchObject({
      adminLevel: true,
    });
    expect(grant([{ field: 'role', old: 'viewer', new: 'editor' }])).toMatchObject({
      adminLevel: false,
    });
    expect(grant([{ field: 'role', old: 'approver', new: 'viewer' }])).toBeNull();
    expect(
      grant([{ field: 'permission', old: 'team_viewer', new: 'payroll_editor' }]),
    ).not.toBeNull();
    expect(grant([{ field: 'roles', old: ['a'], new: ['a', 'b'] }])).not.toBeNull();
    expect(grant([{ field: 'roles', old: ['a', 'b'], new: ['a'] }])).toBeNull();
    expect(grant([{ field: 'is_admin', old: false, new: true }])).toMatchObject({
      adminLevel: true,
    });
    expect(grant([{ field: 'title', old: 'a', new: 'admin' }])).toBeNull();
    // Group membership: the member is the grantee; an admin group is admin-level.
    expect(
      grant([{ field: 'members', old: null, new: 'kim@x' }], {
        action: 'group.member_add',
        targetType: 'group',
        targetId: 'grp-administrators',
        targetLabel: 'Administrators',
        metadata: { member_id: 'emp-7' },
      }),
    ).toMatchObject({ grantee: 'emp-7', granteeLabel: 'kim@x', adminLevel: true });
    expect(
      grant([{ field: 'members', old: 'kim@x', new: null }], { action: 'group.member_remove' }),
    ).toBeNull();
  });

  it('uses the action for CloudTrail, never its request parameters', () => {
    const cloud = { metadata: { eventSource: 'iam.amazonaws.com' } };
    expect(
      grantOf(
        ev({
          at,
          action: 'iam.attach_user_policy',
          changes: [
            { field: 'policyArn', old: null, new: 'arn:aws:iam::aws:policy/AdministratorAccess' },
            { field: 'userName', old: null, new: 'mallory' },
          ],
          targetType: 'iam_user',
          targetId: 'mallory',
          ...cloud,
        }),
      ),
    ).toMatchObject({ grantee: 'mallory', adminLevel: true });
    expect(
      grantOf(
        ev({
          at,
          action: 'iam.create_group',
          changes: [{ field: 'groupName', old: null, new: 'x' }],
          ...cloud,
        }),
      ),
    ).toBeNull();
    expect(
      grantOf(
        ev({
          at,
          action: 'sts.get_federation_token',
          changes: [{ field: 'policy', old: null, new: '{"Action":"*"}' }],
          metadata: { eventSource: 'sts.amazonaws.com' },
        }),
      ),
    ).toBeNull();
  });

  it('a bare grant verb with no fields is a grant', () => {
    expect(grantOf(ev({ at, action: 'app.grant', changes: [] }))).not.toBeNull();
    expect(grantOf(ev({ at, action: 'candidate.note_add', changes: [] }))).toBeNull();
  });

  it('finds admin revocations', () => {
    expect(
      adminRevocationOf(
        ev({
          at,
          action: 'role.assign',
          targetId: 'emp-3',
          changes: [{ field: 'role', old: 'admin', new: 'member' }],
        }),
      ),
    ).toBe('emp-3');
    expect(
      adminRevocationOf(
        ev({
          at,
          action: 'role.assign',
          changes: [{ field: 'role', old: 'viewer', new: 'editor' }],
        }),
      ),
    ).toBeNull();
  });
});

describe('scheduleFor', () => {
  const settings = {
    ...DEFAULT_SETTINGS,
    schedules: {
      'u-1': { timeZone: 'Asia/Kolkata', days: [1, 2, 3, 4, 5], startHour: 9, endHour: 17 },
    },
  };
  it('own schedule, else default hours in the event’s zone, else the default', () => {
    expect(
      scheduleFor(ev({ at, actorId: 'u-1', actorTimeZone: 'Europe/Berlin' }), settings).timeZone,
    ).toBe('Asia/Kolkata');
    const zoned = scheduleFor(ev({ at, actorId: 'u-2', actorTimeZone: 'Europe/Berlin' }), settings);
    expect(zoned).toEqual({ ...DEFAULT_SETTINGS.defaultSchedule, timeZone: 'Europe/Berlin' });
    expect(scheduleFor(ev({ at, actorId: 'u-2' }), settings)).toBe(
      DEFAULT_SETTINGS.defaultSchedule,
    );
  });
});
