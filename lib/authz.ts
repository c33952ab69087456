/**
 * The permission matrix: the single source of truth for who may do what. Every page, server
 * action and route handler asks `can(role, permission)` on the server (see lib/session.ts);
 * the UI uses the same table only to hide what a role cannot do.
 */
export const ROLES = ['admin', 'compliance_officer', 'reviewer', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'events:read',
  'alerts:read',
  'alerts:triage',
  'rules:manage',
  'sources:manage',
  'users:manage',
  'evidence:export',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const MATRIX: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  compliance_officer: [
    'events:read',
    'alerts:read',
    'alerts:triage',
    'rules:manage',
    'evidence:export',
  ],
  reviewer: ['events:read', 'alerts:read', 'alerts:triage'],
  auditor: ['events:read', 'alerts:read', 'evidence:export'],
};

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Admin',
  compliance_officer: 'Compliance officer',
  reviewer: 'Reviewer',
  auditor: 'Auditor',
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function can(role: Role, permission: Permission): boolean {
  return MATRIX[role].includes(permission);
}
