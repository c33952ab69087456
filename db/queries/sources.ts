import 'server-only';
import { asc, eq } from 'drizzle-orm';
import { db } from '@/db';
import { apiKeys, auditStreams, sources } from '@/db/schema';

export type SourceListItem = {
  id: string;
  name: string;
  description: string;
  rateLimitPerSecond: number;
  createdAt: Date;
  events: number;
  keys: { id: string; label: string; prefix: string; createdAt: Date; revokedAt: Date | null }[];
};

/** Sources with their event count (the stream head: no scan) and their keys (never the key itself). */
export async function listSources(): Promise<SourceListItem[]> {
  const rows = await db
    .select({
      id: sources.id,
      name: sources.name,
      description: sources.description,
      rateLimitPerSecond: sources.rateLimitPerSecond,
      createdAt: sources.createdAt,
      events: auditStreams.headSeq,
    })
    .from(sources)
    .innerJoin(auditStreams, eq(auditStreams.id, sources.streamId))
    .orderBy(asc(sources.name));
  const keys = await db
    .select({
      id: apiKeys.id,
      sourceId: apiKeys.sourceId,
      label: apiKeys.label,
      prefix: apiKeys.prefix,
      createdAt: apiKeys.createdAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .orderBy(asc(apiKeys.createdAt));
  return rows.map((s) => ({
    ...s,
    keys: keys.filter((k) => k.sourceId === s.id).map(({ sourceId: _s, ...k }) => k),
  }));
}
