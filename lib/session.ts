import 'server-only';
import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import { db } from '@/db';
import { auth } from './auth';
import { can, type Permission } from './authz';
import { getSessionUser, type SessionUser } from './sign-in';

/** The signed-in user, re-checked against the database once per request. */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  const session = await auth();
  if (!session?.sid) return null;
  return getSessionUser(db, session.sid);
});

/** For pages: anonymous visitors go to sign-in. */
export async function requireUser(): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in');
  return user;
}

/** For pages: a signed-in user without the permission gets the 403 "forbidden" page. */
export async function requirePermission(permission: Permission): Promise<SessionUser> {
  const user = await requireUser();
  if (!can(user.role, permission)) forbidden();
  return user;
}
