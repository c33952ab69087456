import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  pgTable,
  text,
  timestamp,
  uuid,
  bigserial,
  index,
} from 'drizzle-orm/pg-core';
import { ROLES } from '@/lib/authz';

export const users = pgTable(
  'users',
  {
    id: uuid().primaryKey().defaultRandom(),
    // Stored normalised (trimmed, lower-case); the unique index makes that the identity.
    email: text().notNull().unique(),
    name: text().notNull(),
    role: text({ enum: ROLES }).notNull(),
    passwordHash: text().notNull(),
    active: boolean().notNull().default(true),
    // Auditor accounts may carry an expiry; after it, sign-in and live sessions stop working.
    expiresAt: timestamp({ withTimezone: true, mode: 'date' }),
    createdAt: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    check(
      'users_role_check',
      sql`${t.role} in ('admin', 'compliance_officer', 'reviewer', 'auditor')`,
    ),
    check('users_email_normalised', sql`${t.email} = lower(btrim(${t.email}))`),
  ],
);

/**
 * Server-side record of every signed-in session. The JWT cookie only carries the session id;
 * each request re-reads this row and its user, so sign-out, deactivation, expiry and role
 * changes take effect on the next request instead of at token expiry.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: text().primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    createdAt: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    revokedAt: timestamp({ withTimezone: true, mode: 'date' }),
    ip: text(),
    userAgent: text(),
  },
  (t) => [index().on(t.userId)],
);

/** Failed sign-ins, keyed by the e-mail as typed (known or not) and by client address. */
export const signInFailures = pgTable(
  'sign_in_failures',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    email: text().notNull(),
    ip: text().notNull(),
    at: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index().on(t.email, t.at), index().on(t.ip, t.at)],
);

/** Locks by e-mail, so an unknown address locks exactly like a real one (no account probing). */
export const accountLockouts = pgTable('account_lockouts', {
  email: text().primaryKey(),
  lockedUntil: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
});
