/**
 * Alerts for one test, written straight into the database: the detection engine is not needed
 * (nor is what the demo happens to raise). Each alert gets a dedupe key unique to the test.
 */
import type { Page } from '@playwright/test';
import { triageAlerts, type TriageAction } from '@/lib/alerts/triage';
import type { RuleId, Severity } from '@/lib/detection/types';
import { e2eDb } from '../fixtures';

let counter = 0;
/** A name no other test (or run) uses: for dedupe keys and made-up actor ids. */
export const unique = (label: string) =>
  `e2e-${label}-${process.pid}-${Date.now()}-${counter++}-${Math.random().toString(36).slice(2, 7)}`;

export type NewAlert = {
  rule?: RuleId;
  severity?: Severity;
  status?: 'open' | 'acknowledged' | 'resolved';
  disposition?: string | null;
  assigneeId?: string | null;
  snoozedUntil?: Date | null;
  actorId?: string | null;
  actorName?: string | null;
  actorEmail?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  targetLabel?: string | null;
  summary?: string;
  details?: Record<string, unknown>;
  /** audit_events ids to link; the alert's time span is theirs. */
  eventIds?: string[];
  /** alerts.event_count (defaults to the number linked). */
  eventCount?: number;
  createdAt?: Date;
};

/** Inserts `n` alerts alike but for their dedupe keys; returns their ids in insertion order. */
export async function createAlerts(n: number, a: NewAlert = {}): Promise<number[]> {
  const sql = e2eDb().$client;
  const key = unique('alert');
  const events = (a.eventIds ?? []).join(',');
  const status = a.status ?? 'open';
  const disposition = a.disposition ?? (status === 'resolved' ? 'false_positive' : null);
  const rows = await sql<{ id: number }[]>`
    insert into alerts (rule, severity, dedupe_key, status, disposition, assignee_id, snoozed_until,
      actor_id, actor_name, actor_email, target_type, target_id, target_label, summary, details,
      event_count, first_event_at, last_event_at, created_at)
    select ${a.rule ?? 'burst'}, ${a.severity ?? 'medium'}, ${key} || ':' || g, ${status}, ${disposition},
      ${a.assigneeId ?? null}::uuid, ${a.snoozedUntil?.toISOString() ?? null}::timestamptz,
      ${a.actorId ?? null}, ${a.actorName ?? null}, ${a.actorEmail ?? null},
      ${a.targetType ?? null}, ${a.targetId ?? null}, ${a.targetLabel ?? null},
      ${a.summary ?? 'A test alert'}, ${JSON.stringify(a.details ?? {})}::jsonb,
      ${a.eventCount ?? a.eventIds?.length ?? 1}, coalesce(ev.first, now()), coalesce(ev.last, now()),
      ${(a.createdAt ?? new Date()).toISOString()}::timestamptz
    from generate_series(1, ${n}) g,
      (select min(occurred_at) as first, max(occurred_at) as last from audit_events
        where ${events} <> '' and id = any(string_to_array(${events}, ',')::bigint[])) ev
    order by g
    returning id::int as id`;
  const ids = rows.map((r) => r.id);
  if (events)
    await sql`
      insert into alert_events (alert_id, event_id, occurred_at)
      select a.id, e.id, e.occurred_at
      from unnest(string_to_array(${ids.join(',')}, ',')::bigint[]) as a(id), audit_events e
      where e.id = any(string_to_array(${events}, ',')::bigint[])`;
  return ids;
}

export async function createAlert(a: NewAlert = {}): Promise<number> {
  const [id] = await createAlerts(1, a);
  return id!;
}

/** A person from the demo data with a few field changes, and those events (newest first). */
export async function demoActorWithChanges(count = 3, skip = 0) {
  const sql = e2eDb().$client;
  const [actor] = await sql<
    { actor_id: string; actor_name: string | null; actor_email: string | null }[]
  >`
    select e.actor_id, min(e.actor_name) as actor_name, min(e.actor_email) as actor_email
    from audit_events e join audit_streams s on s.id = e.stream_id
    where s.name like 'source:%' and e.actor_type = 'user' and e.actor_id is not null
      and jsonb_array_length(e.changes) > 0
    group by e.actor_id having count(*) >= ${count}
    order by e.actor_id limit 1 offset ${skip}`;
  if (!actor) throw new Error('the demo data has no person with enough changes');
  const events = await sql<{ id: string }[]>`
    select id::text as id from audit_events
    where actor_id = ${actor.actor_id} and jsonb_array_length(changes) > 0
    order by occurred_at desc, id desc limit ${count}`;
  return {
    actorId: actor.actor_id,
    actorName: actor.actor_name,
    actorEmail: actor.actor_email,
    eventIds: events.map((e) => e.id),
  };
}

export async function alertRow(id: number) {
  const [row] = await e2eDb().$client<
    {
      status: string;
      disposition: string | null;
      ticket: string | null;
      assignee_id: string | null;
      /** UTC ISO, as the app formats instants. */
      snoozed_until: string | null;
      version: number;
    }[]
  >`select status, disposition, ticket, assignee_id, version,
      to_char(snoozed_until at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as snoozed_until
    from alerts where id = ${id}`;
  return row!;
}

export type AlertAuditEvent = {
  action: string;
  outcome: string;
  actor_email: string | null;
  actor_name: string | null;
  target_type: string;
  changes: { field: string; old: unknown; new: unknown }[];
  reason: string | null;
  metadata: Record<string, unknown>;
};

/** The alert's history as stored: its audit events in the order they were written. */
export async function alertAuditEvents(id: number): Promise<AlertAuditEvent[]> {
  return [
    ...(await e2eDb().$client<AlertAuditEvent[]>`
      select action, outcome, actor_email, actor_name, target_type, changes, reason, metadata
      from audit_events where target_type = 'alert' and target_id = ${String(id)}
      order by occurred_at, seq`),
  ];
}

/** Acts on alerts as a reviewer outside the browser (to give an alert some history). */
export async function triageAs(
  user: { id: string; email: string; name: string },
  ids: number[],
  action: TriageAction,
) {
  return e2eDb().transaction((tx) =>
    triageAlerts(
      tx,
      {
        actor: { id: user.id, name: user.name, email: user.email, type: 'user' },
        context: { ip: null, userAgent: null, requestId: null },
        sessionId: null,
        userId: user.id,
        email: user.email,
      },
      ids,
      action,
    ),
  );
}

export async function demoUser(email: string) {
  const [user] = await e2eDb().$client<{ id: string; name: string; email: string }[]>`
    select id, name, email from users where email = ${email}`;
  return user!;
}

/** The alert ids of the queue rows shown, top to bottom. */
export const shownIds = (page: Page) =>
  page
    .locator('tbody tr[data-alert-id]')
    .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-alert-id'))));

/** The page's own alert region holding `text` (Next.js's route announcer is role=alert too). */
export const alertWith = (page: Page, text: string | RegExp) =>
  page.getByRole('alert').filter({ hasText: text });
