import { sql } from 'drizzle-orm';
import {
  check,
  customType,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { auditStreams } from './audit';
import { users } from './users';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/** A system that sends audit events (CRM, ATS, HRIS, identity provider). Each has its own chain. */
export const sources = pgTable(
  'sources',
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull().unique(),
    description: text().notNull().default(''),
    streamId: uuid()
      .notNull()
      .unique()
      .references(() => auditStreams.id),
    // Events per second the API accepts from this source before answering 429.
    rateLimitPerSecond: integer().notNull().default(20000),
    createdAt: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    createdBy: uuid().references(() => users.id),
  },
  (t) => [check('sources_name_format', sql`${t.name} ~ '^[a-z0-9][a-z0-9_-]{0,62}$'`)],
);

/** API keys are shown once; only their SHA-256 is kept (they are 256-bit random, so no KDF is needed). */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid().primaryKey().defaultRandom(),
    sourceId: uuid()
      .notNull()
      .references(() => sources.id),
    label: text().notNull().default(''),
    // The first characters of the key, to recognise it in lists.
    prefix: text().notNull(),
    keyHash: bytea().notNull().unique(),
    createdAt: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    createdBy: uuid().references(() => users.id),
    revokedAt: timestamp({ withTimezone: true, mode: 'date' }),
    revokedBy: uuid().references(() => users.id),
  },
  (t) => [index().on(t.sourceId)],
);

/**
 * Every event id a source has sent, with the SHA-256 of its canonical body: a retry with the
 * same id and body stores nothing twice; the same id with a different body is a conflict.
 * (audit_events is partitioned by time, so it cannot carry this unique key itself.)
 */
export const ingestIds = pgTable(
  'ingest_ids',
  {
    // No foreign key (migration 0004): only the authenticated source's id is ever written.
    sourceId: uuid().notNull(),
    eventId: text().notNull(),
    bodyHash: bytea().notNull(),
  },
  (t) => [primaryKey({ columns: [t.sourceId, t.eventId] })],
);
