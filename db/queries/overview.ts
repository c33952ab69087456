import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { db } from '@/db';

/**
 * The overview's reads. Every chart comes from the rollups the event pipeline keeps current
 * (activity_hourly, field_daily, record_daily; lib/rollups) and from the alerts table; none of
 * these functions scans audit_events. The only reads of audit_events are index probes for the
 * names of at most 30 actors and the labels of at most 10 records (one row each, by the
 * (actor_id, occurred_at) and (target_type, target_id, occurred_at) indexes).
 *
 * activity_hourly is read twice per page: once over the range for the chart by source, and
 * once over the baseline window and the range, by actor and hour of the week, for the heatmap,
 * the totals and the actors.
 */

export type Bucket = 'hour' | 'day' | 'week' | 'month';

/** The range and the windows before it, as ISO instants / UTC days (see range.ts). */
export type OverviewWindow = {
  from: string;
  to: string;
  prevFrom: string;
  baseFrom: string;
  fromDay: string;
  toDay: string;
  bucket: Bucket;
};

export type StreamInfo = { id: string; name: string; kind: 'dashboard' | 'source' };

/** Every stream (the dashboard's own and one per source): names for the by-source chart. */
export async function listStreams(): Promise<StreamInfo[]> {
  const rows = await db.execute<StreamInfo>(
    sql`select id::text as id, name, kind from audit_streams order by name`,
  );
  return [...rows];
}

export type Counts = {
  /** In the range. */
  events: number;
  changes: number;
  offChanges: number;
  /** In the previous period of the same length. */
  prevEvents: number;
  prevOffChanges: number;
  /** In the baseline window before the range (at least 28 days; includes the previous period). */
  baseEvents: number;
  baseChanges: number;
  baseOffChanges: number;
};

const NO_COUNTS: Counts = {
  events: 0,
  changes: 0,
  offChanges: 0,
  prevEvents: 0,
  prevOffChanges: 0,
  baseEvents: 0,
  baseChanges: 0,
  baseOffChanges: 0,
};

/** Thresholds for "unusual" (an actor, or an actor's hour of the week, against their baseline). */
export const UNUSUAL = {
  /** At least this many changes… */
  min: 3,
  /** …at least this many times what the baseline predicts… */
  ratio: 2,
  /** …and a Poisson-style z of at least this for the actor (cells: `cellZ`). */
  z: 4,
  cellZ: 3,
  /** The baseline must reach back this far before the range, or nothing is judged. */
  minHistoryDays: 7,
} as const;

export type UnusualCell = {
  day: number;
  hour: number;
  actorId: string;
  mode: 'off' | 'all';
  /** Their changes (outside working hours, for `off`) in this hour of the week, and expected. */
  value: number;
  expected: number;
};

export type ActivityOverview = {
  /** All activity (the heatmap's cells summed). */
  totals: Counts;
  /**
   * All events now ÷ all events in the baseline window: what scales a baseline into an
   * expectation. Null when there is not enough history before the range to judge "unusual".
   */
  scale: number | null;
  /** Hour of week in each actor's own zone (ISO day 1-7, hour 0-23); cells with no rows left out. */
  heatmap: ({ day: number; hour: number } & Counts)[];
  /** The 10 actors with the most changes (then events) in the range. */
  topActors: ({ actorId: string } & Counts)[];
  /** The 10 actors whose activity departs most from their own baseline share (see below). */
  unusualActors: ({ actorId: string; expected: number; score: number } & Counts)[];
  /**
   * Hours of the week where one person's changes jump against their own history: the actor's
   * changes in the range are unusual against their baseline, and so are their changes in that
   * hour of the week against their own baseline there. Judged per person so that a nightly job
   * that always runs does not flag its hours, and one person's 02:00 edits do.
   */
  unusualCells: UnusualCell[];
};

type CountRow = {
  events: number;
  changes: number;
  off_changes: number;
  prev_events: number;
  prev_off_changes: number;
  base_events: number;
  base_changes: number;
  base_off_changes: number;
};

const counts = (r: CountRow): Counts => ({
  events: r.events,
  changes: r.changes,
  offChanges: r.off_changes,
  prevEvents: r.prev_events,
  prevOffChanges: r.prev_off_changes,
  baseEvents: r.base_events,
  baseChanges: r.base_changes,
  baseOffChanges: r.base_off_changes,
});

