import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing';
import { alertResolutions, alerts, auditEvents } from '@/db/schema';
import { verifyDatabase } from '@/lib/audit/verify';
import { ExpectedError } from '@/lib/errors';
import { createUser, type ActingUser } from '@/lib/users';
import { planTriage, triageAlerts, type Reviewer, type TriageAction } from './triage';

const SYSTEM: ActingUser = {
  actor: { id: null, name: 'test setup', email: null, type: 'system' },
  context: { ip: null, userAgent: null, requestId: null },
  sessionId: null,
};

let t: TestDatabase;
let riley: Reviewer;
let sam: Reviewer;
let counter = 0;

async function reviewer(email: string, name: string): Promise<Reviewer> {
  const user = await t.db.transaction((tx) =>
    createUser(tx, SYSTEM, {
      email,
      name,
      role: 'reviewer',
      password: 'correct horse battery staple',
      expiresAt: null,
    }),
  );
  return {
    actor: { id: user.id, name, email, type: 'user' },
    context: { ip: '192.0.2.9', userAgent: 'vitest', requestId: null },
    sessionId: null,
    userId: user.id,
    email,
  };
}

async function newAlert(overrides: Partial<typeof alerts.$inferInsert> = {}) {
  counter += 1;
  const [row] = await t.db
    .insert(alerts)
    .values({
      rule: 'burst',
      severity: 'medium',
      dedupeKey: `test:${counter}`,
      actorId: 'u-someone',
      actorName: 'Someone Else',
      actorEmail: 'someone@example.com',
      summary: `Alert number ${counter}`,
      details: {},
      eventCount: 1,
      firstEventAt: new Date(),
      lastEventAt: new Date(),
      ...overrides,
    })
    .returning();
  return row!;
}

const act = (by: Reviewer, id: number, action: TriageAction, expectedVersion?: number) =>
  t.db.transaction((tx) => triageAlerts(tx, by, [id], action, { expectedVersion }));

async function history(id: number) {
  return t.db
    .select({
      action: auditEvents.action,
      outcome: auditEvents.outcome,
      actorId: auditEvents.actorId,
      changes: auditEvents.changes,
      reason: auditEvents.reason,
    })
    .from(auditEvents)
    .where(and(eq(auditEvents.targetType, 'alert'), eq(auditEvents.targetId, String(id))))
    .orderBy(asc(auditEvents.seq));
}

beforeAll(async () => {
  t = await createTestDatabase();
  riley = await reviewer('riley@example.com', 'Riley Reviewer');
  sam = await reviewer('sam@example.com', 'Sam Second');
});
afterAll(() => t.close());

