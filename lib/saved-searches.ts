import { and, eq } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { savedSearches } from '@/db/schema';
import { writeAuditEvent } from './audit/writer';
import { ExpectedError } from './errors';
import { parseSearch } from './search';
import type { ActingUser } from './users';

/** Saves a search that parses (a broken one would only fail later, for someone else). */
export async function saveSearch(
  tx: Tx,
  by: ActingUser & { userId: string },
  input: { name: string; query: string; shared: boolean },
) {
  const parsed = parseSearch(input.query);
  if (!parsed.ok)
    throw new ExpectedError(`The search is not valid: ${parsed.error.message}`, 'query');
  const [row] = await tx
    .insert(savedSearches)
    .values({ ownerId: by.userId, name: input.name, query: input.query, shared: input.shared })
    .returning({ id: savedSearches.id });
  await writeAuditEvent(tx, {
    action: 'saved_search.create',
    actor: by.actor,
    context: by.context,
    sessionId: by.sessionId,
    target: { type: 'saved_search', id: row!.id, label: input.name },
    changes: [
      { field: 'name', old: null, new: input.name },
      { field: 'query', old: null, new: input.query },
      { field: 'shared', old: null, new: input.shared },
    ],
  });
  return { id: row!.id };
}

/** Only the owner deletes a saved search, shared or not. */
export async function deleteSearch(
  tx: Tx,
  by: ActingUser & { userId: string },
  input: { id: string },
) {
  const [row] = await tx
    .delete(savedSearches)
    .where(and(eq(savedSearches.id, input.id), eq(savedSearches.ownerId, by.userId)))
    .returning({ id: savedSearches.id, name: savedSearches.name, query: savedSearches.query });
  if (!row) throw new ExpectedError('No such saved search of yours', 'id');
  await writeAuditEvent(tx, {
    action: 'saved_search.delete',
    actor: by.actor,
    context: by.context,
    sessionId: by.sessionId,
    target: { type: 'saved_search', id: row.id, label: row.name },
    changes: [{ field: 'query', old: row.query, new: null }],
  });
}