const z = (value: number, expected: number) => (value - expected) / Math.sqrt(expected + 1);
const unusual = (value: number, expected: number, minZ: number) =>
  value >= UNUSUAL.min && value >= UNUSUAL.ratio * expected && z(value, expected) >= minZ;

/**
 * The heatmap, totals, top and unusual actors, and unusual hours: one read of activity_hourly
 * over [baseFrom, to), grouped by actor and hour of the week, then summed by hour of the week
 * and by actor.
 * Only the rows the page shows come back (at most 168 cells, a few dozen actors, and the hours
 * of the actors flagged as unusual).
 *
 * Baselines are scaled by how busy everyone was (expected = baseline × all events now ÷ all
 * events in the baseline window), so a busier month flags nothing by itself. An actor's score is
 * (actual − expected) ÷ √(expected + 1), a Poisson-style z.
 */
export async function getActivityOverview(
  w: Pick<OverviewWindow, 'from' | 'to' | 'prevFrom' | 'baseFrom'>,
): Promise<ActivityOverview> {
  const from = sql`${w.from}::timestamptz`;
  const prevFrom = sql`${w.prevFrom}::timestamptz`;
  // The dashboard's own machinery (system:detection raising alerts, system:demo, …) is no person
  // to judge: it is listed among the top actors but never called unusual.
  const flag = (value: string, base: string) =>
    sql.raw(`(s.scale is not null and g.actor_id not like 'system:%' and ${value} >= ${UNUSUAL.min}
      and ${value} >= ${UNUSUAL.ratio} * ${base} * s.scale
      and (${value} - ${base} * s.scale) / sqrt(${base} * s.scale + 1) >= ${UNUSUAL.z})`);
  const countColumns = sql.raw(
    'events, changes, off_changes, prev_events, prev_off_changes, base_events, base_changes, base_off_changes',
  );
  const rows = await db.execute<
    CountRow & {
      kind: 'cell' | 'actor' | 'actor_cell';
      local_dow: number | null;
      local_hour: number | null;
      actor_id: string | null;
      scale: number | null;
      off_flag: boolean;
      all_flag: boolean;
    }
  >(sql`
    with ac as materialized (
      -- By actor and hour of the week first (one hash table, parallel): a few thousand rows
      -- from which the cells and the actors are summed below.
      select actor_id, local_dow::int as local_dow, local_hour::int as local_hour,
             coalesce(sum(events) filter (where hour >= ${from}), 0)::float8 as events,
             coalesce(sum(changes) filter (where hour >= ${from}), 0)::float8 as changes,
             coalesce(sum(changes) filter (where hour >= ${from} and off_hours), 0)::float8 as off_changes,
             coalesce(sum(events) filter (where hour < ${from} and hour >= ${prevFrom}), 0)::float8 as prev_events,
             coalesce(sum(changes) filter (where hour < ${from} and hour >= ${prevFrom} and off_hours), 0)::float8 as prev_off_changes,
             coalesce(sum(events) filter (where hour < ${from}), 0)::float8 as base_events,
             coalesce(sum(changes) filter (where hour < ${from}), 0)::float8 as base_changes,
             coalesce(sum(changes) filter (where hour < ${from} and off_hours), 0)::float8 as base_off_changes
        from activity_hourly
       where hour >= ${w.baseFrom}::timestamptz and hour < ${w.to}::timestamptz
       group by 1, 2, 3
    ), g as (
      select grouping(local_dow, local_hour, actor_id) as set_id, local_dow, local_hour, actor_id,
             sum(events) as events, sum(changes) as changes, sum(off_changes) as off_changes,
             sum(prev_events) as prev_events, sum(prev_off_changes) as prev_off_changes,
             sum(base_events) as base_events, sum(base_changes) as base_changes,
             sum(base_off_changes) as base_off_changes
        from ac group by grouping sets ((local_dow, local_hour), (actor_id))
    ), s as (
      -- The history must reach back minHistoryDays before the range (min(hour) is the
      -- primary key's first entry, one index probe).
      select case when sum(base_events) > 0
                   and (select min(hour) from activity_hourly)
                       <= ${from} - ${UNUSUAL.minHistoryDays}::int * interval '1 day'
                  then sum(events) / sum(base_events) end as scale
        from g where set_id = 1
    ), a as (
      select g.*, s.scale,
             (g.events - coalesce(g.base_events * s.scale, 0))
               / sqrt(coalesce(g.base_events * s.scale, 0) + 1) as score,
             ${flag('g.off_changes', 'g.base_off_changes')} as off_flag,
             ${flag('g.changes', 'g.base_changes')} as all_flag
        from g, s where g.set_id = 6 and g.actor_id <> ''
    ), picked as (
      (select actor_id from a where events > 0 order by changes desc, events desc, actor_id limit 10)
      union
      (select actor_id from a where scale is not null and actor_id not like 'system:%'
        order by abs(score) desc, actor_id limit 10)
      union
      (select actor_id from a where off_flag or all_flag order by score desc, actor_id limit 20)
    )
    select 'cell' as kind, g.local_dow, g.local_hour, null as actor_id, s.scale,
           false as off_flag, false as all_flag, ${countColumns}
      from g, s where g.set_id = 1
    union all
    select 'actor', null, null, a.actor_id, a.scale, a.off_flag, a.all_flag, ${countColumns}
      from a where a.actor_id in (select actor_id from picked)
    union all
    select 'actor_cell', ac.local_dow, ac.local_hour, ac.actor_id, null, a.off_flag, a.all_flag,
           ac.events, ac.changes, ac.off_changes, ac.prev_events, ac.prev_off_changes,
           ac.base_events, ac.base_changes, ac.base_off_changes
      from ac join a on a.actor_id = ac.actor_id
     where a.actor_id in (select actor_id from picked)
       and ((a.off_flag and ac.off_changes > 0) or (a.all_flag and ac.changes > 0))`);

  const heatmap: ActivityOverview['heatmap'] = [];
  const actors: ({ actorId: string } & Counts)[] = [];
  const unusualCells: UnusualCell[] = [];
  const totals = { ...NO_COUNTS };
  let scale: number | null = null;
  for (const r of rows) {
    const c = counts(r);
    if (r.kind === 'cell') {
      scale = r.scale;
      heatmap.push({ day: r.local_dow!, hour: r.local_hour!, ...c });
      for (const k of Object.keys(totals) as (keyof Counts)[]) totals[k] += c[k];
    } else if (r.kind === 'actor') actors.push({ actorId: r.actor_id!, ...c });
    else {
      // An hour of a flagged actor's week: unusual if it is, against their own baseline there.
      const cell = { day: r.local_dow!, hour: r.local_hour!, actorId: r.actor_id! };
      const off = { value: c.offChanges, expected: c.baseOffChanges };
      const all = { value: c.changes, expected: c.baseChanges };
      for (const [mode, on, v] of [
        ['off', r.off_flag, off],
        ['all', r.all_flag, all],
      ] as const)
        if (on) unusualCells.push({ ...cell, mode, value: v.value, expected: v.expected });
    }
  }
  // Actor-cell baselines are scaled once the scale is known (it comes with the cell rows).
  const judged = unusualCells
    .map((u) => ({ ...u, expected: u.expected * (scale ?? 0) }))
    .filter((u) => scale !== null && unusual(u.value, u.expected, UNUSUAL.cellZ));
  const topActors = actors
    .filter((a) => a.events > 0)
    .sort(
      (a, b) => b.changes - a.changes || b.events - a.events || a.actorId.localeCompare(b.actorId),
    )
    .slice(0, 10);
  const unusualActors =
    scale === null
      ? []
      : actors
          .filter((a) => !a.actorId.startsWith('system:'))
          .map((a) => {
            const expected = a.baseEvents * scale!;
            return { ...a, expected, score: z(a.events, expected) };
          })
          .sort(
            (a, b) => Math.abs(b.score) - Math.abs(a.score) || a.actorId.localeCompare(b.actorId),
          )
          .slice(0, 10);
  heatmap.sort((a, b) => a.day - b.day || a.hour - b.hour);
  judged.sort((a, b) => z(b.value, b.expected) - z(a.value, a.expected));
  return { totals, scale, heatmap, topActors, unusualActors, unusualCells: judged };
}

