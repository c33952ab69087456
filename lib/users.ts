import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { sessions, users } from '@/db/schema';
import { type Role } from './authz';
import { writeAuditEvent } from './audit/writer';
import type { AuditActor, FieldChange, RequestContext } from './audit/types';
import { ExpectedError } from './errors';
import { hashPassword } from './password';

/** Who is acting, and from where: what every admin change records about its author. */
export type ActingUser = { actor: AuditActor; context: RequestContext; sessionId: string | null };

export const userColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  active: users.active,
  expiresAt: users.expiresAt,
  createdAt: users.createdAt,
};
export type UserRow = {
  id: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  expiresAt: Date | null;
  createdAt: Date;
};

/** Locks the user row for the rest of the transaction, so concurrent admin changes serialise. */
async function lockUser(tx: Tx, userId: string): Promise<UserRow> {
  const [user] = await tx.select(userColumns).from(users).where(eq(users.id, userId)).for('update');
  if (!user) throw new ExpectedError('No such user', 'userId');
  return user;
}

/** Refuses a change that would leave no active admin. Locks every active admin row first. */
async function assertAnotherActiveAdmin(tx: Tx, exceptUserId: string): Promise<void> {
  const admins = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.active, true)))
    .for('update');
  if (!admins.some((a) => a.id !== exceptUserId)) {
    throw new ExpectedError('This is the last active admin: make another user admin first.');
  }
}

async function revokeSessions(tx: Tx, userId: string): Promise<void> {
  await tx
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
}

const target = (u: { id: string; email: string }) => ({ type: 'user', id: u.id, label: u.email });
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function createUser(
  tx: Tx,
  by: ActingUser,
  input: { email: string; name: string; role: Role; password: string; expiresAt: Date | null },
): Promise<UserRow> {
  if (input.expiresAt && input.role !== 'auditor') {
    throw new ExpectedError('Only auditor accounts can have an expiry date', 'expiresAt');
  }
  const passwordHash = await hashPassword(input.password);
  const [user] = await tx
    .insert(users)
    .values({
      email: input.email,
      name: input.name,
      role: input.role,
      passwordHash,
      expiresAt: input.expiresAt,
    })
    .onConflictDoNothing({ target: users.email })
    .returning(userColumns);
  if (!user) throw new ExpectedError('A user with this email already exists', 'email');
  await writeAuditEvent(tx, {
    action: 'user.create',
    actor: by.actor,
    context: by.context,
    sessionId: by.sessionId,
    target: target(user),
    // The password is never recorded, not even hashed.
    changes: [
      { field: 'email', old: null, new: user.email },
      { field: 'name', old: null, new: user.name },
      { field: 'role', old: null, new: user.role },
      { field: 'active', old: null, new: true },
      { field: 'expires_at', old: null, new: iso(user.expiresAt) },
    ],
  });
  return user;
}

/**
 * Role and active changes serialise on one lock taken before any user row, so two of them can
 * never hold each other's row while waiting for the admin set (a deadlock instead of a refusal).
 */
async function lockAdminSet(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended('whochanged:admin-set', 0))`);
}

export async function changeRole(
  tx: Tx,
  by: ActingUser,
  input: { userId: string; role: Role },
): Promise<UserRow> {
  await lockAdminSet(tx);
  const before = await lockUser(tx, input.userId);
  if (before.role === input.role)
    throw new ExpectedError(`${before.email} already has this role`, 'role');
  if (before.role === 'admin' && before.active) await assertAnotherActiveAdmin(tx, before.id);
  const changes: FieldChange[] = [{ field: 'role', old: before.role, new: input.role }];
  const set: { role: Role; updatedAt: Date; expiresAt?: null } = {
    role: input.role,
    updatedAt: new Date(),
  };
  // An expiry belongs to auditor accounts only; leaving the role drops it.
  if (input.role !== 'auditor' && before.expiresAt) {
    set.expiresAt = null;
    changes.push({ field: 'expires_at', old: iso(before.expiresAt), new: null });
  }
  const [after] = await tx
    .update(users)
    .set(set)
    .where(eq(users.id, before.id))
    .returning(userColumns);
  await writeAuditEvent(tx, {
    action: 'user.role_change',
    actor: by.actor,
    context: by.context,
    sessionId: by.sessionId,
    target: target(before),
    changes,
  });
  return after!;
}

export async function setActive(
  tx: Tx,
  by: ActingUser,
  input: { userId: string; active: boolean },
): Promise<UserRow> {
  await lockAdminSet(tx);
  const before = await lockUser(tx, input.userId);
  if (before.active === input.active) {
    throw new ExpectedError(
      `${before.email} is already ${input.active ? 'active' : 'deactivated'}`,
    );
  }
  if (!input.active && before.role === 'admin') await assertAnotherActiveAdmin(tx, before.id);
  const [after] = await tx
    .update(users)
    .set({ active: input.active, updatedAt: new Date() })
    .where(eq(users.id, before.id))
    .returning(userColumns);
  if (!input.active) await revokeSessions(tx, before.id);
  await writeAuditEvent(tx, {
    action: input.active ? 'user.reactivate' : 'user.deactivate',
    actor: by.actor,
    context: by.context,
    sessionId: by.sessionId,
    target: target(before),
    changes: [{ field: 'active', old: before.active, new: input.active }],
  });
  return after!;
}

export async function resetPassword(
  tx: Tx,
  by: ActingUser,
  input: { userId: string; password: string },
): Promise<void> {
  const before = await lockUser(tx, input.userId);
  const passwordHash = await hashPassword(input.password);
  await tx
    .update(users)
    .set({ passwordHash, updatedAt: new Date() })
    .where(eq(users.id, before.id));
  // A reset password ends every session signed in with the old one.
  await revokeSessions(tx, before.id);
  await writeAuditEvent(tx, {
    action: 'user.password_reset',
    actor: by.actor,
    context: by.context,
    sessionId: by.sessionId,
    target: target(before),
    changes: [{ field: 'password', old: '[redacted]', new: '[redacted]' }],
  });
}

export async function setExpiry(
  tx: Tx,
  by: ActingUser,
  input: { userId: string; expiresAt: Date | null },
): Promise<UserRow> {
  const before = await lockUser(tx, input.userId);
  if (before.role !== 'auditor')
    throw new ExpectedError('Only auditor accounts can have an expiry date', 'expiresAt');
  if (iso(before.expiresAt) === iso(input.expiresAt))
    throw new ExpectedError('The expiry is unchanged', 'expiresAt');
  const [after] = await tx
    .update(users)
    .set({ expiresAt: input.expiresAt, updatedAt: new Date() })
    .where(eq(users.id, before.id))
    .returning(userColumns);
  await writeAuditEvent(tx, {
    action: 'user.expiry_change',
    actor: by.actor,
    context: by.context,
    sessionId: by.sessionId,
    target: target(before),
    changes: [{ field: 'expires_at', old: iso(before.expiresAt), new: iso(input.expiresAt) }],
  });
  return after!;
}
