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
      sql`select coalesce(sum(events), 0)::int as n from activity_hourly where actor_id = ${actorId}`,
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

/**
 * The addresses or user agents an actor used, with counts and first and last seen: from the
 * actor_seen rollup (kept by the event pipeline), not an aggregate over their whole history.
 */
export async function listActorSeen(actorId: string, kind: 'ip' | 'user_agent'): Promise<Seen[]> {
  const rows = await db.execute<{
    value: string;
    events: number;
    first_seen: string;
    last_seen: string;
  }>(sql`
    select value, events,
           to_char(first_seen at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as first_seen,
           to_char(last_seen at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as last_seen
      from actor_seen where actor_id = ${actorId} and kind = ${kind}
     order by actor_seen.last_seen desc limit 50`);
  return [...rows].map((r) => ({
    value: r.value,
    events: r.events,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
  }));
}

/**
 * Activity by hour of week (ISO day 1-7 × hour 0-23), last 90 days, in the person's own zone as
 * the event pipeline judged it (their schedule's zone, else the zone their events report): from
 * the hourly rollup, at most 2,160 rows per person whatever their volume.
 */
export async function getActorHeatmap(
  actorId: string,
): Promise<{ day: number; hour: number; events: number }[]> {
  const rows = await db.execute<{ day: number; hour: number; events: number }>(sql`
    select local_dow::int as day, local_hour::int as hour, sum(events)::int as events
      from activity_hourly where actor_id = ${actorId} and hour > now() - interval '90 days'
     group by 1, 2`);
  return [...rows];
}