/** The bucket a timestamp falls in (UTC; the dashboard's sessions run in UTC, see db/client.ts). */
function bucketOf(column: SQL, bucket: Bucket): SQL {
  switch (bucket) {
    case 'hour':
      return sql`date_bin('1 hour', ${column}, timestamptz '2000-01-03')`;
    case 'day':
      return sql`date_bin('1 day', ${column}, timestamptz '2000-01-03')`;
    // 2000-01-03 was a Monday: ISO weeks.
    case 'week':
      return sql`date_bin('7 days', ${column}, timestamptz '2000-01-03')`;
    case 'month':
      return sql`date_trunc('month', ${column}, 'UTC')`;
  }
}
const epochMs = (column: SQL) => sql`extract(epoch from ${column})::float8 * 1000`;

/** Events per bucket and stream over the range (empty buckets left out). */
export async function listActivityByStream(
  w: Pick<OverviewWindow, 'from' | 'to' | 'bucket'>,
): Promise<{ bucket: number; streamId: string; events: number }[]> {
  // Grouped first, converted after: the bucket's epoch is computed once per group, not per row.
  const rows = await db.execute<{ bucket: number; stream_id: string; events: number }>(sql`
    select ${epochMs(sql`b`)} as bucket, stream_id::text as stream_id, events
      from (select ${bucketOf(sql`hour`, w.bucket)} as b, stream_id, sum(events)::float8 as events
              from activity_hourly
             where hour >= ${w.from}::timestamptz and hour < ${w.to}::timestamptz
             group by 1, 2) g
     order by 1, 2`);
  return rows.map((r) => ({ bucket: r.bucket, streamId: r.stream_id, events: r.events }));
}

