import {
  boolean,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * Hourly activity counts, kept current by the event pipeline (lib/detection/engine.ts) in the
 * same transaction as its cursor, so each event is counted exactly once. Charts and the person
 * timeline read these instead of scanning the raw events. `off_hours`, `local_dow` and
 * `local_hour` are judged in the actor's own zone and schedule at the time the event was counted.
 */
export const activityHourly = pgTable(
  'activity_hourly',
  {
    hour: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    streamId: uuid().notNull(),
    action: text().notNull(),
    // '' when the event has no actor id.
    actorId: text().notNull(),
    offHours: boolean().notNull(),
    localDow: smallint().notNull(),
    localHour: smallint().notNull(),
    events: integer().notNull(),
    // Events that changed at least one field.
    changes: integer().notNull(),
  },
  (t) => [
    primaryKey({
      columns: [t.hour, t.streamId, t.action, t.actorId, t.offHours, t.localDow, t.localHour],
    }),
    index().on(t.actorId, t.hour),
  ],
);

/** The addresses and user agents each actor used, with counts and first and last seen. */
export const actorSeen = pgTable(
  'actor_seen',
  {
    actorId: text().notNull(),
    kind: text({ enum: ['ip', 'user_agent'] }).notNull(),
    value: text().notNull(),
    events: integer().notNull(),
    firstSeen: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    lastSeen: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.actorId, t.kind, t.value] })],
);

/** Field changes per day, stream and field name (each {field, old, new} entry counts once). */
export const fieldDaily = pgTable(
  'field_daily',
  {
    day: date({ mode: 'string' }).notNull(),
    streamId: uuid().notNull(),
    field: text().notNull(),
    changes: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.streamId, t.field] })],
);

/**
 * Changes per day and record (events with at least one field change, by target). The
 * (changes, day) index finds a range's busy record-days without reading the many quiet ones
 * (db/queries/overview.ts, listTopRecords).
 */
export const recordDaily = pgTable(
  'record_daily',
  {
    day: date({ mode: 'string' }).notNull(),
    targetType: text().notNull(),
    targetId: text().notNull(),
    changes: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.targetType, t.targetId] }), index().on(t.changes, t.day)],
);
