import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * Signed checkpoints (lib/integrity): the exact signed body text, its hash and signature.
 * Append-only like the audit store (privileges + ALWAYS triggers, migration 0015); ids are
 * assigned gaplessly under an advisory lock, and each body names the previous one's hash.
 * The private key never enters the database; each checkpoint is also written once to
 * CHECKPOINT_DIR.
 */
export const checkpoints = pgTable(
  'checkpoints',
  {
    id: bigint({ mode: 'number' }).primaryKey(),
    issuedAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    reason: text({ enum: ['interval', 'export', 'manual'] }).notNull(),
    keyId: text().notNull(),
    body: text().notNull(),
    hash: text().notNull(),
    signature: text().notNull(),
  },
  (t) => [check('checkpoints_reason_check', sql`${t.reason} in ('interval', 'export', 'manual')`)],
);

/**
 * Each checkpoint's signed (stream, seq), as an index: an evidence export finds the checkpoints
 * around any seq by probes instead of reading every checkpoint body (105,000 a year at the
 * default interval). Written with its checkpoint, append-only like it; the signed body stays
 * the evidence.
 */
export const checkpointHeads = pgTable(
  'checkpoint_heads',
  {
    streamId: uuid().notNull(),
    seq: bigint({ mode: 'number' }).notNull(),
    checkpointId: bigint({ mode: 'number' })
      .notNull()
      .references(() => checkpoints.id),
  },
  (t) => [primaryKey({ columns: [t.streamId, t.seq, t.checkpointId] })],
);

/** Every public key that ever signed a checkpoint: rotation retires a key, never removes it. */
export const signingKeys = pgTable('signing_keys', {
  keyId: text().primaryKey(),
  publicKey: text().notNull(),
  fingerprint: text().notNull(),
  createdAt: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  retiredAt: timestamp({ withTimezone: true, mode: 'date' }),
});

/** Full verifications (daily in the background, and on demand): when, by what, and the result. */
export const integrityRuns = pgTable('integrity_runs', {
  id: bigserial({ mode: 'number' }).primaryKey(),
  trigger: text({ enum: ['daily', 'on_demand', 'cli'] }).notNull(),
  startedAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
  finishedAt: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
  ok: boolean().notNull(),
  events: bigint({ mode: 'number' }).notNull(),
  // The first problem found (null on PASS), and the per-stream and checkpoint summary.
  failure: text(),
  report: jsonb().$type<Record<string, unknown>>().notNull(),
});