export type ActorName = {
  actorId: string;
  name: string | null;
  email: string | null;
  type: string | null;
};

/**
 * Display names for a few actors (at most 30): each actor's newest event by the
 * (actor_id, occurred_at) index, one probe per actor, never a scan.
 */
export async function listActorNames(actorIds: string[]): Promise<ActorName[]> {
  const ids = [...new Set(actorIds)].slice(0, 30);
  if (ids.length === 0) return [];
  const rows = await db.execute<{
    actor_id: string;
    name: string | null;
    email: string | null;
    type: string | null;
  }>(sql`
    select a.id as actor_id, e.actor_name as name, e.actor_email as email, e.actor_type as type
      from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb) as a(id)
      left join lateral (
        select actor_name, actor_email, actor_type from audit_events
         where actor_id = a.id order by occurred_at desc limit 1) e on true`);
  return rows.map((r) => ({ actorId: r.actor_id, name: r.name, email: r.email, type: r.type }));
}

export type TopField = { field: string; changes: number };

/** The fields changed most often over the UTC days [fromDay, toDay) (field_daily). */
export async function listTopFields(
  w: Pick<OverviewWindow, 'fromDay' | 'toDay'>,
  limit = 10,
): Promise<TopField[]> {
  const rows = await db.execute<{ field: string; changes: number }>(sql`
    select field, sum(changes)::float8 as changes from field_daily
     where day >= ${w.fromDay}::date and day < ${w.toDay}::date
     group by field order by 2 desc, 1 limit ${limit}`);
  return rows.map((r) => ({ field: r.field, changes: r.changes }));
}

export type TopRecord = {
  targetType: string;
  targetId: string;
  label: string | null;
  changes: number;
};

/** How many records each heavy-hitter pass checks exactly (see listTopRecords). */
const RECORD_CANDIDATES = 100;
/** The "busy day" thresholds the heavy-hitter passes try, most selective first. */
const BUSY_DAY_THRESHOLDS = [16, 4, 2] as const;

/**
 * The records changed most often over the UTC days [fromDay, toDay) (record_daily), exactly.
 *
 * record_daily holds one row per record and day, and at scale most records change once on a
 * day or two (10 million demo events: 2.5 million rows in 90 days, 2.2 million of them a single
 * change), so grouping every row by record costs far more than the rest of the overview
 * together. Instead, for each threshold k (16, then 4, then 2) until one decides:
 *  1. candidates: the records with the most changes counted only on their busy days (k or more
 *     changes), found by the (changes, day) index without touching the quiet rows;
 *  2. each candidate's exact total, by primary-key probes (day, type, id);
 *  3. the check: a record outside the candidates has at most (the best busy-day sum left out) +
 *     (k − 1) × (days in the range − 1) changes, or (k − 1) × days if it had no busy day. If
 *     the limit-th exact total beats that bound, no record left out can reach the list.
 * If no threshold decides (flat data, small stores), the plain grouping of every row does.
 */
