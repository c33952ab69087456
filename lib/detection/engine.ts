/**
 * The event pipeline: a transactional cursor over the store's per-stream sequences that runs
 * detection and keeps the rollups (lib/rollups) current, both exactly once per event.
 *
 * Why a cursor and not a job queue (pg-boss, graphile-worker): the store already is an ordered,
 * gapless log per stream (seq is assigned under the stream head's lock, so a committed seq n
 * means every seq below n is committed too). One transaction reads the next events of each
 * stream, runs the detectors, writes the alerts, the detectors' state and the new cursor
 * positions, and commits them together. A crash or restart mid-batch rolls all of it back, and
 * the next run evaluates the same events again from the same state: every (rule, event) is
 * evaluated exactly once and alerts are upserted by their incident key. A queue would need a job
 * per event or batch written on the ingest path (slowing it) and would still need this
 * idempotence. Concurrent workers are safe: a transaction-scoped advisory lock lets one worker
 * run at a time (the others find it taken and wait for the next tick); one worker is fast enough.
 */
import type postgres from 'postgres';
import { rawTransaction, type Database } from '@/db/client';
import { writeAuditEvents } from '@/lib/audit/writer';
import type { DashboardEventInput } from '@/lib/audit/types';
import { DETECTORS } from './detectors';
import { applyRollups } from '@/lib/rollups';
import { neededStateKeys, runDetectors } from './run';
import { readRules, readSettings } from './rules';
import { type DetectionEvent, type Finding, type RuleId, splitStateKey, stateKey } from './types';

const ENGINE_LOCK = 7261010;
/** Events read per stream per transaction. */
export const BATCH_PER_STREAM = 5000;
/** Events linked to one alert at most (alerts.event_count keeps the full number). */
export const MAX_LINKED_EVENTS = 1000;

export const DETECTION_ACTOR = {
  id: 'system:detection',
  name: 'WhoChanged detection',
  email: null,
  type: 'system' as const,
};

export type EventRow = {
  id: string;
  stream_id: string;
  seq: string;
  ms: number;
  action: string;
  outcome: 'success' | 'failure';
  actor_id: string | null;
  actor_name: string | null;
  actor_email: string | null;
  actor_type: DetectionEvent['actorType'];
  actor_ip: string | null;
  actor_user_agent: string | null;
  actor_time_zone: string | null;
  target_type: string | null;
  target_id: string | null;
  target_label: string | null;
  changes: DetectionEvent['changes'];
  metadata: Record<string, unknown>;
};

/** The columns the detectors read (see EventRow). */
export const EVENT_COLUMNS = `id, stream_id, seq, (extract(epoch from occurred_at) * 1000)::float8 as ms, action, outcome,
  actor_id, actor_name, actor_email, actor_type, actor_ip, actor_user_agent, actor_time_zone,
  target_type, target_id, target_label, changes, metadata`;

/** The engine's own output and the triage it records are not evidence of anything to detect. */
export function isDetectable(row: EventRow): boolean {
  return row.actor_type !== 'system' && !row.action.startsWith('alert.');
}

type StreamRow = { id: string; name: string; head_seq: string; cursor: string };

/**
 * Takes the next events of every stream behind the cursor and merges them by time up to a
 * watermark: while a stream has more to read than one batch, events later than its last one
 * read are left for the next round, so the detectors' windows see the streams interleaved in
 * time even when catching up over months. Returns the events (time order) and the new cursors.
 */
