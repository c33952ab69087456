'use server';

import { signOut } from '@/lib/auth';

/** Signing out needs no permission; Auth.js's signOut event revokes and audits the session. */
export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: '/sign-in' });
}