export async function listTopRecords(
  w: Pick<OverviewWindow, 'fromDay' | 'toDay'>,
  limit = 10,
  candidateCount = RECORD_CANDIDATES,
): Promise<TopRecord[]> {
  const days = Math.round((Date.parse(w.toDay) - Date.parse(w.fromDay)) / 86_400_000);
  const inRange = sql`day >= ${w.fromDay}::date and day < ${w.toDay}::date`;
  let top: { target_type: string; target_id: string; changes: number }[] = [];
  for (const k of BUSY_DAY_THRESHOLDS) {
    const busy = await db.execute<{ target_type: string; target_id: string; busy: number }>(sql`
      select target_type, target_id, sum(changes)::float8 as busy from record_daily
       where ${inRange} and changes >= ${k}::int
       group by 1, 2 order by 3 desc, 1, 2 limit ${candidateCount + 1}`);
    const candidates = busy.slice(0, candidateCount);
    if (candidates.length < limit) continue;
    const leftOut = busy[candidateCount]?.busy ?? 0;
    const keys = JSON.stringify(candidates.map((c) => [c.target_type, c.target_id]));
    const exact = await db.execute<{ target_type: string; target_id: string; changes: number }>(sql`
      select c.t as target_type, c.i as target_id, sum(r.changes)::float8 as changes
        from (select k->>0 as t, k->>1 as i from jsonb_array_elements(${keys}::jsonb) k) c
        cross join generate_series(${w.fromDay}::date, ${w.toDay}::date - 1, interval '1 day') d
        join record_daily r on r.day = d::date and r.target_type = c.t and r.target_id = c.i
       group by 1, 2 order by 3 desc, 1, 2 limit ${limit}`);
    const bound = Math.max((k - 1) * days, leftOut + (k - 1) * (days - 1));
    if (exact.length === limit && exact[limit - 1]!.changes > bound) {
      top = exact;
      break;
    }
  }
  if (top.length === 0) {
    top = await db.execute<{ target_type: string; target_id: string; changes: number }>(sql`
      select target_type, target_id, sum(changes)::float8 as changes from record_daily
       where ${inRange} group by 1, 2 order by 3 desc, 1, 2 limit ${limit}`);
  }
  if (top.length === 0) return [];
  const keys = JSON.stringify(top.map((t) => [t.target_type, t.target_id]));
  const labels = await db.execute<{ target_type: string; target_id: string; label: string | null }>(
    sql`
      select c.t as target_type, c.i as target_id, e.target_label as label
        from (select k->>0 as t, k->>1 as i from jsonb_array_elements(${keys}::jsonb) k) c
        left join lateral (
          select target_label from audit_events
           where target_type = c.t and target_id = c.i order by occurred_at desc limit 1) e on true`,
  );
  const label = new Map(labels.map((l) => [`${l.target_type}/${l.target_id}`, l.label]));
  return top.map((r) => ({
    targetType: r.target_type,
    targetId: r.target_id,
    label: label.get(`${r.target_type}/${r.target_id}`) ?? null,
    changes: r.changes,
  }));
}

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export type AlertFigures = {
  /** Not resolved now, by severity. */
  openBySeverity: Record<Severity, number>;
  raised: number;
  prevRaised: number;
  resolved: number;
  /** Medians (seconds) over the alerts first acknowledged / resolved in the range; null if none. */
  ackMedianSeconds: number | null;
  resolveMedianSeconds: number | null;
  /** Alerts raised in the range whose review is decided: acknowledged, or past the target. */
  reviewDue: number;
  /** ... of which acknowledged within the target. */
  reviewedInTime: number;
  /** Open alerts (not acknowledged) waiting longer than the target now. */
  overdue: number;
};

