/**
 * Alert triage: the lifecycle state machine, segregation of duties, and the audit trail.
 *
 * open ──acknowledge──▶ acknowledged ──resolve──▶ resolved ──reopen──▶ open
 *   └──────────────────────resolve─────────────────▲
 * Assignment, comments and snoozing do not change the status. Every action writes one audit event
 * per alert on the dashboard's stream (target alert/<id>) in the same transaction as the change;
 * those events are the alert's history. A refused attempt (segregation of duties) is recorded too.
 */
import { and, asc, eq, inArray, isNull, sql as dsql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { alertResolutions, alerts, DISPOSITIONS, users } from '@/db/schema';
import { writeAuditEvents } from '@/lib/audit/writer';
import type { DashboardEventInput, FieldChange } from '@/lib/audit/types';
import { ExpectedError } from '@/lib/errors';
import type { ActingUser } from '@/lib/users';

export type Disposition = (typeof DISPOSITIONS)[number];
export const DISPOSITION_LABELS: Record<Disposition, string> = {
  true_positive: 'True positive',
  false_positive: 'False positive',
  expected_change: 'Expected / approved change',
  duplicate: 'Duplicate',
};

export type TriageAction =
  | { kind: 'acknowledge' }
  | { kind: 'assign'; assigneeId: string | null }
  | { kind: 'resolve'; disposition: Disposition; ticket: string | null; note: string | null }
  | { kind: 'reopen'; note: string | null }
  | { kind: 'comment'; text: string }
  | { kind: 'snooze'; until: Date | null };

export const TRIAGE_VERBS: Record<TriageAction['kind'], string> = {
  acknowledge: 'acknowledge',
  assign: 'assign',
  resolve: 'resolve',
  reopen: 'reopen',
  comment: 'comment on',
  snooze: 'snooze',
};

/** The reviewer acting, with what identifies them in the events they may have made themselves. */
export type Reviewer = ActingUser & { userId: string; email: string };

type AlertRow = {
  id: number;
  status: 'open' | 'acknowledged' | 'resolved';
  disposition: Disposition | null;
  ticket: string | null;
  assigneeId: string | null;
  snoozedUntil: Date | null;
  actorId: string | null;
  actorEmail: string | null;
  summary: string;
  version: number;
};

const alertColumns = {
  id: alerts.id,
  status: alerts.status,
  disposition: alerts.disposition,
  ticket: alerts.ticket,
  assigneeId: alerts.assigneeId,
  snoozedUntil: alerts.snoozedUntil,
  actorId: alerts.actorId,
  actorEmail: alerts.actorEmail,
  summary: alerts.summary,
  version: alerts.version,
};

/** Is this alert about the reviewer's own changes? Matched on e-mail (case-insensitive) or id. */
export function isAboutReviewer(
  alert: Pick<AlertRow, 'actorId' | 'actorEmail'>,
  reviewer: { userId: string; email: string },
): boolean {
  const email = reviewer.email.toLowerCase();
  return (
    (alert.actorEmail !== null && alert.actorEmail.toLowerCase() === email) ||
    (alert.actorId !== null &&
      (alert.actorId === reviewer.userId || alert.actorId.toLowerCase() === email))
  );
}

type Outcome =
  | { ok: true; changes: FieldChange[]; set: Partial<Record<string, unknown>> }
  | { ok: false; reason: 'segregation_of_duties' | 'invalid_state'; message: string };

/** The state machine: what the action changes on this alert, or why it cannot. */
export function planTriage(
  alert: AlertRow,
  action: TriageAction,
  reviewer: { userId: string; email: string },
  now: Date,
): Outcome {
  const sod =
    (action.kind === 'acknowledge' || action.kind === 'resolve') &&
    isAboutReviewer(alert, reviewer);
  if (sod)
    return {
      ok: false,
      reason: 'segregation_of_duties',
      message: `You cannot ${TRIAGE_VERBS[action.kind]} alert #${alert.id}: it is about your own changes. Ask another reviewer.`,
    };
  const invalid = (message: string): Outcome => ({ ok: false, reason: 'invalid_state', message });
  switch (action.kind) {
    case 'acknowledge':
      if (alert.status !== 'open') return invalid(`Alert #${alert.id} is already ${alert.status}.`);
      return {
        ok: true,
        changes: [{ field: 'status', old: 'open', new: 'acknowledged' }],
        set: { status: 'acknowledged' },
      };
    case 'resolve':
      if (alert.status === 'resolved') return invalid(`Alert #${alert.id} is already resolved.`);
      if (action.disposition === 'expected_change' && !action.ticket)
        return invalid('An expected change needs the ticket or approval reference.');
      return {
        ok: true,
        changes: [
          { field: 'status', old: alert.status, new: 'resolved' },
          { field: 'disposition', old: null, new: action.disposition },
          ...(action.ticket ? [{ field: 'ticket', old: alert.ticket, new: action.ticket }] : []),
        ],
        set: {
          status: 'resolved',
          disposition: action.disposition,
          ticket: action.ticket,
          snoozedUntil: null,
          resolvedAt: now,
        },
      };
    case 'reopen':
      if (alert.status !== 'resolved')
        return invalid(`Alert #${alert.id} is ${alert.status}, not resolved.`);
      return {
        ok: true,
        changes: [
          { field: 'status', old: 'resolved', new: 'open' },
          { field: 'disposition', old: alert.disposition, new: null },
        ],
        set: { status: 'open', disposition: null, resolvedAt: null },
      };
    case 'assign':
      if (alert.status === 'resolved')
        return invalid(`Alert #${alert.id} is resolved; reopen it to assign it.`);
      if (alert.assigneeId === action.assigneeId)
        return invalid(`Alert #${alert.id} is already assigned so.`);
      return {
        ok: true,
        changes: [{ field: 'assignee', old: alert.assigneeId, new: action.assigneeId }],
        set: { assigneeId: action.assigneeId },
      };
    case 'snooze':
      if (alert.status === 'resolved') return invalid(`Alert #${alert.id} is resolved.`);
      if (action.until && action.until.getTime() <= now.getTime())
        return invalid('The snooze must end in the future.');
      return {
        ok: true,
        changes: [
          {
            field: 'snoozed_until',
            old: alert.snoozedUntil?.toISOString() ?? null,
            new: action.until?.toISOString() ?? null,
          },
        ],
        set: { snoozedUntil: action.until },
      };
    case 'comment':
      return { ok: true, changes: [], set: {} };
  }
}

function reasonOf(action: TriageAction): string | null {
  if (action.kind === 'comment') return action.text;
  if (action.kind === 'resolve' || action.kind === 'reopen') return action.note;
  return null;
}

const LOCK_CHUNK = 10_000;

export type TriageResult = {
  done: number[];
  refused: { id: number; reason: string; message: string }[];
};

/**
 * Applies one action to the given alerts (locked in id order, so concurrent bulk actions cannot
 * deadlock). For a single alert, `expectedVersion` is the version the reviewer saw: if someone
 * else acted since, nothing changes and the reviewer is told who did what.
 * Refusals for segregation of duties are written as `alert.triage_refused` audit events and
 * committed with the rest; the caller reports them.
 */
export async function triageAlerts(
  tx: Tx,
  by: Reviewer,
  ids: number[],
  action: TriageAction,
  options: { expectedVersion?: number; now?: Date } = {},
): Promise<TriageResult> {
  const now = options.now ?? new Date();
  if (ids.length === 0) throw new ExpectedError('Select at least one alert.');
  if (action.kind === 'assign' && action.assigneeId) {
    const [assignee] = await tx
      .select({ id: users.id, active: users.active })
      .from(users)
      .where(eq(users.id, action.assigneeId));
    if (!assignee?.active)
      throw new ExpectedError('No such active user to assign to.', 'assigneeId');
  }
  // Locked in id order, in chunks (a statement takes at most 65,535 parameters; a bulk action
  // on every matching alert may name more).
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const rows: AlertRow[] = [];
  for (let i = 0; i < sorted.length; i += LOCK_CHUNK) {
    rows.push(
      ...((await tx
        .select(alertColumns)
        .from(alerts)
        .where(inArray(alerts.id, sorted.slice(i, i + LOCK_CHUNK)))
        .orderBy(asc(alerts.id))
        .for('update')) as AlertRow[]),
    );
  }
  if (rows.length === 0) throw new ExpectedError('No such alert.');
  if (options.expectedVersion !== undefined && rows.length === 1) {
    const row = rows[0]!;
    if (row.version !== options.expectedVersion)
      throw new ExpectedError(await describeLatestChange(tx, row));
  }
  const events: DashboardEventInput[] = [];
  const result: TriageResult = { done: [], refused: [] };
  let set: Partial<Record<string, unknown>> | null = null;
  for (const row of rows) {
    const plan = planTriage(row, action, by, now);
    const target = { type: 'alert', id: String(row.id), label: row.summary.slice(0, 200) };
    const base = { actor: by.actor, context: by.context, sessionId: by.sessionId, target };
    if (!plan.ok) {
      result.refused.push({ id: row.id, reason: plan.reason, message: plan.message });
      if (plan.reason === 'segregation_of_duties')
        events.push({
          ...base,
          action: 'alert.triage_refused',
          outcome: 'failure',
          reason: plan.message,
          metadata: { attempted: action.kind, rule: 'segregation_of_duties', bulk: ids.length > 1 },
        });
      continue;
    }
    result.done.push(row.id);
    set = plan.set;
    events.push({
      ...base,
      action: `alert.${action.kind}` as DashboardEventInput['action'],
      changes: plan.changes,
      reason: reasonOf(action),
      metadata: {
        ...(action.kind === 'resolve'
          ? { disposition: action.disposition, ticket: action.ticket }
          : {}),
        ...(ids.length > 1 ? { bulk: true, selected: ids.length } : {}),
      },
    });
  }
  // The change is the same for every alert it applies to: one statement per chunk. A comment
  // leaves the alert as it is (and does not make another reviewer's view stale).
  if (set && action.kind !== 'comment')
    for (let i = 0; i < result.done.length; i += LOCK_CHUNK)
      await tx
        .update(alerts)
        .set({
          ...set,
          // The first acknowledgement stays (resolving an open alert acknowledges it too).
          ...(action.kind === 'acknowledge' || action.kind === 'resolve'
            ? {
                acknowledgedAt: dsql`coalesce(${alerts.acknowledgedAt}, ${now.toISOString()}::timestamptz)`,
              }
            : {}),
          version: dsql`${alerts.version} + 1`,
          updatedAt: now,
        })
        .where(inArray(alerts.id, result.done.slice(i, i + LOCK_CHUNK)));
  // The backlog chart's index of resolutions (db/schema/detection.ts, alertResolutions).
  for (let i = 0; i < result.done.length; i += LOCK_CHUNK) {
    const chunk = result.done.slice(i, i + LOCK_CHUNK);
    if (action.kind === 'resolve')
      await tx
        .insert(alertResolutions)
        .values(chunk.map((alertId) => ({ alertId, resolvedAt: now })));
    else if (action.kind === 'reopen')
      await tx
        .update(alertResolutions)
        .set({ reopenedAt: now })
        .where(and(inArray(alertResolutions.alertId, chunk), isNull(alertResolutions.reopenedAt)));
  }
  await writeAuditEvents(tx, events);
  return result;
}

const PAST_TENSE: Record<string, string> = {
  'alert.acknowledge': 'acknowledged',
  'alert.assign': 'reassigned',
  'alert.resolve': 'resolved',
  'alert.reopen': 'reopened',
  'alert.comment': 'commented on',
  'alert.snooze': 'snoozed',
};

/** "Riley Reviewer acknowledged it at 2026-11-26 10:02 UTC" from the alert's latest history entry. */
async function describeLatestChange(tx: Tx, row: AlertRow): Promise<string> {
  const [latest] = (await tx.execute(dsql`
    select action, actor_name, occurred_at from audit_events
    where target_type = 'alert' and target_id = ${String(row.id)} and outcome = 'success'
      and action <> 'alert.comment'
    order by occurred_at desc, id desc limit 1`)) as unknown as {
    action: string;
    actor_name: string | null;
    occurred_at: string;
  }[];
  const verb = latest ? PAST_TENSE[latest.action] : undefined;
  const what =
    latest && verb
      ? `${latest.actor_name ?? 'Someone'} ${verb} it at ${new Date(latest.occurred_at).toISOString().slice(0, 16).replace('T', ' ')} UTC`
      : 'someone changed it';
  return `Alert #${row.id} changed while you were looking: ${what}. It is now ${row.status}; nothing was changed by you. Reload to see the latest.`;
}
