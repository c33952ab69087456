/**
 * Backtest: what a rule with proposed settings would have raised over the last 30 days, before
 * anyone saves it. Runs the same detector code as the engine, in memory, from empty state, over
 * the stored events in time order. Nothing is written.
 */
import type postgres from 'postgres';
import { EVENT_COLUMNS, isDetectable, toDetectionEvent, type EventRow } from './engine';
import { defaultRules, runDetectors } from './run';
import type { DetectionSettings, RuleConfig, RuleId, Severity } from './types';

export const BACKTEST_DAYS = 30;
/** Most events a backtest reads (the latest ones in the window), so it answers in seconds. */
export const BACKTEST_MAX_EVENTS = 400_000;
const CHUNK = 10_000;

export type BacktestIncident = {
  dedupeKey: string;
  severity: Severity;
  summary: string;
  actorId: string | null;
  actorName: string | null;
  first: number;
  last: number;
  events: number;
  /** An alert with this incident key exists already (raised under the current settings). */
  alreadyRaised: boolean;
};

export type BacktestResult = {
  rule: RuleId;
  from: number;
  to: number;
  evaluated: number;
  capped: boolean;
  incidents: BacktestIncident[];
  /** Alerts of this rule raised in the window under the current settings. */
  currentAlerts: number;
  seconds: number;
};

export async function backtestRule(
  sql: postgres.Sql | postgres.TransactionSql,
  rule: RuleId,
  config: RuleConfig,
  settings: DetectionSettings,
  now = new Date(),
): Promise<BacktestResult> {
  const started = performance.now();
  const to = now.getTime();
  let from = to - BACKTEST_DAYS * 86_400_000;
  // When the window holds more than the cap, start where the latest BACKTEST_MAX_EVENTS begin.
  const [edge] = await sql<{ ms: number }[]>`
    select (extract(epoch from occurred_at) * 1000)::float8 as ms from audit_events
    where occurred_at > ${new Date(from).toISOString()}::timestamptz and occurred_at <= ${now.toISOString()}::timestamptz
    order by occurred_at desc offset ${BACKTEST_MAX_EVENTS} limit 1`;
  const capped = !!edge;
  if (edge) from = edge.ms;

  const streams = new Map(
    (await sql<{ id: string; name: string }[]>`select id, name from audit_streams`).map((s) => [
      s.id,
      s.name,
    ]),
  );
  const rules = defaultRules();
  for (const id of Object.keys(rules) as RuleId[]) rules[id] = { ...rules[id], enabled: false };
  rules[rule] = { ...config, enabled: true };

  const states = new Map<string, unknown>();
  const incidents = new Map<string, BacktestIncident>();
  let evaluated = 0;
  let cursor: { ms: number; id: string } | null = null;
  for (;;) {
    const after: postgres.PendingQuery<postgres.Row[]> | postgres.Fragment = cursor
      ? sql`and (occurred_at, id) > (to_timestamp(${cursor.ms} / 1000.0), ${cursor.id}::bigint)`
      : sql`and occurred_at > to_timestamp(${from} / 1000.0)`;
    const rows: EventRow[] = await sql<EventRow[]>`
      select ${sql.unsafe(EVENT_COLUMNS)} from audit_events
      where occurred_at <= ${now.toISOString()}::timestamptz ${after}
      order by occurred_at, id limit ${CHUNK}`;
    if (rows.length === 0) break;
    const last: EventRow = rows[rows.length - 1]!;
    cursor = { ms: last.ms, id: last.id };
    const events = rows
      .filter(isDetectable)
      .map((r) => toDetectionEvent(r, streams.get(r.stream_id) ?? r.stream_id));
    evaluated += rows.length;
    const { findings } = runDetectors(events, rules, settings, states);
    for (const f of findings) {
      const seen = incidents.get(f.dedupeKey);
      if (seen) {
        seen.summary = f.summary;
        seen.severity = f.severity;
        seen.last = Math.max(seen.last, f.occurredAt);
        seen.first = Math.min(seen.first, f.occurredAt);
        seen.events += f.eventIds.length;
      } else {
        incidents.set(f.dedupeKey, {
          dedupeKey: f.dedupeKey,
          severity: f.severity,
          summary: f.summary,
          actorId: f.actorId,
          actorName: f.actorName,
          first: f.occurredAt,
          last: f.occurredAt,
          events: f.eventIds.length,
          alreadyRaised: false,
        });
      }
    }
    if (rows.length < CHUNK) break;
  }

  const keys = [...incidents.keys()];
  if (keys.length) {
    const existing = await sql<{ dedupe_key: string }[]>`
      select dedupe_key from alerts where dedupe_key = any(${sql.array(keys)}::text[])`;
    for (const row of existing) incidents.get(row.dedupe_key)!.alreadyRaised = true;
  }
  const [current] = await sql<{ n: number }[]>`
    select count(*)::int as n from alerts
    where rule = ${rule} and last_event_at > to_timestamp(${from} / 1000.0) and last_event_at <= ${now.toISOString()}::timestamptz`;
  return {
    rule,
    from,
    to,
    evaluated,
    capped,
    incidents: [...incidents.values()].sort((a, b) => b.last - a.last),
    currentAlerts: current?.n ?? 0,
    seconds: (performance.now() - started) / 1000,
  };
}