function mergeByWatermark(batches: { stream: StreamRow; rows: EventRow[]; full: boolean }[]): {
  rows: EventRow[];
  cursors: Map<string, number>;
} {
  let watermark = Infinity;
  for (const b of batches)
    if (b.full && b.rows.length) watermark = Math.min(watermark, b.rows[b.rows.length - 1]!.ms);
  const cursors = new Map<string, number>();
  const taken: EventRow[] = [];
  for (const b of batches) {
    let n = 0;
    while (n < b.rows.length && b.rows[n]!.ms <= watermark) n++;
    if (n === 0) continue;
    for (let i = 0; i < n; i++) taken.push(b.rows[i]!);
    cursors.set(b.stream.id, Number(b.rows[n - 1]!.seq));
  }
  if (taken.length === 0) {
    // Out-of-order times at the head of every full batch: take one whole batch to move on.
    const b = batches.find((x) => x.rows.length)!;
    taken.push(...b.rows);
    cursors.set(b.stream.id, Number(b.rows[b.rows.length - 1]!.seq));
  }
  taken.sort((a, b) => a.ms - b.ms || Number(a.id) - Number(b.id));
  return { rows: taken, cursors };
}

export function toDetectionEvent(row: EventRow, source: string): DetectionEvent {
  return {
    id: Number(row.id),
    source,
    seq: Number(row.seq),
    occurredAt: row.ms,
    action: row.action,
    outcome: row.outcome,
    actorId: row.actor_id,
    actorName: row.actor_name,
    actorEmail: row.actor_email,
    actorType: row.actor_type,
    actorIp: row.actor_ip,
    actorUserAgent: row.actor_user_agent,
    actorTimeZone: row.actor_time_zone,
    targetType: row.target_type,
    targetId: row.target_id,
    targetLabel: row.target_label,
    changes: row.changes,
    metadata: row.metadata,
  };
}

/** Findings of one incident within a batch, merged into one alert upsert. */
type Incident = {
  finding: Finding;
  actorEmail: string | null;
  eventIds: Set<number>;
  first: number;
  last: number;
};

function groupFindings(findings: Finding[], events: Map<number, DetectionEvent>): Incident[] {
  const byKey = new Map<string, Incident>();
  for (const f of findings) {
    let incident = byKey.get(f.dedupeKey);
    if (!incident) {
      const email =
        f.eventIds
          .map((id) => events.get(id))
          .find((e) => e && e.actorId === f.actorId && e.actorEmail)?.actorEmail ?? null;
      incident = {
        finding: f,
        actorEmail: email,
        eventIds: new Set(),
        first: Infinity,
        last: -Infinity,
      };
      byKey.set(f.dedupeKey, incident);
    } else {
      // The latest finding words the alert (it has the fullest count); severity only rises.
      const severity = SEVERITY_RANK[f.severity] >= SEVERITY_RANK[incident.finding.severity];
      incident.finding = severity ? f : { ...f, severity: incident.finding.severity };
    }
    // Only this batch's events count: a finding may name events of earlier batches (its window),
    // which were counted and linked when their own batch was evaluated. Every event is in
    // exactly one batch, so the alert's event_count stays exact across batches.
    for (const id of f.eventIds) {
      const e = events.get(id);
      if (!e) continue;
      incident.eventIds.add(id);
      incident.first = Math.min(incident.first, e.occurredAt);
      incident.last = Math.max(incident.last, e.occurredAt);
    }
    incident.first = Math.min(incident.first, f.occurredAt);
    incident.last = Math.max(incident.last, f.occurredAt);
  }
  return [...byKey.values()];
}

const SEVERITY_RANK = { low: 0, medium: 1, high: 2, critical: 3 } as const;

export type DetectionRound = {
  evaluated: number;
  alertsRaised: number;
  alertsUpdated: number;
  busy: boolean;
};

/**
 * One round: at most BATCH_PER_STREAM events per stream, all in one transaction. Returns how many
 * events were evaluated (0 when every stream is caught up) and whether another worker held the lock.
 */