/** The alert headline figures: one pass over the alerts table (small; no event reads). */
export async function getAlertFigures(
  w: Pick<OverviewWindow, 'from' | 'to' | 'prevFrom'>,
  reviewHours: number,
): Promise<AlertFigures> {
  const target = sql`(${reviewHours}::int * interval '1 hour')`;
  const from = sql`${w.from}::timestamptz`;
  const to = sql`${w.to}::timestamptz`;
  const [row] = await db.execute<{
    low: number;
    medium: number;
    high: number;
    critical: number;
    raised: number;
    prev_raised: number;
    resolved: number;
    ack_median: number | null;
    resolve_median: number | null;
    due: number;
    in_time: number;
    overdue: number;
  }>(sql`
    select
      count(*) filter (where status <> 'resolved' and severity = 'low')::int as low,
      count(*) filter (where status <> 'resolved' and severity = 'medium')::int as medium,
      count(*) filter (where status <> 'resolved' and severity = 'high')::int as high,
      count(*) filter (where status <> 'resolved' and severity = 'critical')::int as critical,
      count(*) filter (where created_at >= ${from} and created_at < ${to})::int as raised,
      count(*) filter (where created_at >= ${w.prevFrom}::timestamptz and created_at < ${from})::int as prev_raised,
      (select count(*)::int from alert_resolutions where resolved_at >= ${from} and resolved_at < ${to}) as resolved,
      percentile_cont(0.5) within group (order by extract(epoch from acknowledged_at - created_at))
        filter (where acknowledged_at >= ${from} and acknowledged_at < ${to}) as ack_median,
      percentile_cont(0.5) within group (order by extract(epoch from resolved_at - created_at))
        filter (where resolved_at >= ${from} and resolved_at < ${to}) as resolve_median,
      count(*) filter (where created_at >= ${from} and created_at < ${to}
        and (acknowledged_at is not null or created_at + ${target} <= now()))::int as due,
      count(*) filter (where created_at >= ${from} and created_at < ${to}
        and acknowledged_at <= created_at + ${target})::int as in_time,
      count(*) filter (where status = 'open' and created_at + ${target} <= now())::int as overdue
    from alerts`);
  return {
    openBySeverity: {
      low: row?.low ?? 0,
      medium: row?.medium ?? 0,
      high: row?.high ?? 0,
      critical: row?.critical ?? 0,
    },
    raised: row?.raised ?? 0,
    prevRaised: row?.prev_raised ?? 0,
    resolved: row?.resolved ?? 0,
    ackMedianSeconds: row?.ack_median ?? null,
    resolveMedianSeconds: row?.resolve_median ?? null,
    reviewDue: row?.due ?? 0,
    reviewedInTime: row?.in_time ?? 0,
    overdue: row?.overdue ?? 0,
  };
}

/** Upper bounds (hours) of the time-to-resolve bins; the last bin is everything longer. */
export const RESOLVE_BINS_HOURS = [1, 4, 24, 72, 168, 720] as const;

export type AlertTrends = {
  /** Alerts raised per bucket and rule (created_at). */
  raised: { bucket: number; rule: string; alerts: number }[];
  /** Resolutions per bucket (each time an alert was resolved, including later reopened ones). */
  resolved: { bucket: number; alerts: number }[];
  /** Reopens per bucket (each resolution undone). */
  reopened: { bucket: number; alerts: number }[];
  /** Alerts open (not resolved) at the start of the range. */
  backlogAtStart: number;
  /**
   * Alerts resolved in the range by time to resolve: bin 0 is under RESOLVE_BINS_HOURS[0],
   * bin i is [RESOLVE_BINS_HOURS[i-1], RESOLVE_BINS_HOURS[i]), the last bin everything longer.
   */
  resolveBins: number[];
  /** Alerts whose incident began in the range, per bucket of its first event: chart markers. */
  markers: {
    bucket: number;
    alerts: number;
    maxSeverity: Severity;
    rules: string[];
    firstId: number;
  }[];
  /** The most severe alerts whose incident began in the range (newest first within severity). */
  list: {
    id: number;
    rule: string;
    severity: Severity;
    status: string;
    actorId: string | null;
    actorName: string | null;
    summary: string;
    firstEventAt: string;
  }[];
};

const SEVERITY_ORDER = sql`array_position(array['low','medium','high','critical'], severity)`;

