import { randomBytes } from 'node:crypto';
import { and, count, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Database, Tx } from '@/db/client';
import { accountLockouts, sessions, signInFailures, users } from '@/db/schema';
import type { Role } from './authz';
import { writeAuditEvent } from './audit/writer';
import type { AuditActor, RequestContext } from './audit/types';
import { authConfig } from './config';
import { timingDummyHash, verifyPassword } from './password';
import { normaliseEmail } from './validation';

export type SignInResult =
  | { ok: true; sessionId: string; user: { id: string; name: string; email: string; role: Role } }
  | { ok: false; reason: 'invalid' | 'locked' };

type FailureReason =
  'unknown_user' | 'wrong_password' | 'inactive' | 'expired' | 'locked' | 'ip_throttled';

const minutesAgo = (now: Date, minutes: number) => new Date(now.getTime() - minutes * 60_000);

/**
 * Checks a sign-in attempt and records it. Unknown e-mail and wrong password get the same
 * answer (and the same argon2 work); failures are throttled per e-mail and per client address;
 * reaching the threshold locks the e-mail for a while. Every outcome is an audit event.
 */
export async function attemptSignIn(
  db: Database,
  input: { email: string; password: string; context: RequestContext },
): Promise<SignInResult> {
  const config = authConfig();
  // Storable as given: no NUL (text cannot hold it), no half surrogate pair left by the cut.
  const email = normaliseEmail(input.email)
    .slice(0, 254)
    .toWellFormed()
    .replace(/\u0000/g, '\uFFFD');
  const ip = input.context.ip ?? 'unknown';
  return db.transaction(async (tx): Promise<SignInResult> => {
    // One attempt per e-mail at a time, from the lock check to the failure count: a burst of
    // parallel guesses cannot all read "not locked" before the lock lands.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${'sign-in:' + email}, 0))`);
    const now = new Date();
    const windowStart = minutesAgo(now, config.lockoutWindowMinutes);
    const [user] = await tx
      .select({
        id: users.id,
        name: users.name,
        email: users.email,
        role: users.role,
        passwordHash: users.passwordHash,
        active: users.active,
        expiresAt: users.expiresAt,
      })
      .from(users)
      .where(eq(users.email, email));
    const [lock] = await tx
      .select({ lockedUntil: accountLockouts.lockedUntil })
      .from(accountLockouts)
      .where(and(eq(accountLockouts.email, email), gt(accountLockouts.lockedUntil, now)));
    const [ipFailures] = await tx
      .select({ n: count() })
      .from(signInFailures)
      .where(and(eq(signInFailures.ip, ip), gt(signInFailures.at, windowStart)));

    // Always do the password work, so timing does not tell a known account from an unknown one.
    const passwordOk = await verifyPassword(
      user?.passwordHash ?? (await timingDummyHash()),
      input.password,
    );

    const actor: AuditActor = user
      ? { id: user.id, name: user.name, email: user.email, type: 'user' }
      : { id: null, name: null, email, type: 'anonymous' };
    const target = user ? { type: 'user', id: user.id, label: user.email } : null;

    let reason: FailureReason | null = null;
    if ((ipFailures?.n ?? 0) >= config.ipThrottleThreshold) reason = 'ip_throttled';
    else if (lock) reason = 'locked';
    else if (!user) reason = 'unknown_user';
    else if (!passwordOk) reason = 'wrong_password';
    else if (!user.active) reason = 'inactive';
    else if (user.expiresAt && user.expiresAt <= now) reason = 'expired';

    if (reason === null && user) {
      const sessionId = randomBytes(32).toString('base64url');
      await tx.delete(signInFailures).where(eq(signInFailures.email, email));
      await tx.insert(sessions).values({
        id: sessionId,
        userId: user.id,
        expiresAt: new Date(now.getTime() + config.sessionMaxAgeSeconds * 1000),
        ip: input.context.ip,
        userAgent: input.context.userAgent,
      });
      await writeAuditEvent(tx, {
        action: 'auth.sign_in',
        actor,
        context: input.context,
        sessionId,
        target,
      });
      return {
        ok: true,
        sessionId,
        user: { id: user.id, name: user.name, email: user.email, role: user.role },
      };
    }

    const lockedNow = await (async () => {
      await tx.insert(signInFailures).values({ email, ip, at: now });
      await writeAuditEvent(tx, {
        action: 'auth.sign_in_failed',
        outcome: 'failure',
        actor,
        context: input.context,
        target,
        reason,
      });
      if (reason === 'locked' || reason === 'ip_throttled') return false;
      return lockIfOverThreshold(tx, {
        email,
        now,
        windowStart,
        actor,
        target,
        context: input.context,
      });
    })();
    return { ok: false, reason: reason === 'locked' || lockedNow ? 'locked' : 'invalid' };
  });
}

async function lockIfOverThreshold(
  tx: Tx,
  args: {
    email: string;
    now: Date;
    windowStart: Date;
    actor: AuditActor;
    target: { type: string; id: string; label: string } | null;
    context: RequestContext;
  },
): Promise<boolean> {
  const config = authConfig();
  const [failures] = await tx
    .select({ n: count() })
    .from(signInFailures)
    .where(and(eq(signInFailures.email, args.email), gt(signInFailures.at, args.windowStart)));
  if ((failures?.n ?? 0) < config.lockoutThreshold) return false;
  const lockedUntil = new Date(args.now.getTime() + config.lockoutMinutes * 60_000);
  await tx
    .insert(accountLockouts)
    .values({ email: args.email, lockedUntil })
    .onConflictDoUpdate({ target: accountLockouts.email, set: { lockedUntil } });
  await writeAuditEvent(tx, {
    action: 'auth.locked_out',
    outcome: 'failure',
    actor: args.actor,
    context: args.context,
    target: args.target,
    reason: `${failures?.n} failed sign-ins within ${config.lockoutWindowMinutes} minutes`,
    changes: [{ field: 'locked_until', old: null, new: lockedUntil.toISOString() }],
  });
  return true;
}

export type SessionUser = {
  sessionId: string;
  id: string;
  name: string;
  email: string;
  role: Role;
};

/**
 * The signed-in user behind a session id, re-read on every request: null when the session was
 * revoked or has expired, or the user is inactive or past their access expiry.
 */
export async function getSessionUser(db: Database, sessionId: string): Promise<SessionUser | null> {
  const now = new Date();
  const [row] = await db
    .select({
      sessionId: sessions.id,
      sessionExpiresAt: sessions.expiresAt,
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      active: users.active,
      expiresAt: users.expiresAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
  if (!row || !row.active || row.sessionExpiresAt <= now) return null;
  if (row.expiresAt && row.expiresAt <= now) return null;
  return { sessionId: row.sessionId, id: row.id, name: row.name, email: row.email, role: row.role };
}

/** Ends a session server-side (the cookie alone no longer works) and records the sign-out. */
export async function signOutSession(
  db: Database,
  sessionId: string,
  context: RequestContext,
): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(sessions)
      .set({ revokedAt: new Date() })
      .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)))
      .returning({ userId: sessions.userId });
    if (!row) return;
    const [user] = await tx
      .select({ id: users.id, name: users.name, email: users.email })
      .from(users)
      .where(eq(users.id, row.userId));
    if (!user) return;
    await writeAuditEvent(tx, {
      action: 'auth.sign_out',
      actor: { ...user, type: 'user' },
      context,
      sessionId,
      target: { type: 'user', id: user.id, label: user.email },
    });
  });
}
