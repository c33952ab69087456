import type { KeyObject } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { verifyDatabase, type VerifyReport } from '@/lib/audit/verify';
import { integrityConfig } from '@/lib/config';
import {
  copyContent,
  listCheckpoints,
  listCopyIds,
  parseBody,
  readCopy,
  type Checkpoint,
} from './checkpoints';
import {
  checkSignedCheckpoint,
  CHECKPOINT_GENESIS,
  fingerprint,
  type CheckpointBody,
  type SignedCheckpoint,
} from './format';
import { listKeys } from './keys';

export type IntegrityReason =
  | 'gap'
  | 'prev_mismatch'
  | 'hash_mismatch'
  | 'head_mismatch'
  | 'bad_format'
  | 'bad_signature'
  | 'unknown_key'
  | 'checkpoint_mismatch'
  | 'fork'
  | 'unanchored_tail'
  | 'copy_missing'
  | 'copy_mismatch'
  | 'copy_orphan';

export type IntegrityProblem = {
  reason: IntegrityReason;
  /** Where: a stream (name) and seq, a checkpoint id, or a write-once copy. */
  stream?: string;
  seq?: number;
  checkpoint?: number;
  detail: string;
};

export type IntegrityReport = {
  ok: boolean;
  events: number;
  chains: VerifyReport;
  checkpoints: { count: number; newestId: number | null; newestAt: string | null };
  /** Events after the newest checkpoint, per stream: not yet protected by a signature. */
  pending: { stream: string; events: number; oldestReceivedAt: string }[];
  keys: { keyId: string; fingerprint: string }[];
  trusted: { id: number; issuedAt: string } | null;
  problems: IntegrityProblem[];
};

/** "stream crm seq 12: hash_mismatch (…)" — one line for the first problem. */
export function describeProblem(p: IntegrityProblem): string {
  const where = [
    p.checkpoint !== undefined ? `checkpoint ${p.checkpoint}` : null,
    p.stream !== undefined ? `stream ${p.stream}` : null,
    p.seq !== undefined ? `seq ${p.seq}` : null,
  ]
    .filter(Boolean)
    .join(' ');
  return `${where ? `${where}: ` : ''}${p.reason} (${p.detail})`;
}

/**
 * The full verification: every chain recomputed (lib/audit/verify), then every checkpoint
 * (signature by a listed key, link to the previous one, each stream's seq never going back,
 * and the signed head equal to the recomputed chain at that seq), the newest checkpoint
 * covering every stream's newest event, the write-once copies equal to the database's, and
 * optionally a checkpoint an auditor saved earlier being a prefix of today's chains.
 *
 * Events after the newest checkpoint are "pending" while the next interval checkpoint is
 * still due (2 intervals and a minute of grace); older than that they are an unanchored tail
 * and fail, as does any tail with `strict`.
 */