export async function runDetectionRound(
  db: Database,
  // For the crash tests: runs inside the transaction just before it commits.
  beforeCommit?: (sql: postgres.TransactionSql) => Promise<void>,
): Promise<DetectionRound> {
  return db.transaction(async (tx) => {
    const sql = rawTransaction(tx);
    const [lock] = await sql<
      { ok: boolean }[]
    >`select pg_try_advisory_xact_lock(${ENGINE_LOCK}) as ok`;
    if (!lock?.ok) return { evaluated: 0, alertsRaised: 0, alertsUpdated: 0, busy: true };

    const streams = await sql<StreamRow[]>`
      select s.id, s.name, s.head_seq, coalesce(c.seq, 0) as cursor
      from audit_streams s left join detection_cursors c on c.stream_id = s.id
      where s.head_seq > coalesce(c.seq, 0)`;
    if (streams.length === 0)
      return { evaluated: 0, alertsRaised: 0, alertsUpdated: 0, busy: false };

    const batches = await Promise.all(
      streams.map(async (stream) => {
        const rows = await sql<EventRow[]>`
          select ${sql.unsafe(EVENT_COLUMNS)} from audit_events
          where stream_id = ${stream.id}::uuid and seq > ${stream.cursor}::bigint
          order by seq limit ${BATCH_PER_STREAM}`;
        return { stream, rows, full: rows.length === BATCH_PER_STREAM };
      }),
    );
    const { rows, cursors } = mergeByWatermark(batches);
    const names = new Map(streams.map((s) => [s.id, s.name]));
    const events = rows
      .filter(isDetectable)
      .map((r) => toDetectionEvent(r, names.get(r.stream_id)!));

    const [rules, stored, admins] = await Promise.all([
      readRules(tx),
      readSettings(tx),
      // The dashboard's own admins grant roles here by design: they count as admins for the
      // privilege rule (their dashboard events carry their user id and e-mail).
      sql<
        { id: string; email: string }[]
      >`select id, email from users where role = 'admin' and active`,
    ]);
    const settings = {
      ...stored,
      adminActors: [...stored.adminActors, ...admins.flatMap((a) => [a.id, a.email])],
    };
    const states = new Map<string, unknown>();
    const needed = neededStateKeys(events, rules, settings).map(splitStateKey);
    if (needed.length) {
      const loaded = await sql<{ rule: string; key: string; state: unknown }[]>`
        select d.rule, d.key, d.state from detection_state d
        join unnest(${sql.array(needed.map((n) => n.rule))}::text[], ${sql.array(needed.map((n) => n.key))}::text[]) as k(rule, key)
          on d.rule = k.rule and d.key = k.key`;
      for (const row of loaded) states.set(stateKey(row.rule as RuleId, row.key), row.state);
    }
    const { findings, changedKeys } = runDetectors(events, rules, settings, states);
    // The rollups count every stored event, the engine's own included.
    await applyRollups(
      sql,
      rows.map((r) => ({
        streamId: r.stream_id,
        occurredAt: r.ms,
        action: r.action,
        actorId: r.actor_id,
        actorIp: r.actor_ip,
        actorUserAgent: r.actor_user_agent,
        actorTimeZone: r.actor_time_zone,
        targetType: r.target_type,
        targetId: r.target_id,
        changes: r.changes,
      })),
      settings,
    );

    if (changedKeys.length) {
      const parts = changedKeys.map(splitStateKey);
      await sql`
        insert into detection_state (rule, key, state)
        select * from unnest(${sql.array(parts.map((p) => p.rule))}::text[], ${sql.array(parts.map((p) => p.key))}::text[],
          ${sql.array(changedKeys.map((k) => JSON.stringify(states.get(k))))}::jsonb[])
        on conflict (rule, key) do update set state = excluded.state`;
    }

    const byId = new Map(events.map((e) => [e.id, e]));
    const incidents = groupFindings(findings, byId);
    let raised = 0;
    const raisedEvents: DashboardEventInput[] = [];
    for (const incident of incidents) {
      const f = incident.finding;
      const [alert] = await sql<{ id: string; inserted: boolean; event_count: number }[]>`
        insert into alerts as a (rule, severity, dedupe_key, actor_id, actor_name, actor_email, target_type, target_id,
          target_label, summary, details, event_count, first_event_at, last_event_at)
        values (${f.rule}, ${f.severity}, ${f.dedupeKey}, ${f.actorId}, ${f.actorName}, ${incident.actorEmail},
          ${f.targetType}, ${f.targetId}, ${f.targetLabel}, ${f.summary}, ${JSON.stringify(f.details)}::jsonb,
          ${incident.eventIds.size}, ${new Date(incident.first).toISOString()}::timestamptz, ${new Date(incident.last).toISOString()}::timestamptz)
        on conflict (dedupe_key) do update set
          event_count = a.event_count + excluded.event_count,
          first_event_at = least(a.first_event_at, excluded.first_event_at),
          last_event_at = greatest(a.last_event_at, excluded.last_event_at),
          summary = excluded.summary,
          details = excluded.details,
          severity = case
            when array_position(array['low','medium','high','critical'], excluded.severity)
               > array_position(array['low','medium','high','critical'], a.severity)
            then excluded.severity else a.severity end,
          updated_at = now()
        returning id, (xmax = 0) as inserted, event_count`;
      if (!alert) continue;
      const linked = [...incident.eventIds];
      const room = MAX_LINKED_EVENTS - (alert.event_count - linked.length);
      if (room > 0) {
        const ids = linked.slice(0, room);
        await sql`
          insert into alert_events (alert_id, event_id, occurred_at)
          select ${alert.id}::bigint, e.id, to_timestamp(e.ms / 1000.0)
          from unnest(${sql.array(ids.map(String))}::bigint[], ${sql.array(ids.map((id) => String(byId.get(id)?.occurredAt ?? incident.first)))}::float8[]) as e(id, ms)
          on conflict do nothing`;
      }
      if (alert.inserted) {
        raised++;
        raisedEvents.push({
          action: 'alert.raise',
          actor: DETECTION_ACTOR,
          context: { ip: null, userAgent: null, requestId: null },
          target: { type: 'alert', id: alert.id, label: f.summary.slice(0, 200) },
          metadata: {
            rule: f.rule,
            severity: f.severity,
            subject: f.actorId,
            events: linked.length,
          },
        });
      }
    }
    if (raisedEvents.length) await writeAuditEvents(tx, raisedEvents);

    const ids = [...cursors.keys()];
    await sql`
      insert into detection_cursors (stream_id, seq)
      select * from unnest(${sql.array(ids)}::uuid[], ${sql.array(ids.map((id) => String(cursors.get(id))))}::bigint[])
      on conflict (stream_id) do update set seq = excluded.seq, updated_at = now()`;
    await beforeCommit?.(sql);
    return {
      evaluated: rows.length,
      alertsRaised: raised,
      alertsUpdated: incidents.length - raised,
      busy: false,
    };
  });
}

