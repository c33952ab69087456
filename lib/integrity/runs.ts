import { desc, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { integrityRuns } from '@/db/schema';
import { writeAuditEvents } from '@/lib/audit/writer';
import type { ActingUser } from '@/lib/users';
import { describeProblem, verifyIntegrity, type IntegrityReport } from './verify';

/** The actor of the integrity machinery's own audit events and alerts. */
export const INTEGRITY_ACTOR = {
  id: 'system:integrity',
  name: 'WhoChanged integrity check',
  email: null,
  type: 'system' as const,
};
export const INTEGRITY_RULE = 'integrity_failure';

export type IntegrityRun = typeof integrityRuns.$inferSelect;

/**
 * Runs the full verification, records its result, and on failure raises a critical alert (one
 * per distinct first problem: a failure that persists updates its alert instead of repeating
 * it), with its `alert.raise` audit event.
 */
export async function runVerification(
  db: Database,
  trigger: IntegrityRun['trigger'],
  options: Parameters<typeof verifyIntegrity>[1] = {},
  /** Who asked for it (on demand): their `integrity.verify` event commits with the run. */
  by?: ActingUser,
): Promise<{ run: IntegrityRun; report: IntegrityReport }> {
  const startedAt = new Date();
  const report = await verifyIntegrity(db, options);
  const first = report.problems[0];
  const failure = first ? describeProblem(first) : null;
  const run = await db.transaction(async (tx) => {
    const [run] = await tx
      .insert(integrityRuns)
      .values({
        trigger,
        startedAt,
        finishedAt: new Date(),
        ok: report.ok,
        events: report.events,
        failure,
        report: {
          streams: report.chains.streams.map((s) => ({
            name: s.name,
            events: s.events,
            headSeq: s.headSeq,
            broken: s.broken,
          })),
          checkpoints: report.checkpoints,
          pending: report.pending,
          problems: report.problems.slice(0, 50),
        },
      })
      .returning();
    if (by)
      await writeAuditEvents(tx, [
        {
          action: 'integrity.verify',
          actor: by.actor,
          context: by.context,
          sessionId: by.sessionId,
          target: {
            type: 'integrity_run',
            id: String(run!.id),
            label: report.ok ? 'PASS' : 'FAIL',
          },
          metadata: {
            run: run!.id,
            ok: report.ok,
            events: report.events,
            checkpoints: report.checkpoints.count,
            problems: report.problems.length,
            failure,
          },
        },
      ]);
    if (first) {
      const summary = `Integrity verification failed: ${failure}`;
      const dedupe = `integrity:${first.reason}:${first.stream ?? ''}:${first.seq ?? ''}:${first.checkpoint ?? ''}`;
      const [alert] = await tx.execute<{ id: string; inserted: boolean }>(sql`
        insert into alerts (rule, severity, dedupe_key, summary, details, event_count, first_event_at,
                            last_event_at, actor_id, actor_name)
        values (${INTEGRITY_RULE}, 'critical', ${dedupe}, ${summary},
                ${JSON.stringify({ problems: report.problems.slice(0, 20), run: run!.id })}::jsonb, 0,
                ${startedAt.toISOString()}::timestamptz, ${startedAt.toISOString()}::timestamptz,
                ${INTEGRITY_ACTOR.id}, ${INTEGRITY_ACTOR.name})
        on conflict (dedupe_key) do update set last_event_at = excluded.last_event_at,
          details = excluded.details, updated_at = now()
        returning id::text as id, (xmax = 0) as inserted`);
      if (alert?.inserted)
        await writeAuditEvents(tx, [
          {
            action: 'alert.raise',
            actor: INTEGRITY_ACTOR,
            context: { ip: null, userAgent: null, requestId: null },
            target: { type: 'alert', id: alert.id, label: summary.slice(0, 200) },
            metadata: { rule: INTEGRITY_RULE, severity: 'critical', run: run!.id },
          },
        ]);
    }
    return run!;
  });
  return { run, report };
}

export async function lastRun(db: Database): Promise<IntegrityRun | null> {
  const [run] = await db.select().from(integrityRuns).orderBy(desc(integrityRuns.id)).limit(1);
  return run ?? null;
}
