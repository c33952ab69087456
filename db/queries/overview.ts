import 'server-only';
import { desc, sql } from 'drizzle-orm';
import { db } from '@/db';
import { auditEvents, auditStreams } from '@/db/schema';

export type OverviewCounts = {
  total: number;
  last24h: number;
  last7d: number;
  failures24h: number;
  streams: number;
};

export async function getEventCounts(): Promise<OverviewCounts> {
  const [row] = await db
    .select({
      total: sql<number>`count(*)::int`,
      last24h: sql<number>`(count(*) filter (where ${auditEvents.occurredAt} > now() - interval '24 hours'))::int`,
      last7d: sql<number>`(count(*) filter (where ${auditEvents.occurredAt} > now() - interval '7 days'))::int`,
      failures24h: sql<number>`(count(*) filter (where ${auditEvents.outcome} = 'failure' and ${auditEvents.occurredAt} > now() - interval '24 hours'))::int`,
    })
    .from(auditEvents);
  const [streams] = await db.select({ n: sql<number>`count(*)::int` }).from(auditStreams);
  return {
    total: row?.total ?? 0,
    last24h: row?.last24h ?? 0,
    last7d: row?.last7d ?? 0,
    failures24h: row?.failures24h ?? 0,
    streams: streams?.n ?? 0,
  };
}

export type RecentEvent = {
  id: number;
  occurredAt: Date;
  action: string;
  outcome: 'success' | 'failure';
  actorName: string | null;
  actorEmail: string | null;
  targetType: string | null;
  targetLabel: string | null;
  actorIp: string | null;
};

export function listRecentEvents(limit = 10): Promise<RecentEvent[]> {
  return db
    .select({
      id: auditEvents.id,
      occurredAt: auditEvents.occurredAt,
      action: auditEvents.action,
      outcome: auditEvents.outcome,
      actorName: auditEvents.actorName,
      actorEmail: auditEvents.actorEmail,
      targetType: auditEvents.targetType,
      targetLabel: auditEvents.targetLabel,
      actorIp: auditEvents.actorIp,
    })
    .from(auditEvents)
    .orderBy(desc(auditEvents.occurredAt), desc(auditEvents.id))
    .limit(limit);
}
