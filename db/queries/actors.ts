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
  const [row] = await db.execute<{
    name: string | null;
    email: string | null;
    type: string | null;
    time_zone: string | null;
    events: number;
    first_seen: string | null;
    last_seen: string | null;
  }>(sql`
    select (array_agg(actor_name order by occurred_at desc) filter (where actor_name is not null))[1] as name,
           (array_agg(actor_email order by occurred_at desc) filter (where actor_email is not null))[1] as email,
           (array_agg(actor_type order by occurred_at desc))[1] as type,
           (array_agg(actor_time_zone order by occurred_at desc) filter (where actor_time_zone is not null))[1] as time_zone,
           count(*)::int as events, to_char(min(occurred_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as first_seen,
           to_char(max(occurred_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as last_seen
      from audit_events where actor_id = ${actorId}`);
  return {
    name: row?.name ?? null,
    email: row?.email ?? null,
    type: row?.type ?? null,
    timeZone: row?.time_zone ?? null,
    events: row?.events ?? 0,
    firstSeen: row?.first_seen ?? null,
    lastSeen: row?.last_seen ?? null,
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

/** Activity by hour of week (ISO day 1-7 × hour 0-23) in the actor's own zone, last 90 days. */
export async function getActorHeatmap(
  actorId: string,
): Promise<{ day: number; hour: number; events: number }[]> {
  const rows = await db.execute<{ day: number; hour: number; events: number }>(sql`
    select extract(isodow from whochanged_local_time(occurred_at, actor_time_zone))::int as day,
           extract(hour from whochanged_local_time(occurred_at, actor_time_zone))::int as hour, count(*)::int as events
      from audit_events where actor_id = ${actorId} and occurred_at > now() - interval '90 days'
     group by 1, 2`);
  return [...rows];
}
