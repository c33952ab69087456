import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { asc, desc, inArray, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { checkpointHeads, checkpoints } from '@/db/schema';
import { formatTimestamp } from '@/lib/audit/chain';
import { integrityConfig } from '@/lib/config';
import {
  CHECKPOINT_GENESIS,
  signCheckpoint,
  type CheckpointBody,
  type CheckpointReason,
  type SignedCheckpoint,
} from './format';
import { registerKey, type Signer } from './keys';
import { writeOnce } from './write-once';

/** Serialises checkpoint writers (any process): ids are gapless and each names the last. */
const CHECKPOINT_LOCK = 7261020;

export type Checkpoint = SignedCheckpoint & {
  id: number;
  issuedAt: Date;
  reason: CheckpointReason;
};

export const copyFile = (dir: string, id: number) =>
  path.join(dir, `${String(id).padStart(12, '0')}.json`);
export const copyContent = (c: SignedCheckpoint) =>
  JSON.stringify({ body: c.body, hash: c.hash, keyId: c.keyId, signature: c.signature }) + '\n';

/**
 * Signs the heads of all streams (read in one statement, so one consistent moment) and the
 * previous checkpoint's hash, stores the checkpoint, then writes its write-once copy. If the
 * copy cannot be written the checkpoint stands and the error is thrown: verification reports
 * the missing copy until `writeMissingCopies` succeeds.
 */
export async function createCheckpoint(
  db: Database,
  reason: CheckpointReason,
  signer: Signer,
  dir = integrityConfig().checkpointDir,
): Promise<Checkpoint> {
  await registerKey(db, signer, dir);
  const created = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${CHECKPOINT_LOCK})`);
    const [last] = await tx
      .select({ id: checkpoints.id, hash: checkpoints.hash })
      .from(checkpoints)
      .orderBy(desc(checkpoints.id))
      .limit(1);
    const streams = await tx.execute<{ id: string; name: string; seq: number; head: string }>(sql`
      select id::text as id, name, head_seq::float8 as seq, encode(head_hash, 'hex') as head
        from audit_streams`);
    const issuedAt = new Date();
    const id = (last?.id ?? 0) + 1;
    const signed = signCheckpoint(
      {
        id,
        issuedAt: formatTimestamp(issuedAt),
        prev: last?.hash ?? CHECKPOINT_GENESIS,
        reason,
        streams: streams.map((s) => ({ id: s.id, name: s.name, seq: s.seq, head: s.head })),
      },
      signer.privateKey,
    );
    await tx.insert(checkpoints).values({ id, issuedAt, reason, ...signed });
    if (streams.length)
      await tx
        .insert(checkpointHeads)
        .values(streams.map((s) => ({ streamId: s.id, seq: s.seq, checkpointId: id })));
    return { id, issuedAt, reason, ...signed };
  });
  writeOnce(copyFile(dir, created.id), copyContent(created));
  return created;
}

export function parseBody(c: SignedCheckpoint): CheckpointBody {
  return JSON.parse(c.body) as CheckpointBody;
}

const fromRow = (r: typeof checkpoints.$inferSelect): Checkpoint => ({
  id: r.id,
  issuedAt: r.issuedAt,
  reason: r.reason,
  body: r.body,
  hash: r.hash,
  keyId: r.keyId,
  signature: r.signature,
});

export async function listCheckpoints(db: Database, ids?: number[]): Promise<Checkpoint[]> {
  const rows = await db
    .select()
    .from(checkpoints)
    .where(ids ? inArray(checkpoints.id, ids) : undefined)
    .orderBy(asc(checkpoints.id));
  return rows.map(fromRow);
}

export async function latestCheckpoint(db: Database): Promise<Checkpoint | null> {
  const [r] = await db.select().from(checkpoints).orderBy(desc(checkpoints.id)).limit(1);
  return r ? fromRow(r) : null;
}

/** Writes the copies a failed write left missing (e.g. the directory was unavailable). */
export async function writeMissingCopies(db: Database, dir = integrityConfig().checkpointDir) {
  const present = new Set(listCopyIds(dir));
  let written = 0;
  for (const c of await listCheckpoints(db))
    if (!present.has(c.id)) {
      writeOnce(copyFile(dir, c.id), copyContent(c));
      written++;
    }
  return written;
}

/** The ids of the copies in the write-once directory. */
export function listCopyIds(dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((n) => /^(\d{12})\.json$/.exec(n)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

export function readCopy(dir: string, id: number): string | null {
  try {
    return readFileSync(copyFile(dir, id), 'utf8');
  } catch {
    return null;
  }
}

/**
 * Checkpoints at a fixed interval (also when nothing happened, so a silent gap shows), and
 * first once at start. Errors are logged and retried at the next tick.
 */
export function startCheckpointLoop(
  db: Database,
  signer: Signer,
  options: { intervalMs: number; dir?: string; log: (m: string) => void },
) {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = (async () => {
      try {
        await writeMissingCopies(db, options.dir);
        await createCheckpoint(db, 'interval', signer, options.dir);
      } catch (error) {
        options.log(`checkpoint failed: ${(error as Error).message}`);
      }
      if (!stopped) timer = setTimeout(tick, options.intervalMs);
    })();
  };
  tick();
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
