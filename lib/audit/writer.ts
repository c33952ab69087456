import { sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { auditEvents, auditStreams } from '@/db/schema';
import { eq } from 'drizzle-orm';
import { chainHash, leafHash, type EventEnvelope } from './chain';
import type { DashboardEventInput } from './types';

export type NewEvent = Omit<EventEnvelope, 'stream' | 'seq'>;

/**
 * Appends events to one stream's hash chain inside the caller's transaction: locks the stream
 * head once for the whole batch, numbers the events gaplessly and chains their hashes. The
 * insert trigger re-checks the chain and advances the head, so a concurrent writer waits on the
 * lock instead of forking the chain. Nothing is written unless the caller's transaction commits.
 */
export async function appendToStream(tx: Tx, streamId: string, events: NewEvent[]): Promise<{ firstSeq: number; lastSeq: number }> {
  if (events.length === 0) throw new Error('appendToStream: no events');
  const [head] = await tx.execute<{ head_seq: string; head_hash: Buffer }>(
    sql`select head_seq, head_hash from lock_audit_stream(${streamId}::uuid)`,
  );
  if (!head) throw new Error(`unknown audit stream ${streamId}`);
  let seq = Number(head.head_seq);
  let prev = head.head_hash;
  const firstSeq = seq + 1;
  const rows = events.map((event) => {
    seq += 1;
    const envelope: EventEnvelope = { stream: streamId, seq, ...event };
    const hash = chainHash(streamId, seq, prev, leafHash(envelope));
    const row = {
      streamId,
      seq,
      prevHash: prev,
      hash,
      sourceEventId: event.sourceEventId,
      occurredAt: event.occurredAt,
      receivedAt: event.receivedAt,
      action: event.action,
      outcome: event.outcome,
      actorId: event.actor.id,
      actorName: event.actor.name,
      actorEmail: event.actor.email,
      actorType: event.actor.type as 'user' | 'service' | 'system' | 'anonymous',
      actorIp: event.actor.ip,
      actorUserAgent: event.actor.userAgent,
      actorTimeZone: event.actor.timeZone,
      targetType: event.target.type,
      targetId: event.target.id,
      targetLabel: event.target.label,
      changes: event.changes,
      requestId: event.requestId,
      sessionId: event.sessionId,
      reason: event.reason,
      metadata: event.metadata,
    };
    prev = hash;
    return row;
  });
  await tx.insert(auditEvents).values(rows);
  return { firstSeq, lastSeq: seq };
}

async function dashboardStreamId(tx: Tx): Promise<string> {
  const [stream] = await tx.select({ id: auditStreams.id }).from(auditStreams).where(eq(auditStreams.name, 'dashboard'));
  if (!stream) throw new Error('the dashboard audit stream is missing: run the migrations');
  return stream.id;
}

/**
 * The one writer for the dashboard's own actions. Takes the caller's transaction: the change
 * and its audit event commit together or not at all, and a failed audit write fails the action.
 */
export async function writeAuditEvents(tx: Tx, inputs: DashboardEventInput[]): Promise<void> {
  if (inputs.length === 0) return;
  const now = new Date();
  await appendToStream(
    tx,
    await dashboardStreamId(tx),
    inputs.map((input) => ({
      sourceEventId: null,
      occurredAt: now,
      receivedAt: now,
      action: input.action,
      outcome: input.outcome ?? 'success',
      actor: {
        id: input.actor.id,
        name: input.actor.name,
        email: input.actor.email,
        type: input.actor.type,
        ip: input.context.ip,
        userAgent: input.context.userAgent,
        timeZone: null,
      },
      target: {
        type: input.target?.type ?? null,
        id: input.target?.id ?? null,
        label: input.target?.label ?? null,
      },
      changes: input.changes ?? [],
      requestId: input.context.requestId,
      sessionId: input.sessionId ?? null,
      reason: input.reason ?? null,
      metadata: input.metadata ?? {},
    })),
  );
}

export function writeAuditEvent(tx: Tx, input: DashboardEventInput): Promise<void> {
  return writeAuditEvents(tx, [input]);
}
