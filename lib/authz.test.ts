import { describe, expect, it } from 'vitest';
import {
  can,
  isRole,
  MATRIX,
  PERMISSIONS,
  ROLE_LABELS,
  ROLES,
  type Permission,
  type Role,
} from './authz';

/**
 * The permission matrix written out by hand (security.md 11). It is deliberately not derived
 * from MATRIX: a change to who may do what must change this table too, in review.
 */
const EXPECTED: Record<Role, Record<Permission, boolean>> = {
  admin: {
    'events:read': true,
    'alerts:read': true,
    'alerts:triage': true,
    'rules:manage': true,
    'sources:manage': true,
    'users:manage': true,
    'evidence:export': true,
  },
  compliance_officer: {
    'events:read': true,
    'alerts:read': true,
    'alerts:triage': true,
    'rules:manage': true,
    'sources:manage': false,
    'users:manage': false,
    'evidence:export': true,
  },
  reviewer: {
    'events:read': true,
    'alerts:read': true,
    'alerts:triage': true,
    'rules:manage': false,
    'sources:manage': false,
    'users:manage': false,
    'evidence:export': false,
  },
  auditor: {
    'events:read': true,
    'alerts:read': true,
    'alerts:triage': false,
    'rules:manage': false,
    'sources:manage': false,
    'users:manage': false,
    'evidence:export': true,
  },
};

const CELLS = ROLES.flatMap((role) =>
  PERMISSIONS.map((permission) => [role, permission, EXPECTED[role][permission]] as const),
);

describe('the permission matrix', () => {
  it('the expected table covers exactly the declared roles and permissions', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...ROLES].sort());
    for (const role of ROLES)
      expect(Object.keys(EXPECTED[role]).sort()).toEqual([...PERMISSIONS].sort());
    expect(CELLS).toHaveLength(ROLES.length * PERMISSIONS.length);
  });

  it.each(CELLS)('can(%s, %s) is %s', (role, permission, allowed) => {
    expect(can(role, permission)).toBe(allowed);
  });

  it('MATRIX grants nothing outside the declared permissions and repeats nothing', () => {
    for (const role of ROLES) {
      for (const permission of MATRIX[role]) expect(PERMISSIONS).toContain(permission);
      expect(new Set(MATRIX[role]).size).toBe(MATRIX[role].length);
    }
  });

  it('the auditor is read-only: no triage, rules, sources or users', () => {
    for (const permission of [
      'alerts:triage',
      'rules:manage',
      'sources:manage',
      'users:manage',
    ] as const) {
      expect(can('auditor', permission)).toBe(false);
    }
  });

  it('the admin has every permission', () => {
    for (const permission of PERMISSIONS) expect(can('admin', permission)).toBe(true);
  });

  it('only the admin manages users and sources', () => {
    for (const permission of ['users:manage', 'sources:manage'] as const) {
      expect(ROLES.filter((role) => can(role, permission))).toEqual(['admin']);
    }
  });

  it('every role has a label', () => {
    for (const role of ROLES) expect(ROLE_LABELS[role]).toMatch(/\S/);
  });
});

describe('isRole', () => {
  it.each(ROLES)('accepts %s', (role) => {
    expect(isRole(role)).toBe(true);
  });

  it.each([
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'ADMIN',
    'Admin',
    ' admin',
    'admin ',
    'аdmin', // Cyrillic а
    '',
    'superuser',
    'compliance-officer',
  ])('rejects %j', (value) => {
    expect(isRole(value)).toBe(false);
  });

  it.each([null, undefined, 0, 1, true, {}, ['admin'], { toString: () => 'admin' }])(
    'rejects the non-string %j',
    (value) => {
      expect(isRole(value)).toBe(false);
    },
  );
});
