import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { db } from '@/db';
import type { AlertFilters } from '@/lib/alerts/filters';
import { listEvents } from './events';

export type AlertRow = {
  id: number;
  rule: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  status: 'open' | 'acknowledged' | 'resolved';
  disposition: string | null;
  ticket: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  snoozedUntil: string | null;
  actorId: string | null;
  actorName: string | null;
  actorEmail: string | null;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  summary: string;
  eventCount: number;
  firstEventAt: string;
  lastEventAt: string;
  createdAt: string;
  version: number;
};

const ISO = (column: string) =>
  sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

const COLUMNS = sql`
  a.id::int as id, a.rule, a.severity, a.status, a.disposition, a.ticket, a.assignee_id as "assigneeId",
  u.name as "assigneeName", ${ISO('a.snoozed_until')} as "snoozedUntil", a.actor_id as "actorId",
  a.actor_name as "actorName", a.actor_email as "actorEmail", a.target_type as "targetType",
  a.target_id as "targetId", a.target_label as "targetLabel", a.summary, a.event_count as "eventCount",
  ${ISO('a.first_event_at')} as "firstEventAt", ${ISO('a.last_event_at')} as "lastEventAt",
  ${ISO('a.created_at')} as "createdAt", a.version`;

/** The SQL condition for the filters (everything but status, which `statusCondition` adds). */
export function alertConditions(f: AlertFilters, userId: string, withStatus = true): SQL {
  const parts: SQL[] = [sql`true`];
  if (withStatus) {
    if (f.status === 'active') parts.push(sql`a.status <> 'resolved'`);
    else if (f.status !== 'all') parts.push(sql`a.status = ${f.status}`);
  }
  if (f.severity) parts.push(sql`a.severity = ${f.severity}`);
  if (f.rule) parts.push(sql`a.rule = ${f.rule}`);
  if (f.assignee === 'me') parts.push(sql`a.assignee_id = ${userId}::uuid`);
  else if (f.assignee === 'none') parts.push(sql`a.assignee_id is null`);
  else if (f.assignee) parts.push(sql`a.assignee_id = ${f.assignee}::uuid`);
  if (f.actor) parts.push(sql`a.actor_id = ${f.actor}`);
  if (f.age === '1d') parts.push(sql`a.created_at > now() - interval '1 day'`);
  else if (f.age === '7d') parts.push(sql`a.created_at > now() - interval '7 days'`);
  else if (f.age === '30d') parts.push(sql`a.created_at > now() - interval '30 days'`);
  else if (f.age === 'over7d') parts.push(sql`a.created_at <= now() - interval '7 days'`);
  else if (f.age === 'over30d') parts.push(sql`a.created_at <= now() - interval '30 days'`);
  if (f.raisedAfter) parts.push(sql`a.created_at >= ${f.raisedAfter}::timestamptz`);
  if (f.raisedBefore) parts.push(sql`a.created_at < ${f.raisedBefore}::timestamptz`);
  const snoozed = sql`(a.snoozed_until is not null and a.snoozed_until > now())`;
  if (f.snoozed === 'hide') parts.push(sql`not ${snoozed}`);
  else if (f.snoozed === 'only') parts.push(snoozed);
  return sql.join(parts, sql` and `);
}

export const ALERT_PAGE_SIZE = 50;

/** A page of alerts, newest first, by keyset on id (`after`: older ones). */
export async function listAlerts(
  f: AlertFilters,
  userId: string,
  page: { after?: number | null; before?: number | null },
): Promise<{ rows: AlertRow[]; older: number | null; newer: number | null }> {
  const keyset = page.after
    ? sql`and a.id < ${page.after}`
    : page.before
      ? sql`and a.id > ${page.before}`
      : sql``;
  const order = page.before ? sql`order by a.id asc` : sql`order by a.id desc`;
  const rows = [
    ...(await db.execute<AlertRow>(sql`
      select ${COLUMNS} from alerts a left join users u on u.id = a.assignee_id
      where ${alertConditions(f, userId)} ${keyset} ${order} limit ${ALERT_PAGE_SIZE + 1}`)),
  ];
  const more = rows.length > ALERT_PAGE_SIZE;
  if (more) rows.pop();
  if (page.before) rows.reverse();
  return {
    rows,
    older: rows.length && (page.before ? true : more) ? rows.at(-1)!.id : null,
    newer: rows.length && (page.before ? more : !!page.after) ? rows[0]!.id : null,
  };
}

