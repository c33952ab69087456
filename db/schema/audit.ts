import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  check,
  customType,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import type { FieldChange } from '@/lib/audit/types';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => 'bytea',
});

/**
 * One hash chain per stream: the dashboard's own actions, and (later) each ingest source.
 * The head row is locked once per batch; the insert trigger checks seq/prev against it and
 * advances it, so the chain cannot fork or skip.
 */
export const auditStreams = pgTable(
  'audit_streams',
  {
    id: uuid().primaryKey().defaultRandom(),
    kind: text({ enum: ['dashboard', 'source'] }).notNull(),
    name: text().notNull().unique(),
    headSeq: bigint({ mode: 'number' }).notNull().default(0),
    headHash: bytea().notNull(),
    createdAt: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [check('audit_streams_kind_check', sql`${t.kind} in ('dashboard', 'source')`)],
);

/**
 * The audit store. Append-only (privileges + ALWAYS triggers, see the hand-written migrations),
 * range-partitioned by month on occurred_at, hash-chained per stream.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial({ mode: 'number' }).notNull(),
    // No foreign key (migration 0004): the chain trigger refuses an unknown stream.
    streamId: uuid().notNull(),
    seq: bigint({ mode: 'number' }).notNull(),
    prevHash: bytea().notNull(),
    hash: bytea().notNull(),
    // The event id given by the source system (unique per source, enforced at ingest).
    sourceEventId: text(),
    occurredAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    receivedAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    action: text().notNull(),
    outcome: text({ enum: ['success', 'failure'] }).notNull(),
    actorId: text(),
    actorName: text(),
    actorEmail: text(),
    actorType: text({ enum: ['user', 'service', 'system', 'anonymous'] }).notNull(),
    actorIp: text(),
    actorUserAgent: text(),
    actorTimeZone: text(),
    targetType: text(),
    targetId: text(),
    targetLabel: text(),
    changes: jsonb().$type<FieldChange[]>().notNull(),
    requestId: text(),
    sessionId: text(),
    reason: text(),
    metadata: jsonb().$type<Record<string, unknown>>().notNull(),
    // Values kept as given but not valid as they stand, e.g. `invalid_ip:225.01.00.16`.
    flags: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
  },
  (t) => [
    primaryKey({ columns: [t.occurredAt, t.id] }),
    check('audit_events_outcome_check', sql`${t.outcome} in ('success', 'failure')`),
    index('audit_events_stream_seq_idx').on(t.streamId, t.seq),
    index('audit_events_target_idx').on(t.targetType, t.targetId, t.occurredAt),
    index('audit_events_actor_idx').on(t.actorId, t.occurredAt),
    index('audit_events_action_idx').on(t.action, t.occurredAt),
  ],
);
