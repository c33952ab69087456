import 'server-only';
import { asc, sql } from 'drizzle-orm';
import { db } from '@/db';
import { users } from '@/db/schema';
import type { Role } from '@/lib/authz';
import { userColumns, type UserRow } from '@/lib/users';

/** Every account, without secrets: the user admin list. */
export function listUsers(): Promise<UserRow[]> {
  return db.select(userColumns).from(users).orderBy(asc(users.name), asc(users.email));
}

export function countUsersByRole(): Promise<{ role: Role; active: number; total: number }[]> {
  return db
    .select({
      role: users.role,
      active: sql<number>`(count(*) filter (where ${users.active}))::int`,
      total: sql<number>`count(*)::int`,
    })
    .from(users)
    .groupBy(users.role);
}