/** Alert trends for the range (alerts table only). Bucket starts are epoch ms, UTC. */
export async function getAlertTrends(w: OverviewWindow, listLimit = 20): Promise<AlertTrends> {
  const from = sql`${w.from}::timestamptz`;
  const to = sql`${w.to}::timestamptz`;
  const bucket = (column: string) => epochMs(bucketOf(sql.raw(column), w.bucket));
  const [series, summary, list] = await Promise.all([
    db.execute<{
      kind: 'raised' | 'resolved' | 'reopened' | 'marker';
      bucket: number;
      rule: string | null;
      alerts: number;
      max_severity: Severity | null;
      rules: string[] | null;
      first_id: number | null;
    }>(sql`
      select 'raised' as kind, ${bucket('created_at')} as bucket, rule, count(*)::int as alerts,
             null as max_severity, null::text[] as rules, null::int as first_id
        from alerts where created_at >= ${from} and created_at < ${to} group by 2, 3
      union all
      select 'resolved', ${bucket('resolved_at')}, null, count(*)::int, null, null, null
        from alert_resolutions where resolved_at >= ${from} and resolved_at < ${to} group by 2
      union all
      select 'reopened', ${bucket('reopened_at')}, null, count(*)::int, null, null, null
        from alert_resolutions where reopened_at >= ${from} and reopened_at < ${to} group by 2
      union all
      select 'marker', ${bucket('first_event_at')}, null, count(*)::int,
             (array['low','medium','high','critical'])[max(${SEVERITY_ORDER})],
             array_agg(distinct rule order by rule), min(id)::int
        from alerts where first_event_at >= ${from} and first_event_at < ${to} group by 2`),
    db.execute<{ backlog: number; bins: [number, number][] }>(sql`
      select
        (select count(*)::int from alerts where created_at < ${from})
        - (select count(*)::int from alert_resolutions
            where resolved_at < ${from} and (reopened_at is null or reopened_at >= ${from})) as backlog,
        (select coalesce(json_agg(json_build_array(bin, n)), '[]') from (
          select width_bucket(extract(epoch from resolved_at - created_at) / 3600,
                              ${sql.raw(`array[${RESOLVE_BINS_HOURS.join(',')}]::float8[]`)}) as bin,
                 count(*)::int as n
            from alerts where resolved_at >= ${from} and resolved_at < ${to} group by 1) b) as bins`),
    db.execute<{
      id: number;
      rule: string;
      severity: Severity;
      status: string;
      actor_id: string | null;
      actor_name: string | null;
      summary: string;
      first_event_at: string;
    }>(sql`
      select id::int as id, rule, severity, status, actor_id, actor_name, summary,
             to_char(first_event_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as first_event_at
        from alerts where first_event_at >= ${from} and first_event_at < ${to}
       order by ${SEVERITY_ORDER} desc, first_event_at desc, id desc limit ${listLimit}`),
  ]);
  const bins = new Array<number>(RESOLVE_BINS_HOURS.length + 1).fill(0);
  for (const [bin, n] of summary[0]?.bins ?? [])
    bins[Math.min(bin, RESOLVE_BINS_HOURS.length)]! += n;
  const trends: AlertTrends = {
    raised: [],
    resolved: [],
    reopened: [],
    backlogAtStart: summary[0]?.backlog ?? 0,
    resolveBins: bins,
    markers: [],
    list: list.map((r) => ({
      id: r.id,
      rule: r.rule,
      severity: r.severity,
      status: r.status,
      actorId: r.actor_id,
      actorName: r.actor_name,
      summary: r.summary,
      firstEventAt: r.first_event_at,
    })),
  };
  for (const r of series) {
    if (r.kind === 'raised')
      trends.raised.push({ bucket: r.bucket, rule: r.rule!, alerts: r.alerts });
    else if (r.kind === 'resolved') trends.resolved.push({ bucket: r.bucket, alerts: r.alerts });
    else if (r.kind === 'reopened') trends.reopened.push({ bucket: r.bucket, alerts: r.alerts });
    else
      trends.markers.push({
        bucket: r.bucket,
        alerts: r.alerts,
        maxSeverity: r.max_severity!,
        rules: r.rules ?? [],
        firstId: r.first_id!,
      });
  }
  for (const list of [trends.raised, trends.resolved, trends.reopened, trends.markers])
    list.sort((a, b) => a.bucket - b.bucket);
  return trends;
}