/** Runs rounds until every stream is caught up. Returns the number of events evaluated. */
export async function catchUp(
  db: Database,
  onRound?: (round: DetectionRound) => void,
): Promise<number> {
  let total = 0;
  for (;;) {
    const round = await runDetectionRound(db);
    onRound?.(round);
    total += round.evaluated;
    if (round.evaluated === 0) return total;
  }
}

/**
 * Keeps detection running in the background of the server: catches up at start (after
 * downtime), then polls every `intervalMs` for new events. Errors are logged and retried.
 */
export function startDetectionLoop(
  db: Database,
  options: {
    intervalMs?: number;
    log?: (message: string) => void;
    /** After each catch-up that evaluated events. */
    onCaughtUp?: (events: number, seconds: number) => void;
  } = {},
): { stop: () => Promise<void> } {
  const interval = options.intervalMs ?? 250;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const tick = async () => {
    try {
      const started = performance.now();
      const events = await catchUp(db);
      if (events > 0) options.onCaughtUp?.(events, (performance.now() - started) / 1000);
    } catch (error) {
      options.log?.(`detection round failed (will retry): ${(error as Error).message}`);
    }
    if (!stopped) timer = setTimeout(() => (running = tick()), interval);
  };
  running = tick();
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

export { DETECTORS };
