/**
 * Building blocks the detectors share: a finding about an event's actor, severity steps, plain
 * wording helpers, and the bounded sliding windows the threshold rules keep in their state.
 */
import { scheduleFor } from './classify';
import { formatInstant, localDate, localTime as wallClock } from './schedule';
import {
  SEVERITIES,
  type DetectionEvent,
  type DetectionSettings,
  type Finding,
  type RuleId,
  type Severity,
} from './types';

/** A finding about the event's actor and target; `eventIds` defaults to the event alone. */
export function findingFor(
  rule: RuleId,
  event: DetectionEvent,
  fields: {
    severity: Severity;
    dedupeKey: string;
    summary: string;
    details: Record<string, unknown>;
    eventIds?: number[];
  },
): Finding {
  return {
    rule,
    severity: fields.severity,
    dedupeKey: fields.dedupeKey,
    actorId: event.actorId,
    actorName: event.actorName,
    targetType: event.targetType,
    targetId: event.targetId,
    targetLabel: event.targetLabel,
    summary: fields.summary,
    eventIds: fields.eventIds ?? [event.id],
    occurredAt: event.occurredAt,
    details: fields.details,
  };
}

/** One step up (or down) the severity scale, clamped. */
export function shiftSeverity(severity: Severity, steps: number): Severity {
  const i = SEVERITIES.indexOf(severity) + steps;
  return SEVERITIES[Math.max(0, Math.min(SEVERITIES.length - 1, i))] as Severity;
}

/** The higher of two severities. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b;
}

/** How to call the actor in a summary: name, else e-mail, else id, else "An unknown actor". */
export function who(event: DetectionEvent): string {
  return event.actorName ?? event.actorEmail ?? event.actorId ?? 'An unknown actor';
}

/** How to call the target in a summary. */
export function what(event: DetectionEvent): string {
  const label = event.targetLabel ?? event.targetId;
  if (!label) return event.targetType ?? 'a record';
  return event.targetType ? `${event.targetType} ${label}` : label;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export function minutes(ms: number): string {
  const m = ms / 60_000;
  if (m < 1) return `${Math.round(ms / 1000)} seconds`;
  if (m >= 120 && m % 60 === 0) return plural(m / 60, 'hour');
  return plural(Math.round(m * 10) / 10, 'minute');
}

/** ISO 8601 UTC, for details. */
export const iso = (ms: number) => new Date(ms).toISOString();

// ---------------------------------------------------------------------------------------------
// Sliding windows.

/**
 * Timestamps and event ids of the most recent matching events, oldest first, as parallel arrays
 * (compact JSON). Kept sorted by time, so an event that arrives a little late is slotted in
 * where it belongs; only the newest `cap` entries are kept.
 */
export type Window = { t: number[]; ids: number[] };

export const emptyWindow = (): Window => ({ t: [], ids: [] });

/** A new window with the event inserted in time order and trimmed to the newest `cap`. */
export function windowInsert(w: Window, t: number, id: number, cap: number): Window {
  const ts = w.t.slice();
  const ids = w.ids.slice();
  let i = ts.length;
  while (i > 0 && (ts[i - 1] as number) > t) i--;
  ts.splice(i, 0, t);
  ids.splice(i, 0, id);
  if (ts.length > cap) {
    ts.splice(0, ts.length - cap);
    ids.splice(0, ids.length - cap);
  }
  return { t: ts, ids };
}

/**
 * Whether the window holds `count` events less than `spanMs` apart (first to last): with the
 * window capped at `count`, that is "more than count - 1 events within the span".
 */
export function windowFull(w: Window, count: number, spanMs: number): boolean {
  const n = w.t.length;
  if (n < count) return false;
  return (w.t[n - 1] as number) - (w.t[n - count] as number) < spanMs;
}

/**
 * An open incident of a threshold rule: it stays open while matching events keep coming less
 * than the rule's window apart, and every such event joins the same alert.
 */
export type Open = { key: string; first: number; last: number; count: number };

/** Whether an event at `t` continues an open incident (within `spanMs` of its time range). */
export function continues(open: Open | null, t: number, spanMs: number): open is Open {
  return open !== null && t > open.first - spanMs && t < open.last + spanMs;
}

export function extend(open: Open, t: number): Open {
  return {
    key: open.key,
    first: Math.min(open.first, t),
    last: Math.max(open.last, t),
    count: open.count + 1,
  };
}

/**
 * When an event happened for its actor: `02:14 on Saturday 2026-06-06 (Europe/Berlin)`, in the
 * zone of the actor's schedule (see scheduleFor), else UTC.
 */
export function localWhen(
  event: DetectionEvent,
  settings: DetectionSettings,
  ms = event.occurredAt,
) {
  const tz =
    event.actorId !== null || event.actorTimeZone ? scheduleFor(event, settings).timeZone : 'UTC';
  return formatInstant(ms, tz);
}

/** Local date of an event in its actor's zone (for per-day dedupe keys). */
export function localDay(event: DetectionEvent, settings: DetectionSettings): string {
  return localDate(event.occurredAt, scheduleFor(event, settings).timeZone);
}

/** State of a "more than N within M minutes" rule for one key. */
export type ThresholdState = { w: Window; open: Open | null };

export const initialThreshold = (): ThresholdState => ({ w: emptyWindow(), open: null });

export type ThresholdStep =
  | { kind: 'none'; state: ThresholdState }
  | { kind: 'fired'; state: ThresholdState; open: Open; ids: number[] }
  | { kind: 'joined'; state: ThresholdState; open: Open };

/**
 * One matching event for a threshold rule. Fires when the newest `limit + 1` events lie less
 * than `windowMs` apart; the incident's dedupe key is `${prefix}:${time of its first event}`.
 * While an incident is open (see `continues`) events join it without touching the window: once
 * it closes, everything in the window is older than the window span and cannot count again.
 */
export function thresholdStep(
  state: ThresholdState,
  t: number,
  id: number,
  limit: number,
  windowMs: number,
  prefix: string,
): ThresholdStep {
  if (continues(state.open, t, windowMs)) {
    const open = extend(state.open, t);
    return { kind: 'joined', state: { w: state.w, open }, open };
  }
  const w = windowInsert(state.w, t, id, limit + 1);
  if (windowFull(w, limit + 1, windowMs)) {
    const first = w.t[0] as number;
    const last = w.t[w.t.length - 1] as number;
    const open: Open = { key: `${prefix}:${first}`, first, last, count: w.t.length };
    return { kind: 'fired', state: { w, open }, open, ids: w.ids.slice() };
  }
  return { kind: 'none', state: { w, open: state.open } };
}

/** Just the local clock time of an instant for the actor (`14:09`), for "from … to …" ranges. */
export function localTime(event: DetectionEvent, settings: DetectionSettings, ms: number): string {
  const tz =
    event.actorId !== null || event.actorTimeZone ? scheduleFor(event, settings).timeZone : 'UTC';
  const lt = wallClock(ms, tz);
  return `${String(lt.hour).padStart(2, '0')}:${String(lt.minute).padStart(2, '0')}`;
}
