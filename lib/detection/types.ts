/**
 * The contract between the detectors (pure functions, lib/detection/detectors) and the engine
 * (lib/detection/engine.ts), which reads events from the store in per-stream sequence order,
 * loads each detector's small state, runs the detectors and writes alerts, all in one
 * transaction with the stream cursors so every (rule, event) is evaluated exactly once.
 */
import type { FieldChange } from '@/lib/audit/types';

export const RULE_IDS = [
  'off_hours_change',
  'burst',
  'mass_delete',
  'mass_export',
  'failed_login_burst',
  'password_spraying',
  'privilege_grant',
  'sensitive_field',
  'self_change',
  'new_address',
  'dormant_account',
  'volume_anomaly',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** Each rule's name as people read it (client-safe: the detectors themselves are server code). */
export const RULE_NAMES: Record<RuleId, string> = {
  off_hours_change: 'Change outside working hours',
  burst: 'Burst of changes',
  mass_delete: 'Mass deletion',
  mass_export: 'Large data export',
  failed_login_burst: 'Repeated failed sign-ins',
  password_spraying: 'Password spraying',
  privilege_grant: 'Access granted',
  sensitive_field: 'Unusual change to a sensitive field',
  self_change: 'Change to own record',
  new_address: 'New address',
  dormant_account: 'Dormant account active again',
  volume_anomaly: 'Unusual activity volume',
};

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One stored event, as the engine hands it to the detectors. Times are epoch milliseconds. */
export type DetectionEvent = {
  /** audit_events.id */
  id: number;
  /** The stream's name: a source name such as `hris`, or `dashboard`. */
  source: string;
  seq: number;
  occurredAt: number;
  action: string;
  outcome: 'success' | 'failure';
  actorId: string | null;
  actorName: string | null;
  actorEmail: string | null;
  actorType: 'user' | 'service' | 'system' | 'anonymous';
  actorIp: string | null;
  actorUserAgent: string | null;
  actorTimeZone: string | null;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  changes: FieldChange[];
  metadata: Record<string, unknown>;
};

/** A working week in one IANA zone. Days are ISO (1 = Monday ... 7 = Sunday); hours 0-24. */
export type Schedule = {
  timeZone: string;
  days: number[];
  startHour: number;
  endHour: number;
};

/** Organisation-wide settings every detector may read (edited on the rules page). */
export type DetectionSettings = {
  /** Applies to anyone without their own schedule. */
  defaultSchedule: Schedule;
  /** Per-person schedules, keyed by actor id. */
  schedules: Record<string, Schedule>;
  /** Holidays as local dates `YYYY-MM-DD`: the whole day counts as outside working hours. */
  holidays: string[];
  /** Field names (case-insensitive; a change's field matches when its last path segment does). */
  sensitiveFields: string[];
  /** Actor ids treated as administrators of the source systems (may grant access). */
  adminActors: string[];
};

/**
 * What a detector reports. `dedupeKey` identifies the incident: every finding with the same key
 * lands on the same alert (the engine adds the events and widens its time span), so one incident
 * opens one alert however many events it spans and however often the engine restarts.
 */
export type Finding = {
  rule: RuleId;
  severity: Severity;
  dedupeKey: string;
  /** The person the alert is about (whose changes are under review). */
  actorId: string | null;
  actorName: string | null;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  /** Why it fired, in plain words, e.g. "Dana Wu changed 3 salary fields at 02:14 on Saturday (Europe/Berlin), outside their working hours 08:00-16:00 Mon-Fri". */
  summary: string;
  /** The events that triggered it (ids); the engine links them to the alert. */
  eventIds: number[];
  occurredAt: number;
  /** Rule-specific facts shown on the alert page (counts, thresholds, baseline, zone ...). */
  details: Record<string, unknown>;
};

export type DetectorContext = { settings: DetectionSettings };

/**
 * A detector: pure, with its own parameters, default severity and small per-key state.
 * `keyOf` says which state an event needs (e.g. the actor id, or the source address); the
 * engine loads that state, calls `evaluate`, and stores the returned state. Events without a
 * key (null) are not relevant to the detector and are skipped.
 * State must be JSON (it is stored as jsonb) and stay small (bounded windows, capped lists).
 */
export type Detector<P, S> = {
  rule: RuleId;
  name: string;
  description: string;
  defaultSeverity: Severity;
  defaults: P;
  /** Validates proposed parameters from the rules page; returns an error per bad field. */
  parseParams(
    input: unknown,
  ): { ok: true; params: P } | { ok: false; errors: Record<string, string> };
  keyOf(event: DetectionEvent, params: P, ctx: DetectorContext): string | null;
  initialState(): S;
  evaluate(
    event: DetectionEvent,
    state: S,
    params: P,
    ctx: DetectorContext & { severity: Severity },
  ): { state: S; findings: Finding[] };
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDetector = Detector<any, any>;

/** A rule's stored configuration. */
export type RuleConfig = { enabled: boolean; severity: Severity; params: unknown };

/** The key of one detector state in the runner's map: rule and key joined by a NUL. */
export function stateKey(rule: RuleId, key: string): string {
  return `${rule}\u0000${key}`;
}
export function splitStateKey(composite: string): { rule: RuleId; key: string } {
  const at = composite.indexOf('\u0000');
  return { rule: composite.slice(0, at) as RuleId, key: composite.slice(at + 1) };
}
