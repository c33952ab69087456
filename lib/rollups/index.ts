/**
 * Rollups: hourly activity counts and each actor's addresses and user agents, folded in by the
 * event pipeline (lib/detection/engine.ts) in the same transaction that moves its cursor, so every
 * stored event is counted exactly once, whatever crashes or restarts happen. Pages and charts
 * read these small tables instead of aggregating millions of raw events.
 */
import type postgres from 'postgres';
import { scheduleFor } from '@/lib/detection/classify';
import { holidaySet, isWorkingLocal, localTime, HOUR } from '@/lib/detection/schedule';
import type { DetectionEvent, DetectionSettings } from '@/lib/detection/types';

export type RollupEvent = Pick<
  DetectionEvent,
  | 'occurredAt'
  | 'action'
  | 'actorId'
  | 'actorIp'
  | 'actorUserAgent'
  | 'actorTimeZone'
  | 'targetType'
  | 'targetId'
  | 'changes'
> & { streamId: string };

type Hourly = {
  hour: number;
  streamId: string;
  action: string;
  actorId: string;
  offHours: boolean;
  localDow: number;
  localHour: number;
  events: number;
  changes: number;
};
type FieldDay = { day: string; streamId: string; field: string; changes: number };
type RecordDay = { day: string; targetType: string; targetId: string; changes: number };
type Seen = {
  actorId: string;
  kind: 'ip' | 'user_agent';
  value: string;
  events: number;
  first: number;
  last: number;
};

/** Folds a batch into per-key increments (pure; the upsert adds them to what is stored). */
export function aggregate(
  events: RollupEvent[],
  settings: DetectionSettings,
): { hourly: Hourly[]; seen: Seen[]; fields: FieldDay[]; records: RecordDay[] } {
  const hourly = new Map<string, Hourly>();
  const seen = new Map<string, Seen>();
  const fields = new Map<string, FieldDay>();
  const records = new Map<string, RecordDay>();
  const holidays = holidaySet(settings.holidays);
  for (const e of events) {
    const schedule = scheduleFor(e, settings);
    const lt = localTime(e.occurredAt, schedule.timeZone);
    const offHours = !isWorkingLocal(lt, schedule, holidays);
    const hour = Math.floor(e.occurredAt / HOUR) * HOUR;
    const actorId = e.actorId ?? '';
    const key = `${hour}\u0000${e.streamId}\u0000${e.action}\u0000${actorId}\u0000${offHours}\u0000${lt.isoDay}\u0000${lt.hour}`;
    let h = hourly.get(key);
    if (!h) {
      h = {
        hour,
        streamId: e.streamId,
        action: e.action,
        actorId,
        offHours,
        localDow: lt.isoDay,
        localHour: lt.hour,
        events: 0,
        changes: 0,
      };
      hourly.set(key, h);
    }
    h.events += 1;
    if (e.changes.length) {
      h.changes += 1;
      const day = new Date(hour).toISOString().slice(0, 10);
      for (const c of e.changes) {
        const fk = `${day}\u0000${e.streamId}\u0000${c.field}`;
        const f = fields.get(fk);
        if (f) f.changes += 1;
        else fields.set(fk, { day, streamId: e.streamId, field: c.field, changes: 1 });
      }
      if (e.targetType !== null && e.targetId !== null) {
        const rk = `${day}\u0000${e.targetType}\u0000${e.targetId}`;
        const r = records.get(rk);
        if (r) r.changes += 1;
        else records.set(rk, { day, targetType: e.targetType, targetId: e.targetId, changes: 1 });
      }
    }
    if (!e.actorId) continue;
    for (const [kind, value] of [
      ['ip', e.actorIp],
      ['user_agent', e.actorUserAgent],
    ] as const) {
      if (!value) continue;
      const k = `${e.actorId}\u0000${kind}\u0000${value}`;
      const s = seen.get(k);
      if (s) {
        s.events += 1;
        s.first = Math.min(s.first, e.occurredAt);
        s.last = Math.max(s.last, e.occurredAt);
      } else
        seen.set(k, {
          actorId: e.actorId,
          kind,
          value,
          events: 1,
          first: e.occurredAt,
          last: e.occurredAt,
        });
    }
  }
  return {
    hourly: [...hourly.values()],
    seen: [...seen.values()],
    fields: [...fields.values()],
    records: [...records.values()],
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Adds a batch's increments to the stored rollups (one statement per table). */
export async function applyRollups(
  sql: postgres.TransactionSql,
  events: RollupEvent[],
  settings: DetectionSettings,
): Promise<void> {
  if (events.length === 0) return;
  const { hourly, seen, fields, records } = aggregate(events, settings);
  await sql`
    insert into activity_hourly as r (hour, stream_id, action, actor_id, off_hours, local_dow, local_hour, events, changes)
    select * from unnest(
      ${sql.array(hourly.map((h) => iso(h.hour)))}::timestamptz[],
      ${sql.array(hourly.map((h) => h.streamId))}::uuid[],
      ${sql.array(hourly.map((h) => h.action))}::text[],
      ${sql.array(hourly.map((h) => h.actorId))}::text[],
      ${sql.array(hourly.map((h) => h.offHours))}::boolean[],
      ${sql.array(hourly.map((h) => h.localDow))}::smallint[],
      ${sql.array(hourly.map((h) => h.localHour))}::smallint[],
      ${sql.array(hourly.map((h) => h.events))}::int[],
      ${sql.array(hourly.map((h) => h.changes))}::int[])
    on conflict (hour, stream_id, action, actor_id, off_hours, local_dow, local_hour) do update
      set events = r.events + excluded.events, changes = r.changes + excluded.changes`;
  if (fields.length)
    await sql`
      insert into field_daily as f (day, stream_id, field, changes)
      select * from unnest(
        ${sql.array(fields.map((f) => f.day))}::date[],
        ${sql.array(fields.map((f) => f.streamId))}::uuid[],
        ${sql.array(fields.map((f) => f.field))}::text[],
        ${sql.array(fields.map((f) => f.changes))}::int[])
      on conflict (day, stream_id, field) do update set changes = f.changes + excluded.changes`;
  if (records.length)
    await sql`
      insert into record_daily as r (day, target_type, target_id, changes)
      select * from unnest(
        ${sql.array(records.map((r) => r.day))}::date[],
        ${sql.array(records.map((r) => r.targetType))}::text[],
        ${sql.array(records.map((r) => r.targetId))}::text[],
        ${sql.array(records.map((r) => r.changes))}::int[])
      on conflict (day, target_type, target_id) do update set changes = r.changes + excluded.changes`;
  if (seen.length === 0) return;
  await sql`
    insert into actor_seen as s (actor_id, kind, value, events, first_seen, last_seen)
    select * from unnest(
      ${sql.array(seen.map((s) => s.actorId))}::text[],
      ${sql.array(seen.map((s) => s.kind))}::text[],
      ${sql.array(seen.map((s) => s.value))}::text[],
      ${sql.array(seen.map((s) => s.events))}::int[],
      ${sql.array(seen.map((s) => iso(s.first)))}::timestamptz[],
      ${sql.array(seen.map((s) => iso(s.last)))}::timestamptz[])
    on conflict (actor_id, kind, value) do update
      set events = s.events + excluded.events,
          first_seen = least(s.first_seen, excluded.first_seen),
          last_seen = greatest(s.last_seen, excluded.last_seen)`;
}
