import { randomUUID } from 'node:crypto';
import { and, asc, count, eq, gt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing';
import {
  accountLockouts,
  auditEvents,
  auditStreams,
  sessions,
  signInFailures,
  users,
} from '@/db/schema';
import type { Role } from './authz';
import type { RequestContext } from './audit/types';
import { authConfig } from './config';
import { attemptSignIn, getSessionUser, signOutSession, type SignInResult } from './sign-in';
import { changeRole, createUser, setActive, type ActingUser, type UserRow } from './users';

const SYSTEM: ActingUser = {
  actor: { id: null, name: 'test setup', email: null, type: 'system' },
  context: { ip: null, userAgent: null, requestId: null },
  sessionId: null,
};
const PASSWORD = 'correct horse battery staple';
const WRONG = 'Tr0ub4dor&3-wrong-password';

let t: TestDatabase;
let dashboardId: string;
let admin: UserRow;
let byAdmin: ActingUser;

beforeAll(async () => {
  t = await createTestDatabase();
  const [stream] = await t.db
    .select({ id: auditStreams.id })
    .from(auditStreams)
    .where(eq(auditStreams.name, 'dashboard'));
  dashboardId = stream!.id;
  admin = await makeUser('admin');
  byAdmin = {
    actor: { id: admin.id, name: admin.name, email: admin.email, type: 'user' },
    context: SYSTEM.context,
    sessionId: null,
  };
});
afterAll(() => t.close());

let counter = 0;
/** A fresh client address per use, so the per-address throttle of one test never leaks into another. */
function ctx(ip = `192.0.2.${++counter}`): RequestContext {
  return { ip, userAgent: `vitest/${counter}`, requestId: `req-${counter}` };
}
function freshEmail(prefix = 'user'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@example.com`;
}
async function makeUser(role: Role, expiresAt: Date | null = null): Promise<UserRow> {
  return t.db.transaction((tx) =>
    createUser(tx, SYSTEM, {
      email: freshEmail(role),
      name: `${role} ${++counter}`,
      role,
      password: PASSWORD,
      expiresAt,
    }),
  );
}
async function headSeq(): Promise<number> {
  const [row] = await t.db
    .select({ seq: auditStreams.headSeq })
    .from(auditStreams)
    .where(eq(auditStreams.id, dashboardId));
  return row!.seq;
}
async function eventsAfter(seq: number) {
  return t.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.streamId, dashboardId), gt(auditEvents.seq, seq)))
    .orderBy(asc(auditEvents.seq));
}
/** Signs in and returns the result together with the audit events that attempt wrote. */
async function attempt(email: string, password: string, context = ctx()) {
  const seq = await headSeq();
  const result = await attemptSignIn(t.db, { email, password, context });
  return { result, events: await eventsAfter(seq), context };
}
async function failuresFor(email: string): Promise<number> {
  const [row] = await t.db
    .select({ n: count() })
    .from(signInFailures)
    .where(eq(signInFailures.email, email));
  return row!.n;
}
function sessionOf(result: SignInResult): string {
  expect(result.ok).toBe(true);
  return (result as { sessionId: string }).sessionId;
}

it('runs with the documented defaults (5 failures in 15 minutes, 20 per address)', () => {
  expect(authConfig()).toMatchObject({
    lockoutThreshold: 5,
    lockoutWindowMinutes: 15,
    lockoutMinutes: 15,
    ipThrottleThreshold: 20,
  });
});

describe('one answer for a wrong password and an unknown user (security.md 7)', () => {
  it('both get exactly { ok: false, reason: "invalid" }', async () => {
    const user = await makeUser('reviewer');
    const wrong = await attempt(user.email, WRONG);
    const unknown = await attempt(freshEmail('nobody'), WRONG);
    expect(wrong.result).toStrictEqual({ ok: false, reason: 'invalid' });
    expect(unknown.result).toStrictEqual({ ok: false, reason: 'invalid' });
    expect(unknown.result).toStrictEqual(wrong.result);
  });

  it('a wrong password writes one auth.sign_in_failed event naming the user, with reason wrong_password', async () => {
    const user = await makeUser('reviewer');
    const { events, context } = await attempt(user.email, WRONG);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'auth.sign_in_failed',
      outcome: 'failure',
      reason: 'wrong_password',
      actorId: user.id,
      actorName: user.name,
      actorEmail: user.email,
      actorType: 'user',
      actorIp: context.ip,
      actorUserAgent: context.userAgent,
      requestId: context.requestId,
      targetType: 'user',
      targetId: user.id,
      targetLabel: user.email,
      sessionId: null,
    });
  });

  it('an unknown e-mail writes one auth.sign_in_failed event with an anonymous actor and reason unknown_user', async () => {
    const email = freshEmail('ghost');
    const { events, context } = await attempt(`  ${email.toUpperCase()} `, WRONG);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'auth.sign_in_failed',
      outcome: 'failure',
      reason: 'unknown_user',
      actorId: null,
      actorName: null,
      actorEmail: email,
      actorType: 'anonymous',
      actorIp: context.ip,
      targetType: null,
      targetId: null,
    });
  });

  it('a success writes one auth.sign_in event carrying the new session, and the session works', async () => {
    const user = await makeUser('compliance_officer');
    const { result, events, context } = await attempt(` ${user.email.toUpperCase()}`, PASSWORD);
    expect(result).toStrictEqual({
      ok: true,
      sessionId: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      user: { id: user.id, name: user.name, email: user.email, role: 'compliance_officer' },
    });
    const sessionId = sessionOf(result);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'auth.sign_in',
      outcome: 'success',
      reason: null,
      actorId: user.id,
      actorEmail: user.email,
      actorType: 'user',
      actorIp: context.ip,
      sessionId,
      targetId: user.id,
    });
    expect(await getSessionUser(t.db, sessionId)).toEqual({
      sessionId,
      id: user.id,
      name: user.name,
      email: user.email,
      role: 'compliance_officer',
    });
    const [session] = await t.db.select().from(sessions).where(eq(sessions.id, sessionId));
    expect(session!.expiresAt.getTime() - session!.createdAt.getTime()).toBeGreaterThan(
      7.9 * 3600_000,
    );
    expect(session!.expiresAt.getTime() - session!.createdAt.getTime()).toBeLessThan(
      8.1 * 3600_000,
    );
  });

  it('no password, right or wrong, appears anywhere in any audit row', async () => {
    const user = await makeUser('reviewer');
    const secrets = [`wrong-${randomUUID()}`, `typo-${randomUUID()}`];
    await attempt(user.email, secrets[0]!);
    await attempt(freshEmail('nobody'), secrets[1]!);
    const ok = await attempt(user.email, PASSWORD);
    await signOutSession(t.db, sessionOf(ok.result), ctx());
    const [{ passwordHash }] = (await t.db
      .select({ passwordHash: users.passwordHash })
      .from(users)
      .where(eq(users.id, user.id))) as [{ passwordHash: string }];
    for (const secret of [...secrets, PASSWORD, passwordHash]) {
      const hits =
        await t.owner`select seq from audit_events e where strpos(e::text, ${secret}) > 0`;
      expect(hits, secret).toEqual([]);
    }
    expect((await t.owner`select count(*)::int as n from audit_events`)[0]!.n).toBeGreaterThan(4);
  });
});

describe('lockout per e-mail (security.md 8)', () => {
  async function fiveFailures(email: string) {
    const results: SignInResult[] = [];
    const seq = await headSeq();
    for (let i = 0; i < 5; i++) results.push((await attempt(email, `${WRONG}-${i}`)).result);
    return { results, events: await eventsAfter(seq) };
  }

  it('5 failures lock the account: one auth.locked_out event, then even the right password is refused', async () => {
    const user = await makeUser('reviewer');
    const { results, events } = await fiveFailures(user.email);
    expect(results).toStrictEqual([
      ...Array(4).fill({ ok: false, reason: 'invalid' }),
      { ok: false, reason: 'locked' },
    ]);
    expect(events.map((e) => e.action)).toEqual([
      ...Array(5).fill('auth.sign_in_failed'),
      'auth.locked_out',
    ]);
    expect(events.slice(0, 5).every((e) => e.reason === 'wrong_password')).toBe(true);

    const locked = events[5]!;
    expect(locked).toMatchObject({
      outcome: 'failure',
      actorId: user.id,
      targetId: user.id,
      reason: '5 failed sign-ins within 15 minutes',
    });
    const [lock] = await t.db
      .select()
      .from(accountLockouts)
      .where(eq(accountLockouts.email, user.email));
    expect(locked.changes).toEqual([
      { field: 'locked_until', old: null, new: lock!.lockedUntil.toISOString() },
    ]);
    expect(lock!.lockedUntil.getTime() - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(lock!.lockedUntil.getTime() - Date.now()).toBeLessThanOrEqual(15 * 60_000);

    const right = await attempt(user.email, PASSWORD);
    expect(right.result).toStrictEqual({ ok: false, reason: 'locked' });
    expect(right.events.map((e) => [e.action, e.reason])).toEqual([
      ['auth.sign_in_failed', 'locked'],
    ]);
    const wrongAgain = await attempt(user.email, WRONG);
    expect(wrongAgain.result).toStrictEqual({ ok: false, reason: 'locked' });
    expect(wrongAgain.events.map((e) => e.action)).toEqual(['auth.sign_in_failed']);

    const lockEvents = await t.db
      .select({ n: count() })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'auth.locked_out'), eq(auditEvents.targetId, user.id)));
    expect(lockEvents[0]!.n).toBe(1);
  });

  it('changing the case or padding of the e-mail does not escape the count', async () => {
    const user = await makeUser('reviewer');
    const variants = [
      user.email,
      user.email.toUpperCase(),
      ` ${user.email}`,
      `${user.email}\t`,
      user.email.replace(/^./, (c) => c.toUpperCase()),
    ];
    const results: SignInResult[] = [];
    for (const v of variants) results.push((await attempt(v, WRONG)).result);
    expect(results.at(-1)).toStrictEqual({ ok: false, reason: 'locked' });
    expect((await attempt(user.email, PASSWORD)).result).toStrictEqual({
      ok: false,
      reason: 'locked',
    });
  });

  it('an unknown e-mail locks exactly the same way (no account probing)', async () => {
    const known = await makeUser('reviewer');
    const knownRun = await fiveFailures(known.email);
    const ghost = freshEmail('ghost');
    const ghostRun = await fiveFailures(ghost);
    expect(ghostRun.results).toStrictEqual(knownRun.results);
    expect(ghostRun.events.map((e) => e.action)).toEqual(knownRun.events.map((e) => e.action));
    expect(ghostRun.events.at(-1)).toMatchObject({
      action: 'auth.locked_out',
      actorType: 'anonymous',
      actorEmail: ghost,
      reason: '5 failed sign-ins within 15 minutes',
    });
    expect(
      await t.db
        .select({ email: accountLockouts.email })
        .from(accountLockouts)
        .where(eq(accountLockouts.email, ghost)),
    ).toEqual([{ email: ghost }]);
    expect((await attempt(ghost, PASSWORD)).result).toStrictEqual(
      (await attempt(known.email, PASSWORD)).result,
    );
  });

  it('once the lock and the failures are in the past, the right password works and clears the failures', async () => {
    const user = await makeUser('reviewer');
    await fiveFailures(user.email);
    expect((await attempt(user.email, PASSWORD)).result).toStrictEqual({
      ok: false,
      reason: 'locked',
    });

    const past = new Date(Date.now() - 60 * 60_000);
    // The app role may move a lock; failures it can only delete and re-insert.
    await t.db
      .update(accountLockouts)
      .set({ lockedUntil: new Date(Date.now() - 1000) })
      .where(eq(accountLockouts.email, user.email));
    const old = await t.db
      .delete(signInFailures)
      .where(eq(signInFailures.email, user.email))
      .returning();
    expect(old).toHaveLength(6);
    await t.db
      .insert(signInFailures)
      .values(old.map((f) => ({ email: f.email, ip: f.ip, at: past })));

    const { result, events } = await attempt(user.email, PASSWORD);
    expect(sessionOf(result)).toBeTruthy();
    expect(events.map((e) => e.action)).toEqual(['auth.sign_in']);
    expect(await failuresFor(user.email)).toBe(0);
  });

  it('an expired lock alone (failures moved out of the window too) lets a wrong password count from zero', async () => {
    const user = await makeUser('reviewer');
    await fiveFailures(user.email);
    await t.db
      .update(accountLockouts)
      .set({ lockedUntil: new Date(Date.now() - 1000) })
      .where(eq(accountLockouts.email, user.email));
    const old = await t.db
      .delete(signInFailures)
      .where(eq(signInFailures.email, user.email))
      .returning();
    await t.db
      .insert(signInFailures)
      .values(
        old.map((f) => ({ email: f.email, ip: f.ip, at: new Date(Date.now() - 16 * 60_000) })),
      );
    const results: SignInResult[] = [];
    for (let i = 0; i < 4; i++) results.push((await attempt(user.email, WRONG)).result);
    expect(results).toStrictEqual(Array(4).fill({ ok: false, reason: 'invalid' }));
  });

  it('a successful sign-in clears the e-mail failure count', async () => {
    const user = await makeUser('reviewer');
    for (let i = 0; i < 4; i++)
      expect((await attempt(user.email, WRONG)).result).toStrictEqual({
        ok: false,
        reason: 'invalid',
      });
    expect(await failuresFor(user.email)).toBe(4);
    sessionOf((await attempt(user.email, PASSWORD)).result);
    expect(await failuresFor(user.email)).toBe(0);
    // Four more failures would have locked the account had the first four still counted.
    for (let i = 0; i < 4; i++)
      expect((await attempt(user.email, WRONG)).result).toStrictEqual({
        ok: false,
        reason: 'invalid',
      });
    sessionOf((await attempt(user.email, PASSWORD)).result);
  });

  it('a burst of concurrent guesses is held to the threshold: at most 5 passwords checked, one auth.locked_out', async () => {
    // "1,000 logins a minute on one account" (security.md hostile inputs), sent in parallel from
    // many addresses. Locking must not depend on the guesses arriving one at a time.
    const user = await makeUser('reviewer');
    const seq = await headSeq();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        attemptSignIn(t.db, { email: user.email, password: `${WRONG}-${i}`, context: ctx() }),
      ),
    );
    expect(results.every((r) => !r.ok)).toBe(true);
    const events = (await eventsAfter(seq)).filter((e) => e.targetId === user.id);
    expect(events.filter((e) => e.action === 'auth.sign_in_failed')).toHaveLength(30);
    const checked = events.filter((e) => e.reason === 'wrong_password').length;
    const lockouts = events.filter((e) => e.action === 'auth.locked_out').length;
    expect({ passwordsChecked: checked, lockoutEvents: lockouts }).toEqual({
      passwordsChecked: Math.min(checked, 5),
      lockoutEvents: 1,
    });
    expect(results.filter((r) => !r.ok && r.reason === 'invalid').length).toBeLessThanOrEqual(4);
  });
});

describe('throttling per client address (security.md 8)', () => {
  it('20 failures from one address across different e-mails refuse even a right password from it; another address still works', async () => {
    const user = await makeUser('reviewer');
    const ip = '198.51.100.77';
    for (let i = 0; i < 20; i++) {
      const { result, events } = await attempt(freshEmail(`spray${i}`), PASSWORD, ctx(ip));
      expect(result).toStrictEqual({ ok: false, reason: 'invalid' });
      expect(events.map((e) => e.reason)).toEqual(['unknown_user']);
    }
    const throttled = await attempt(user.email, PASSWORD, ctx(ip));
    expect(throttled.result).toStrictEqual({ ok: false, reason: 'invalid' });
    expect(throttled.events).toHaveLength(1);
    expect(throttled.events[0]).toMatchObject({
      action: 'auth.sign_in_failed',
      reason: 'ip_throttled',
      actorIp: ip,
      targetId: user.id,
    });

    const elsewhere = await attempt(user.email, PASSWORD, ctx('198.51.100.78'));
    sessionOf(elsewhere.result);
    expect(elsewhere.events.map((e) => e.action)).toEqual(['auth.sign_in']);
  });

  it('spraying known accounts from one address: each reaches its own lock, and the address is throttled', async () => {
    const ip = '198.51.100.99';
    const victims = await Promise.all(Array.from({ length: 4 }, () => makeUser('auditor')));
    for (let i = 0; i < 20; i++) await attempt(victims[i % 4]!.email, `${WRONG}-${i}`, ctx(ip));
    // Each victim saw 5 failures, so each is now locked; and the address is throttled for everyone.
    for (const v of victims)
      expect((await attempt(v.email, PASSWORD, ctx())).result).toStrictEqual({
        ok: false,
        reason: 'locked',
      });
    const other = await makeUser('reviewer');
    const { events } = await attempt(other.email, PASSWORD, ctx(ip));
    expect(events.map((e) => e.reason)).toEqual(['ip_throttled']);
  });
});

describe('sessions are re-checked on every request (security.md 9)', () => {
  it('a deactivated user is refused at sign-in and their existing session stops working', async () => {
    const user = await makeUser('reviewer');
    const sessionId = sessionOf((await attempt(user.email, PASSWORD)).result);
    expect(await getSessionUser(t.db, sessionId)).not.toBeNull();
    await t.db.transaction((tx) => setActive(tx, byAdmin, { userId: user.id, active: false }));
    expect(await getSessionUser(t.db, sessionId)).toBeNull();
    const { result, events } = await attempt(user.email, PASSWORD);
    expect(result).toStrictEqual({ ok: false, reason: 'invalid' });
    expect(events.map((e) => [e.action, e.reason])).toEqual([['auth.sign_in_failed', 'inactive']]);
  });

  it('an inactive flag alone (session not revoked) is enough to end the session', async () => {
    const user = await makeUser('reviewer');
    const sessionId = sessionOf((await attempt(user.email, PASSWORD)).result);
    await t.db.update(users).set({ active: false }).where(eq(users.id, user.id));
    expect(await getSessionUser(t.db, sessionId)).toBeNull();
    const [session] = await t.db
      .select({ revokedAt: sessions.revokedAt })
      .from(sessions)
      .where(eq(sessions.id, sessionId));
    expect(session!.revokedAt).toBeNull();
  });

  it('an auditor past their expiry is refused at sign-in and their live session stops working', async () => {
    const auditor = await makeUser('auditor', new Date(Date.now() + 24 * 3600_000));
    const sessionId = sessionOf((await attempt(auditor.email, PASSWORD)).result);
    expect((await getSessionUser(t.db, sessionId))?.role).toBe('auditor');
    await t.db
      .update(users)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(users.id, auditor.id));
    expect(await getSessionUser(t.db, sessionId)).toBeNull();
    const { result, events } = await attempt(auditor.email, PASSWORD);
    expect(result).toStrictEqual({ ok: false, reason: 'invalid' });
    expect(events.map((e) => [e.action, e.reason])).toEqual([['auth.sign_in_failed', 'expired']]);
  });

  it('a role change shows on the next request', async () => {
    const user = await makeUser('reviewer');
    const sessionId = sessionOf((await attempt(user.email, PASSWORD)).result);
    await t.db.transaction((tx) => changeRole(tx, byAdmin, { userId: user.id, role: 'auditor' }));
    expect((await getSessionUser(t.db, sessionId))?.role).toBe('auditor');
  });

  it('an expired session stops working', async () => {
    const user = await makeUser('reviewer');
    const sessionId = sessionOf((await attempt(user.email, PASSWORD)).result);
    await t.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.id, sessionId));
    expect(await getSessionUser(t.db, sessionId)).toBeNull();
  });

  it('an unknown session id is nobody', async () => {
    expect(await getSessionUser(t.db, 'not-a-session')).toBeNull();
    expect(await getSessionUser(t.db, "' OR '1'='1")).toBeNull();
  });
});

describe('signOutSession', () => {
  it('revokes the session and writes one auth.sign_out event', async () => {
    const user = await makeUser('reviewer');
    const sessionId = sessionOf((await attempt(user.email, PASSWORD)).result);
    const other = sessionOf((await attempt(user.email, PASSWORD)).result);
    const seq = await headSeq();
    const context = ctx();
    await signOutSession(t.db, sessionId, context);
    expect(await getSessionUser(t.db, sessionId)).toBeNull();
    expect(await getSessionUser(t.db, other)).not.toBeNull(); // only that session ends
    const events = await eventsAfter(seq);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'auth.sign_out',
      outcome: 'success',
      actorId: user.id,
      actorEmail: user.email,
      actorType: 'user',
      actorIp: context.ip,
      sessionId,
      targetType: 'user',
      targetId: user.id,
      targetLabel: user.email,
    });
  });

  it('signing out twice, or an unknown session, writes nothing more', async () => {
    const user = await makeUser('reviewer');
    const sessionId = sessionOf((await attempt(user.email, PASSWORD)).result);
    await signOutSession(t.db, sessionId, ctx());
    const seq = await headSeq();
    await signOutSession(t.db, sessionId, ctx());
    await signOutSession(t.db, 'no-such-session', ctx());
    expect(await eventsAfter(seq)).toEqual([]);
  });
});

describe('hostile sign-in input is refused and audited, never a crash (security.md 14)', () => {
  it.each([
    ['SQL in the e-mail', "' OR '1'='1"],
    ['XSS in the e-mail', '<script>window.__pwned=1</script>@example.com'],
    ['Cyrillic look-alike', 'аdmin@example.com'],
    ['CR/LF', 'a@example.com\r\nX-Injected: 1'],
    ['a 1000-character e-mail', `${'a'.repeat(990)}@example.com`],
  ])('%s', async (_name, email) => {
    const { result, events } = await attempt(email, WRONG);
    expect(result).toStrictEqual({ ok: false, reason: 'invalid' });
    expect(events.map((e) => [e.action, e.reason])).toEqual([
      ['auth.sign_in_failed', 'unknown_user'],
    ]);
  });

  it.each([
    // auth.ts passes the form value through with only a 1000-character bound.
    ['a NUL in the e-mail', 'evil\u0000@example.com'],
    // attemptSignIn cuts the e-mail at 254 UTF-16 units, which can split an emoji in two.
    ['an emoji cut in half at 254 characters', `${'x'.repeat(253)}😀@example.com`],
  ])('%s is answered "invalid" and recorded, not thrown', async (_name, email) => {
    const seq = await headSeq();
    const outcome = await attemptSignIn(t.db, { email, password: WRONG, context: ctx() }).then(
      (result) => ({ result }),
      (error: Error) => ({ error: String(error.cause ?? error) }),
    );
    expect(outcome).toStrictEqual({ result: { ok: false, reason: 'invalid' } });
    expect((await eventsAfter(seq)).map((e) => e.action)).toEqual(['auth.sign_in_failed']);
  });
});
