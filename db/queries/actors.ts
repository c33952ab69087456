import 'server-only';
import { sql } from 'drizzle-orm';
import { db } from '@/db';

export type ActorProfile = {
  name: string | null;
  email: string | null;
  type: string | null;
  timeZone: string | null;
  events: number;
  firstSeen: string | null;
  lastSeen: string | null;
};

export async function getActorProfile(actorId: string): Promise<ActorProfile> {
  // Newest and oldest event by the (actor_id, occurred_at) index, and a count: no aggregate
  // over every column of a busy actor's history.
  const [[latest], [first], [counted]] = await Promise.all([
    db.execute<{
      name: string | null;
      email: string | null;
      type: string;
      time_zone: string | null;
      at: string;
    }>(sql`
      select actor_name as name, actor_email as email, actor_type as type, actor_time_zone as time_zone,
             to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at
        from audit_events where actor_id = ${actorId} order by occurred_at desc limit 1`),
    db.execute<{ at: string }>(sql`
      select to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at
        from audit_events where actor_id = ${actorId} order by occurred_at asc limit 1`),
    db.execute<{ n: number }>(
      sql`select count(*)::int as n from audit_events where actor_id = ${actorId}`,
    ),
  ]);
  return {
    name: latest?.name ?? null,
    email: latest?.email ?? null,
    type: latest?.type ?? null,
    timeZone: latest?.time_zone ?? null,
    events: counted?.n ?? 0,
    firstSeen: first?.at ?? null,
    lastSeen: latest?.at ?? null,
  };
}

export type Seen = { value: string; events: number; firstSeen: string; lastSeen: string };

/** The addresses or user agents an actor used, with first and last seen. */
export async function listActorSeen(
  actorId: string,
  column: 'actor_ip' | 'actor_user_agent',
): Promise<Seen[]> {
  const rows = await db.execute<{
    value: string;
    events: number;
    first_seen: string;
    last_seen: string;
  }>(sql`
    select ${sql.identifier(column)} as value, count(*)::int as events,
           to_char(min(occurred_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as first_seen,
           to_char(max(occurred_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as last_seen
      from audit_events where actor_id = ${actorId} and ${sql.identifier(column)} is not null
     group by 1 order by max(occurred_at) desc limit 50`);
  return [...rows].map((r) => ({
    value: r.value,
    events: r.events,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
  }));
}

/**
 * Activity by hour of week (ISO day 1-7 × hour 0-23) in the person's own zone, last 90 days.
 * The zone is checked against the database's zone list once, so the per-row conversion needs
 * no error handling (an exception block per row costs a subtransaction each).
 */
export async function getActorHeatmap(
  actorId: string,
  timeZone: string | null,
): Promise<{ day: number; hour: number; events: number }[]> {
  const [known] = timeZone
    ? await db.execute<{ ok: boolean }>(
        sql`select exists (select 1 from pg_timezone_names where name = ${timeZone}) as ok`,
      )
    : [];
  const zone = known?.ok ? timeZone! : 'UTC';
  const rows = await db.execute<{ day: number; hour: number; events: number }>(sql`
    select extract(isodow from occurred_at at time zone ${zone})::int as day,
           extract(hour from occurred_at at time zone ${zone})::int as hour, count(*)::int as events
      from audit_events where actor_id = ${actorId} and occurred_at > now() - interval '90 days'
     group by 1, 2`);
  return [...rows];
}
