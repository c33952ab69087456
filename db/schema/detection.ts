import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './users';

/** Each rule's stored configuration (a missing row means the rule's defaults, enabled). */
export const detectionRules = pgTable(
  'detection_rules',
  {
    rule: text().primaryKey(),
    enabled: boolean().notNull(),
    severity: text().notNull(),
    params: jsonb().notNull(),
    updatedAt: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    check(
      'detection_rules_severity_check',
      sql`${t.severity} in ('low', 'medium', 'high', 'critical')`,
    ),
  ],
);

/** Organisation-wide detection settings: one row (working hours, holidays, sensitive fields). */
export const detectionSettings = pgTable(
  'detection_settings',
  {
    id: smallint().primaryKey().default(1),
    settings: jsonb().notNull(),
    updatedAt: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [check('detection_settings_single_row', sql`${t.id} = 1`)],
);

/**
 * How far the engine has evaluated each stream: every event with seq <= this has been through
 * every rule. Moved in the same transaction as the alerts and detector state it produced.
 */
export const detectionCursors = pgTable('detection_cursors', {
  streamId: uuid().primaryKey(),
  seq: bigint({ mode: 'number' }).notNull(),
  updatedAt: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** The detectors' small state (windows, baselines, last-seen addresses), per rule and key. */
export const detectionState = pgTable(
  'detection_state',
  {
    rule: text().notNull(),
    key: text().notNull(),
    state: jsonb().notNull(),
  },
  (t) => [primaryKey({ columns: [t.rule, t.key] })],
);

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export const DISPOSITIONS = [
  'true_positive',
  'false_positive',
  'expected_change',
  'duplicate',
] as const;

/**
 * One alert per incident (the detector's dedupe key). Its lifecycle fields change as reviewers
 * act; every such change is also an audit event on the dashboard's stream (target alert/<id>),
 * which is the alert's history.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    rule: text().notNull(),
    severity: text().notNull(),
    dedupeKey: text().notNull().unique(),
    status: text({ enum: ALERT_STATUSES }).notNull().default('open'),
    disposition: text({ enum: DISPOSITIONS }),
    ticket: text(),
    assigneeId: uuid().references(() => users.id),
    snoozedUntil: timestamp({ withTimezone: true, mode: 'date' }),
    actorId: text(),
    actorName: text(),
    actorEmail: text(),
    targetType: text(),
    targetId: text(),
    targetLabel: text(),
    summary: text().notNull(),
    details: jsonb().$type<Record<string, unknown>>().notNull(),
    eventCount: integer().notNull(),
    firstEventAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    lastEventAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    createdAt: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    // First acknowledgement and the current resolution (cleared on reopen): review-time figures.
    acknowledgedAt: timestamp({ withTimezone: true, mode: 'date' }),
    resolvedAt: timestamp({ withTimezone: true, mode: 'date' }),
    updatedAt: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    // Bumped by every triage action: a reviewer acting on a stale view is told what changed.
    version: integer().notNull().default(1),
  },
  (t) => [
    check('alerts_status_check', sql`${t.status} in ('open', 'acknowledged', 'resolved')`),
    check('alerts_severity_check', sql`${t.severity} in ('low', 'medium', 'high', 'critical')`),
    check(
      'alerts_disposition_check',
      sql`(${t.status} = 'resolved') = (${t.disposition} is not null)`,
    ),
    index().on(t.status, t.createdAt),
    index().on(t.actorId, t.createdAt),
    index().on(t.rule, t.createdAt),
    index().on(t.assigneeId),
    index().on(t.createdAt),
  ],
);

/**
 * Every time an alert was resolved, and when that resolution was undone by a reopen: the open
 * backlog at any moment is the alerts raised by then minus the resolutions standing then
 * (db/queries/overview.ts). Written by triage in the same transaction as the alert and its
 * audit event; the audit events remain the record, this is their index for the charts.
 */
export const alertResolutions = pgTable(
  'alert_resolutions',
  {
    alertId: bigint({ mode: 'number' })
      .notNull()
      .references(() => alerts.id),
    resolvedAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    reopenedAt: timestamp({ withTimezone: true, mode: 'date' }),
  },
  (t) => [
    primaryKey({ columns: [t.alertId, t.resolvedAt] }),
    index().on(t.resolvedAt),
    index().on(t.reopenedAt),
  ],
);

/** The events behind an alert (capped per alert; alerts.event_count has the full number). */
export const alertEvents = pgTable(
  'alert_events',
  {
    alertId: bigint({ mode: 'number' })
      .notNull()
      .references(() => alerts.id),
    eventId: bigint({ mode: 'number' }).notNull(),
    occurredAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.alertId, t.eventId] }), index().on(t.eventId)],
);