export async function verifyIntegrity(
  db: Database,
  options: {
    trusted?: SignedCheckpoint;
    /** Keys the caller pins (e.g. --public-key); else the listed keys. */
    keys?: Map<string, KeyObject>;
    dir?: string;
    intervalSeconds?: number;
    strict?: boolean;
    now?: Date;
    onProgress?: (done: number) => void;
  } = {},
): Promise<IntegrityReport> {
  const config = integrityConfig();
  const dir = options.dir ?? config.checkpointDir;
  const interval = options.intervalSeconds ?? config.checkpointIntervalSeconds;
  const now = options.now ?? new Date();
  const keys = options.keys ?? (await listKeys(db));
  const all = await listCheckpoints(db);
  const problems: IntegrityProblem[] = [];

  // Which seqs of which stream the checkpoints sign: the chain walk keeps their hashes.
  const bodies = new Map<number, CheckpointBody>();
  const wanted = new Map<string, Set<number>>();
  const want = (b: CheckpointBody) => {
    for (const s of b.streams) {
      const set = wanted.get(s.id) ?? new Set<number>();
      set.add(s.seq);
      wanted.set(s.id, set);
    }
  };
  for (const c of all) {
    const checked = checkSignedCheckpoint(c, keys);
    if (!checked.ok) {
      problems.push({ reason: checked.problem, checkpoint: c.id, detail: checked.detail });
      continue;
    }
    bodies.set(c.id, checked.body);
    want(checked.body);
  }
  let trustedBody: CheckpointBody | null = null;
  if (options.trusted) {
    const checked = checkSignedCheckpoint(options.trusted, keys);
    if (!checked.ok)
      problems.push({
        reason: checked.problem,
        detail: `the trusted checkpoint: ${checked.detail}`,
      });
    else {
      trustedBody = checked.body;
      want(checked.body);
    }
  }

  const chains = await verifyDatabase(db.$client, options.onProgress, wanted);
  const byId = new Map(chains.streams.map((s) => [s.id, s]));
  for (const s of chains.streams)
    if (s.broken)
      problems.push({
        reason: s.broken.reason,
        stream: s.name,
        seq: s.broken.seq,
        detail: s.broken.detail,
      });

  /** A signed (seq, head) against the recomputed chain; null when it matches. */
  const mismatch = (stream: CheckpointBody['streams'][number]): string | null => {
    const s = byId.get(stream.id);
    if (!s) return `stream ${stream.name} does not exist`;
    if (stream.seq > s.headSeq)
      return `signed seq ${stream.seq} is past the stream's head ${s.headSeq}`;
    // Past a break the chain is already reported; a dropped month's inner seqs cannot be checked.
    if (s.broken && stream.seq >= s.broken.seq) return null;
    const recomputed = s.at.get(stream.seq);
    if (recomputed === undefined) return null;
    return recomputed === stream.head
      ? null
      : `signed head at seq ${stream.seq} is not the chain's`;
  };

  let prev: Checkpoint | null = null;
  let prevBody: CheckpointBody | null = null;
  for (const c of all) {
    const body = bodies.get(c.id);
    if (!body) {
      prev = c;
      prevBody = null;
      continue;
    }
    if (body.id !== c.id)
      problems.push({
        reason: 'bad_format',
        checkpoint: c.id,
        detail: `its body says id ${body.id}`,
      });
    const expectedPrev = prev ? prev.hash : CHECKPOINT_GENESIS;
    if (body.prev !== expectedPrev || (prev && prev.id !== c.id - 1))
      problems.push({
        reason: 'fork',
        checkpoint: c.id,
        detail: 'it does not name the previous checkpoint',
      });
    for (const s of body.streams) {
      const bad = mismatch(s);
      if (bad)
        problems.push({
          reason: 'checkpoint_mismatch',
          checkpoint: c.id,
          stream: s.name,
          seq: s.seq,
          detail: bad,
        });
      const before = prevBody?.streams.find((p) => p.id === s.id);
      if (before && s.seq < before.seq)
        problems.push({
          reason: 'fork',
          checkpoint: c.id,
          stream: s.name,
          seq: s.seq,
          detail: `seq went back from ${before.seq}`,
        });
    }
    for (const p of prevBody?.streams ?? [])
      if (!body.streams.some((s) => s.id === p.id))
        problems.push({
          reason: 'fork',
          checkpoint: c.id,
          stream: p.name,
          detail: 'a stream disappeared',
        });
    prev = c;
    prevBody = body;
  }

  if (trustedBody)
    for (const s of trustedBody.streams) {
      const bad = mismatch(s);
      if (bad)
        problems.push({
          reason: 'fork',
          stream: s.name,
          seq: s.seq,
          detail: `the trusted checkpoint ${trustedBody.id} is not a prefix of today's chain: ${bad}`,
        });
    }

  // The newest checkpoint must cover every stream's newest event (or the next one is due).
  const newest = all.at(-1) ?? null;
  const newestBody = newest ? (bodies.get(newest.id) ?? parseBody(newest)) : null;
  const pending: IntegrityReport['pending'] = [];
  for (const s of chains.streams) {
    const covered = newestBody?.streams.find((x) => x.id === s.id)?.seq ?? 0;
    if (s.headSeq <= covered) continue;
    const [first] = await db.execute<{ received_at: string }>(sql`
      select to_char(received_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as received_at
        from audit_events where stream_id = ${s.id}::uuid and seq > ${covered} order by seq limit 1`);
    const oldest = first?.received_at ?? now.toISOString();
    const age = (now.getTime() - Date.parse(oldest)) / 1000;
    const item = { stream: s.name, events: s.headSeq - covered, oldestReceivedAt: oldest };
    if (options.strict || age > 2 * interval + 60)
      problems.push({
        reason: 'unanchored_tail',
        stream: s.name,
        seq: covered + 1,
        detail: `${item.events} events after the newest checkpoint${newest ? ` (${newest.id})` : ''}, the oldest received ${Math.round(age)} s ago`,
      });
    else pending.push(item);
  }

  // The write-once copies must hold exactly the database's checkpoints. A checkpoint's copy is
  // written just after it commits, and checkpoints go on being signed while this runs: a copy
  // newer than the newest checkpoint read above, or missing for one signed in the last minute,
  // is in flight, not a problem.
  const copies = listCopyIds(dir);
  for (const c of all) {
    const copy = readCopy(dir, c.id);
    if (copy === null && now.getTime() - c.issuedAt.getTime() < 60_000) continue;
    if (copy === null)
      problems.push({
        reason: 'copy_missing',
        checkpoint: c.id,
        detail: `no write-once copy in ${dir}`,
      });
    else if (copy !== copyContent(c))
      problems.push({
        reason: 'copy_mismatch',
        checkpoint: c.id,
        detail: 'the write-once copy differs from the database',
      });
  }
  const known = new Set(all.map((c) => c.id));
  for (const id of copies)
    if (!known.has(id) && id <= (newest?.id ?? 0))
      problems.push({
        reason: 'copy_orphan',
        checkpoint: id,
        detail: 'a write-once copy has no checkpoint in the database',
      });

  return {
    ok: problems.length === 0,
    events: chains.streams.reduce((n, s) => n + s.events, 0),
    chains,
    checkpoints: {
      count: all.length,
      newestId: newest?.id ?? null,
      newestAt: newest ? newest.issuedAt.toISOString() : null,
    },
    pending,
    keys: [...keys].map(([keyId, key]) => ({ keyId, fingerprint: fingerprint(key) })),
    trusted: trustedBody ? { id: trustedBody.id, issuedAt: trustedBody.issuedAt } : null,
    problems,
  };
}
