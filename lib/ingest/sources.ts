import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database, Tx } from '@/db/client';
import { apiKeys, sources } from '@/db/schema';
import { writeAuditEvent } from '@/lib/audit/writer';
import { ExpectedError } from '@/lib/errors';
import type { ActingUser } from '@/lib/users';

export const SOURCE_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const KEY_PREFIX = 'wck_';

/** API keys carry 256 random bits, so a plain SHA-256 is a safe way to store them. */
export const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest();
const userIdOf = (by: ActingUser) => (by.actor.type === 'user' ? by.actor.id : null);

export type SourceRow = {
  id: string;
  name: string;
  description: string;
  streamId: string;
  rateLimitPerSecond: number;
  createdAt: Date;
};

/** A new source with its own hash chain. Audited as `source.create`. */
export async function createSource(
  tx: Tx,
  by: ActingUser,
  input: { name: string; description: string },
): Promise<SourceRow> {
  if (!SOURCE_NAME_PATTERN.test(input.name)) {
    throw new ExpectedError(
      'Name must be 1-63 lower-case letters, digits, - or _, starting with a letter or digit',
      'name',
    );
  }
  const [existing] = await tx
    .select({ id: sources.id })
    .from(sources)
    .where(eq(sources.name, input.name));
  if (existing) throw new ExpectedError(`A source named ${input.name} already exists`, 'name');
  const [stream] = await tx.execute<{ id: string }>(
    sql`select create_audit_stream('source', ${`source:${input.name}`}) as id`,
  );
  const [source] = await tx
    .insert(sources)
    .values({
      name: input.name,
      description: input.description,
      streamId: stream!.id,
      createdBy: userIdOf(by),
    })
    .returning({
      id: sources.id,
      name: sources.name,
      description: sources.description,
      streamId: sources.streamId,
      rateLimitPerSecond: sources.rateLimitPerSecond,
      createdAt: sources.createdAt,
    });
  await writeAuditEvent(tx, {
    action: 'source.create',
    actor: by.actor,
    context: by.context,
    sessionId: by.sessionId,
    target: { type: 'source', id: source!.id, label: source!.name },
    changes: [
      { field: 'name', old: null, new: source!.name },
      { field: 'description', old: null, new: source!.description },
    ],
  });
  return source!;
}

/** A new API key for a source. The key is returned once and never stored; audited without it. */
export async function createApiKey(
  tx: Tx,
  by: ActingUser,
  input: { sourceId: string; label: string },
): Promise<{ id: string; key: string; prefix: string }> {
  const [source] = await tx
    .select({ id: sources.id, name: sources.name })
    .from(sources)
    .where(eq(sources.id, input.sourceId));
  if (!source) throw new ExpectedError('No such source', 'sourceId');
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  const prefix = key.slice(0, KEY_PREFIX.length + 6);
  const [row] = await tx
    .insert(apiKeys)
    .values({
      sourceId: source.id,
      label: input.label,
      prefix,
      keyHash: hashApiKey(key),
      createdBy: userIdOf(by),
    })
    .returning({ id: apiKeys.id });
  await writeAuditEvent(tx, {
    action: 'api_key.create',
    actor: by.actor,
    context: by.context,
    sessionId: by.sessionId,
    target: { type: 'api_key', id: row!.id, label: `${source.name}: ${prefix}…` },
    changes: [
      { field: 'source', old: null, new: source.name },
      { field: 'label', old: null, new: input.label },
      { field: 'prefix', old: null, new: prefix },
    ],
  });
  return { id: row!.id, key, prefix };
}

export async function revokeApiKey(
  tx: Tx,
  by: ActingUser,
  input: { keyId: string },
): Promise<void> {
  const [key] = await tx
    .update(apiKeys)
    .set({ revokedAt: new Date(), revokedBy: userIdOf(by) })
    .where(and(eq(apiKeys.id, input.keyId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id, prefix: apiKeys.prefix, sourceId: apiKeys.sourceId });
  if (!key) throw new ExpectedError('No such active API key', 'keyId');
  const [source] = await tx
    .select({ name: sources.name })
    .from(sources)
    .where(eq(sources.id, key.sourceId));
  await writeAuditEvent(tx, {
    action: 'api_key.revoke',
    actor: by.actor,
    context: by.context,
    sessionId: by.sessionId,
    target: { type: 'api_key', id: key.id, label: `${source?.name}: ${key.prefix}…` },
    changes: [{ field: 'revoked', old: false, new: true }],
  });
}

/** The source an API key belongs to, or null for an unknown or revoked key. */
export async function authenticateApiKey(
  db: Database,
  key: string,
): Promise<(SourceRow & { keyId: string }) | null> {
  if (!key.startsWith(KEY_PREFIX) || key.length > 200) return null;
  const [row] = await db
    .select({
      keyId: apiKeys.id,
      id: sources.id,
      name: sources.name,
      description: sources.description,
      streamId: sources.streamId,
      rateLimitPerSecond: sources.rateLimitPerSecond,
      createdAt: sources.createdAt,
    })
    .from(apiKeys)
    .innerJoin(sources, eq(sources.id, apiKeys.sourceId))
    .where(and(eq(apiKeys.keyHash, hashApiKey(key)), isNull(apiKeys.revokedAt)));
  return row ?? null;
}