/** How many alerts match the filters, per status (the status filter itself left out). */
export async function countAlertsByStatus(
  f: AlertFilters,
  userId: string,
): Promise<Record<'open' | 'acknowledged' | 'resolved', number>> {
  const rows = await db.execute<{ status: string; n: number }>(sql`
    select a.status, count(*)::int as n from alerts a
    where ${alertConditions(f, userId, false)} group by a.status`);
  const counts = { open: 0, acknowledged: 0, resolved: 0 };
  for (const r of rows) counts[r.status as keyof typeof counts] = r.n;
  return counts;
}

/** Every id matching the filters: what a bulk action "on all matching" acts on. */
export async function alertIdsMatching(f: AlertFilters, userId: string): Promise<number[]> {
  const rows = await db.execute<{ id: number }>(
    sql`select a.id::int as id from alerts a where ${alertConditions(f, userId)} order by a.id`,
  );
  return rows.map((r) => r.id);
}

export async function getAlert(
  id: number,
): Promise<(AlertRow & { details: Record<string, unknown> }) | null> {
  const [row] = await db.execute<AlertRow & { details: Record<string, unknown> }>(sql`
    select ${COLUMNS}, a.details from alerts a left join users u on u.id = a.assignee_id where a.id = ${id}`);
  return row ?? null;
}

/** The events behind the alert (those linked; alerts.event_count has the full number). */
export function listAlertEvents(id: number, limit = 50) {
  return listEvents(
    sql`(occurred_at, id) in (select ae.occurred_at, ae.event_id from alert_events ae where ae.alert_id = ${id})`,
    { limit },
  );
}

/** The actor's activity around the alert: an hour either side of its events. */
export function listSurroundingActivity(alert: AlertRow, limit = 30) {
  if (!alert.actorId) return Promise.resolve({ rows: [], older: null, newer: null });
  return listEvents(
    sql`actor_id = ${alert.actorId}
      and occurred_at between ${alert.firstEventAt}::timestamptz - interval '1 hour'
                          and ${alert.lastEventAt}::timestamptz + interval '1 hour'`,
    { limit },
  );
}

/** The alert's own history: every raise, status change, assignment, comment and refusal. */
export async function listAlertHistory(id: number) {
  const page = await listEvents(sql`target_type = 'alert' and target_id = ${String(id)}`, {
    limit: 500,
  });
  return page.rows.reverse();
}

/** Other alerts about the same person, or sharing any of this alert's events. */
export async function listRelatedAlerts(alert: AlertRow, limit = 20): Promise<AlertRow[]> {
  return [
    ...(await db.execute<AlertRow>(sql`
      select ${COLUMNS} from alerts a left join users u on u.id = a.assignee_id
      where a.id <> ${alert.id} and (
        (${alert.actorId}::text is not null and a.actor_id = ${alert.actorId})
        or a.id in (select o.alert_id from alert_events o
                    where o.event_id in (select ae.event_id from alert_events ae where ae.alert_id = ${alert.id})))
      order by a.id desc limit ${limit}`)),
  ];
}

/** Alerts about one person, newest first (the person timeline's alerts section). */
export async function listAlertsForActor(actorId: string, limit = 20): Promise<AlertRow[]> {
  return [
    ...(await db.execute<AlertRow>(sql`
      select ${COLUMNS} from alerts a left join users u on u.id = a.assignee_id
      where a.actor_id = ${actorId} order by a.id desc limit ${limit}`)),
  ];
}

/** Active dashboard users an alert can be assigned to (those who may triage). */
export async function listAssignees(): Promise<{ id: string; name: string; email: string }[]> {
  return [
    ...(await db.execute<{ id: string; name: string; email: string }>(sql`
      select id, name, email from users
      where active and role in ('admin', 'compliance_officer', 'reviewer') order by name`)),
  ];
}