describe('the lifecycle', () => {
  it('goes open → acknowledged → resolved → open, each step audited with who and what', async () => {
    const alert = await newAlert();
    await act(riley, alert.id, { kind: 'acknowledge' });
    await act(riley, alert.id, { kind: 'comment', text: 'Looking into it with HR' });
    await act(riley, alert.id, {
      kind: 'resolve',
      disposition: 'expected_change',
      ticket: 'HR-1234',
      note: 'Approved raise',
    });
    const [resolved] = await t.db.select().from(alerts).where(eq(alerts.id, alert.id));
    expect(resolved).toMatchObject({
      status: 'resolved',
      disposition: 'expected_change',
      ticket: 'HR-1234',
    });
    // The first acknowledgement is kept; the resolution time is the resolve's.
    expect(resolved!.acknowledgedAt).toBeInstanceOf(Date);
    expect(resolved!.resolvedAt!.getTime()).toBeGreaterThanOrEqual(
      resolved!.acknowledgedAt!.getTime(),
    );
    await act(sam, alert.id, { kind: 'reopen', note: 'Ticket was for a different person' });
    const [reopened] = await t.db.select().from(alerts).where(eq(alerts.id, alert.id));
    expect(reopened).toMatchObject({ status: 'open', disposition: null, resolvedAt: null });
    expect(reopened!.acknowledgedAt).toEqual(resolved!.acknowledgedAt);
    // The backlog chart's index: the resolution stands from the resolve to the reopen.
    await act(sam, alert.id, {
      kind: 'resolve',
      disposition: 'true_positive',
      ticket: null,
      note: null,
    });
    const spans = await t.db
      .select()
      .from(alertResolutions)
      .where(eq(alertResolutions.alertId, alert.id))
      .orderBy(asc(alertResolutions.resolvedAt));
    expect(spans.length).toBe(2);
    expect(spans[0]!.resolvedAt).toEqual(resolved!.resolvedAt);
    expect(spans[0]!.reopenedAt!.getTime()).toBeGreaterThanOrEqual(resolved!.resolvedAt!.getTime());
    expect(spans[1]!.reopenedAt).toBeNull();
    await act(sam, alert.id, { kind: 'reopen', note: null });

    const steps = await history(alert.id);
    expect(steps.map((s) => [s.action, s.actorId])).toEqual([
      ['alert.acknowledge', riley.userId],
      ['alert.comment', riley.userId],
      ['alert.resolve', riley.userId],
      ['alert.reopen', sam.userId],
      ['alert.resolve', sam.userId],
      ['alert.reopen', sam.userId],
    ]);
    expect(steps[0]!.changes).toEqual([{ field: 'status', old: 'open', new: 'acknowledged' }]);
    expect(steps[1]!.reason).toBe('Looking into it with HR');
    expect(steps[2]!.changes).toContainEqual({
      field: 'disposition',
      old: null,
      new: 'expected_change',
    });
    expect(steps[3]!.reason).toBe('Ticket was for a different person');
    expect((await verifyDatabase(t.db.$client)).ok).toBe(true);
  });

  it('refuses steps the state machine does not allow, changing nothing', async () => {
    const alert = await newAlert();
    const before = await history(alert.id);
    const reopen = await act(riley, alert.id, { kind: 'reopen', note: null });
    expect(reopen.refused[0]!.message).toMatch(/is open, not resolved/);
    await act(riley, alert.id, { kind: 'acknowledge' });
    const again = await act(sam, alert.id, { kind: 'acknowledge' });
    expect(again).toMatchObject({ done: [], refused: [{ reason: 'invalid_state' }] });
    expect(again.refused[0]!.message).toMatch(/already acknowledged/);
    expect((await history(alert.id)).length).toBe(before.length + 1);
  });

  it('needs a ticket for an expected change, and a snooze that ends in the future', () => {
    const row = {
      id: 1,
      status: 'open' as const,
      disposition: null,
      ticket: null,
      assigneeId: null,
      snoozedUntil: null,
      actorId: 'x',
      actorEmail: null,
      summary: '',
      version: 1,
    };
    const now = new Date('2026-11-26T10:00:00Z');
    expect(
      planTriage(
        row,
        { kind: 'resolve', disposition: 'expected_change', ticket: null, note: null },
        riley,
        now,
      ),
    ).toMatchObject({ ok: false, message: expect.stringMatching(/ticket/) });
    expect(
      planTriage(row, { kind: 'snooze', until: new Date('2026-11-26T09:00:00Z') }, riley, now),
    ).toMatchObject({ ok: false, message: expect.stringMatching(/future/) });
    expect(
      planTriage(row, { kind: 'snooze', until: new Date('2026-11-27T09:00:00Z') }, riley, now),
    ).toMatchObject({ ok: true });
  });

  it('assigns to an active user and refuses an unknown one', async () => {
    const alert = await newAlert();
    await act(riley, alert.id, { kind: 'assign', assigneeId: sam.userId });
    const [row] = await t.db.select().from(alerts).where(eq(alerts.id, alert.id));
    expect(row!.assigneeId).toBe(sam.userId);
    await expect(
      act(riley, alert.id, { kind: 'assign', assigneeId: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toThrow(ExpectedError);
  });
});

describe('segregation of duties', () => {
  it('refuses acknowledging or resolving an alert about your own changes, and records the attempt', async () => {
    const byEmail = await newAlert({ actorId: 'hris-7', actorEmail: 'RILEY@example.com' });
    const byId = await newAlert({ actorId: riley.userId, actorEmail: null });
    for (const alert of [byEmail, byId]) {
      const ack = await act(riley, alert.id, { kind: 'acknowledge' });
      expect(ack.done).toEqual([]);
      expect(ack.refused[0]).toMatchObject({ reason: 'segregation_of_duties' });
      expect(ack.refused[0]!.message).toMatch(/your own changes/);
      const resolve = await act(riley, alert.id, {
        kind: 'resolve',
        disposition: 'false_positive',
        ticket: null,
        note: null,
      });
      expect(resolve.refused[0]!.reason).toBe('segregation_of_duties');
      const [row] = await t.db.select().from(alerts).where(eq(alerts.id, alert.id));
      expect(row!.status).toBe('open');
      const steps = await history(alert.id);
      expect(steps.map((s) => [s.action, s.outcome, s.actorId])).toEqual([
        ['alert.triage_refused', 'failure', riley.userId],
        ['alert.triage_refused', 'failure', riley.userId],
      ]);
    }
    // Someone else may; and the subject may still comment (explain) on it.
    expect((await act(sam, byEmail.id, { kind: 'acknowledge' })).done).toEqual([byEmail.id]);
    expect((await act(riley, byEmail.id, { kind: 'comment', text: 'My context' })).done).toEqual([
      byEmail.id,
    ]);
  });
});

describe('concurrency', () => {
  it('two reviewers acknowledging at once: one wins, the other is told who did what', async () => {
    const alert = await newAlert();
    const results = await Promise.allSettled([
      act(riley, alert.id, { kind: 'acknowledge' }, alert.version),
      act(sam, alert.id, { kind: 'acknowledge' }, alert.version),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const reason = (lost[0] as PromiseRejectedResult).reason as Error;
    expect(reason).toBeInstanceOf(ExpectedError);
    expect(reason.message).toMatch(
      /changed while you were looking: (Riley Reviewer|Sam Second) acknowledged it at/,
    );
    const steps = await history(alert.id);
    expect(steps.filter((s) => s.action === 'alert.acknowledge')).toHaveLength(1);
  });

  it('concurrent bulk actions over overlapping alerts do not deadlock and act once per alert', async () => {
    const batch = await Promise.all(Array.from({ length: 40 }, () => newAlert()));
    const ids = batch.map((a) => a.id);
    const [a, b] = await Promise.all([
      t.db.transaction((tx) => triageAlerts(tx, riley, ids, { kind: 'acknowledge' })),
      t.db.transaction((tx) => triageAlerts(tx, sam, [...ids].reverse(), { kind: 'acknowledge' })),
    ]);
    expect(a.done.length + b.done.length).toBe(40);
    expect(a.refused.length + b.refused.length).toBe(40);
    const [{ n }] = (await t.db.execute(sql`
      select count(*)::int as n from audit_events
      where action = 'alert.acknowledge' and target_id in ${sql.raw(`('${ids.join("','")}')`)}`)) as unknown as [
      { n: number },
    ];
    expect(n).toBe(40);
  });

  it('a bulk action skips what does not apply and reports it', async () => {
    const open = await newAlert();
    const own = await newAlert({ actorEmail: 'sam@example.com' });
    const resolved = await newAlert();
    await act(riley, resolved.id, {
      kind: 'resolve',
      disposition: 'duplicate',
      ticket: null,
      note: null,
    });
    const result = await t.db.transaction((tx) =>
      triageAlerts(tx, sam, [open.id, own.id, resolved.id], {
        kind: 'resolve',
        disposition: 'true_positive',
        ticket: null,
        note: 'Confirmed',
      }),
    );
    expect(result.done).toEqual([open.id]);
    expect(result.refused.map((r) => [r.id, r.reason])).toEqual([
      [own.id, 'segregation_of_duties'],
      [resolved.id, 'invalid_state'],
    ]);
  });

  it('a bulk action over more alerts than one statement can name acts on all of them', async () => {
    const n = 66_000;
    const created = await t.owner<{ id: number }[]>`
      insert into alerts (rule, severity, dedupe_key, actor_id, summary, details, event_count, first_event_at, last_event_at)
      select 'burst', 'low', 'many:' || g, 'u-many', 'Many ' || g, '{}', 1, now(), now()
      from generate_series(1, ${n}) g returning id::int as id`;
    const ids = created.map((r) => r.id);
    const result = await t.db.transaction((tx) =>
      triageAlerts(tx, riley, ids, { kind: 'acknowledge' }),
    );
    expect(result.done).toHaveLength(n);
    const [{ left }] = (await t.owner`
      select count(*)::int as left from alerts where actor_id = 'u-many' and status = 'open'`) as unknown as [
      { left: number },
    ];
    expect(left).toBe(0);
  }, 120_000);
});
