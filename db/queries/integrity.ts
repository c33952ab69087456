import 'server-only';
import { asc, desc, eq, sql } from 'drizzle-orm';
import { db } from '@/db';
import { auditStreams, checkpoints, integrityRuns, signingKeys } from '@/db/schema';
import { parseBody } from '@/lib/integrity/checkpoints';

export type StreamIntegrity = {
  id: string;
  name: string;
  kind: 'dashboard' | 'source';
  /** The stream head: its seq is also the number of events ever appended (no scan). */
  headSeq: number;
  headHash: string;
  /** The seq the newest checkpoint signed for this stream; null when it does not list it. */
  checkpointSeq: number | null;
};

export type CheckpointSummary = {
  id: number;
  issuedAt: string;
  reason: 'interval' | 'export' | 'manual';
  keyId: string;
};

export type SigningKeySummary = {
  keyId: string;
  fingerprint: string;
  createdAt: string;
  retiredAt: string | null;
};

export type RunSummary = {
  id: number;
  trigger: 'daily' | 'on_demand' | 'cli';
  startedAt: string;
  finishedAt: string;
  ok: boolean;
  events: number;
  /** The first problem found; null on PASS. */
  failure: string | null;
  problems: number;
};

export type IntegrityStatus = {
  streams: StreamIntegrity[];
  checkpoint: CheckpointSummary | null;
  keys: SigningKeySummary[];
  lastRun: RunSummary | null;
};

/**
 * What the integrity page shows, from the stream heads, the newest checkpoint, the key list and
 * the newest verification run: a handful of rows, never a scan of audit_events.
 */
export async function getIntegrityStatus(): Promise<IntegrityStatus> {
  const [streams, [newest], keys, [run]] = await Promise.all([
    db
      .select({
        id: auditStreams.id,
        name: auditStreams.name,
        kind: auditStreams.kind,
        headSeq: auditStreams.headSeq,
        headHash: sql<string>`encode(${auditStreams.headHash}, 'hex')`,
      })
      .from(auditStreams)
      .orderBy(asc(auditStreams.kind), asc(auditStreams.name)),
    db
      .select({
        id: checkpoints.id,
        issuedAt: checkpoints.issuedAt,
        reason: checkpoints.reason,
        keyId: checkpoints.keyId,
        body: checkpoints.body,
        hash: checkpoints.hash,
        signature: checkpoints.signature,
      })
      .from(checkpoints)
      .orderBy(desc(checkpoints.id))
      .limit(1),
    db
      .select({
        keyId: signingKeys.keyId,
        fingerprint: signingKeys.fingerprint,
        createdAt: signingKeys.createdAt,
        retiredAt: signingKeys.retiredAt,
      })
      .from(signingKeys)
      .orderBy(desc(signingKeys.createdAt)),
    db
      .select({
        id: integrityRuns.id,
        trigger: integrityRuns.trigger,
        startedAt: integrityRuns.startedAt,
        finishedAt: integrityRuns.finishedAt,
        ok: integrityRuns.ok,
        events: integrityRuns.events,
        failure: integrityRuns.failure,
        problems: sql<number>`coalesce(jsonb_array_length(${integrityRuns.report}->'problems'), 0)::int`,
      })
      .from(integrityRuns)
      .orderBy(desc(integrityRuns.id))
      .limit(1),
  ]);
  const signed = new Map(
    newest ? parseBody(newest).streams.map((s) => [s.id, s.seq] as const) : [],
  );
  return {
    streams: streams.map((s) => ({ ...s, checkpointSeq: signed.get(s.id) ?? null })),
    checkpoint: newest
      ? {
          id: newest.id,
          issuedAt: newest.issuedAt.toISOString(),
          reason: newest.reason,
          keyId: newest.keyId,
        }
      : null,
    keys: keys.map((k) => ({
      keyId: k.keyId,
      fingerprint: k.fingerprint,
      createdAt: k.createdAt.toISOString(),
      retiredAt: k.retiredAt?.toISOString() ?? null,
    })),
    lastRun: run
      ? {
          ...run,
          startedAt: run.startedAt.toISOString(),
          finishedAt: run.finishedAt.toISOString(),
        }
      : null,
  };
}

/** One listed public key (SPKI PEM) by its id, retired ones included; null when not listed. */
export async function getPublicKeyPem(keyId: string): Promise<string | null> {
  const [row] = await db
    .select({ publicKey: signingKeys.publicKey })
    .from(signingKeys)
    .where(eq(signingKeys.keyId, keyId));
  return row?.publicKey ?? null;
}
