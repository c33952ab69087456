/**
 * The dashboard's own audit vocabulary: a closed list of `resource.verb` actions, used by the
 * writer, the filters and the labels alike. Ingested events carry their source's own actions.
 */
export const DASHBOARD_ACTIONS = {
  'auth.sign_in': 'Signed in',
  'auth.sign_in_failed': 'Sign-in failed',
  'auth.sign_out': 'Signed out',
  'auth.locked_out': 'Account locked after failed sign-ins',
  'user.create': 'Created user',
  'user.role_change': 'Changed role',
  'user.deactivate': 'Deactivated user',
  'user.reactivate': 'Reactivated user',
  'user.password_reset': 'Reset password',
  'user.expiry_change': 'Changed access expiry',
  'source.create': 'Created source',
  'api_key.create': 'Created API key',
  'api_key.revoke': 'Revoked API key',
  'audit.retention_drop': 'Dropped an expired month of audit events',
  'events.export': 'Exported events',
  'record.view': 'Viewed a record timeline',
  'actor.view': 'Viewed a person timeline',
  'saved_search.create': 'Saved a search',
  'saved_search.delete': 'Deleted a saved search',
  'alert.raise': 'Raised an alert',
  'alert.acknowledge': 'Acknowledged an alert',
  'alert.assign': 'Assigned an alert',
  'alert.resolve': 'Resolved an alert',
  'alert.reopen': 'Reopened an alert',
  'alert.comment': 'Commented on an alert',
  'alert.snooze': 'Snoozed an alert',
  'alert.triage_refused': 'Was refused a triage action',
  'rule.update': 'Changed a detection rule',
  'detection_settings.update': 'Changed detection settings',
  'evidence.export': 'Exported an evidence bundle',
  'integrity.checkpoint': 'Asked for a signed checkpoint',
  'integrity.verify': 'Ran a full integrity verification',
  'signing_key.rotate': 'Rotated the checkpoint signing key',
} as const;
export type DashboardAction = keyof typeof DASHBOARD_ACTIONS;

/** A field-level change. Values are any JSON; secrets are never recorded, only that they changed. */
export type FieldChange = { field: string; old: unknown; new: unknown };

export type ActorType = 'user' | 'service' | 'system' | 'anonymous';

export type AuditActor = {
  id: string | null;
  name: string | null;
  email: string | null;
  type: ActorType;
};

export type RequestContext = {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
};

export type DashboardEventInput = {
  action: DashboardAction;
  outcome?: 'success' | 'failure';
  actor: AuditActor;
  context: RequestContext;
  sessionId?: string | null;
  target?: { type: string; id: string; label?: string | null } | null;
  changes?: FieldChange[];
  reason?: string | null;
  metadata?: Record<string, unknown>;
};
