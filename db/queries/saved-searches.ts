import 'server-only';
import { asc, eq, or } from 'drizzle-orm';
import { db } from '@/db';
import { savedSearches, users } from '@/db/schema';

export type SavedSearchItem = {
  id: string;
  name: string;
  query: string;
  shared: boolean;
  mine: boolean;
  owner: string;
};

/** The user's own saved searches and every shared one. */
export async function listSavedSearches(userId: string): Promise<SavedSearchItem[]> {
  const rows = await db
    .select({
      id: savedSearches.id,
      name: savedSearches.name,
      query: savedSearches.query,
      shared: savedSearches.shared,
      ownerId: savedSearches.ownerId,
      owner: users.name,
    })
    .from(savedSearches)
    .innerJoin(users, eq(users.id, savedSearches.ownerId))
    .where(or(eq(savedSearches.ownerId, userId), eq(savedSearches.shared, true)))
    .orderBy(asc(savedSearches.name));
  return rows.map(({ ownerId, ...r }) => ({ ...r, mine: ownerId === userId }));
}
