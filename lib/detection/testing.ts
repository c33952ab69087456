/**
 * Helpers for the detection tests (not used by the app): hand-built events, EventInput
 * conversion, and running one detector or all of them over a sequence.
 */
import type { EventInput } from '@/lib/events/schema';
import { defaultRules, runDetectors } from './run';
import { DEFAULT_SETTINGS } from './settings';
import type { DetectionEvent, DetectionSettings, Finding, RuleConfig, RuleId } from './types';

let nextId = 1;

/** A user event with sensible defaults; ids increase across calls. */
export function ev(fields: Partial<DetectionEvent> & { at: string | number }): DetectionEvent {
  const { at, ...rest } = fields;
  const id = rest.id ?? nextId++;
  return {
    id,
    source: 'test',
    seq: id,
    occurredAt: typeof at === 'number' ? at : Date.parse(at),
    action: 'record.update',
    outcome: 'success',
    actorId: 'u-1',
    actorName: 'Dana Wu',
    actorEmail: 'dana@example.com',
    actorType: 'user',
    actorIp: '192.0.2.10',
    actorUserAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0 Safari/537.36',
    actorTimeZone: null,
    targetType: 'record',
    targetId: 'r-1',
    targetLabel: 'Record 1',
    changes: [{ field: 'title', old: 'a', new: 'b' }],
    metadata: {},
    ...rest,
  };
}

/** An ingested event (wire format) as the engine would hand it to the detectors. */
export function fromEventInput(input: EventInput, source: string, id: number): DetectionEvent {
  const target = input.target ?? null;
  return {
    id,
    source,
    seq: id,
    occurredAt: Date.parse(input.occurred_at),
    action: input.action,
    outcome: input.outcome ?? 'success',
    actorId: input.actor.id ?? null,
    actorName: input.actor.name ?? null,
    actorEmail: input.actor.email ?? null,
    actorType: input.actor.type ?? 'user',
    actorIp: input.actor.ip ?? null,
    actorUserAgent: input.actor.user_agent ?? null,
    actorTimeZone: input.actor.time_zone ?? null,
    targetType: target?.type ?? null,
    targetId: target?.id ?? null,
    targetLabel: target?.label ?? null,
    changes: (input.changes ?? []).map((c) => ({
      field: c.field,
      old: c.old ?? null,
      new: c.new ?? null,
    })),
    metadata: (input.metadata ?? {}) as Record<string, unknown>,
  };
}

/** Only `rule` enabled, with `params` over its defaults. */
export function onlyRule(
  rule: RuleId,
  params: Record<string, unknown> = {},
): Record<RuleId, RuleConfig> {
  const rules = defaultRules();
  for (const r of Object.keys(rules) as RuleId[]) rules[r].enabled = r === rule;
  rules[rule].params = { ...(rules[rule].params as Record<string, unknown>), ...params };
  return rules;
}

/** Runs one rule over the events (fresh state unless given) and returns its findings. */
export function runRule(
  rule: RuleId,
  events: DetectionEvent[],
  options: {
    params?: Record<string, unknown>;
    settings?: DetectionSettings;
    states?: Map<string, unknown>;
  } = {},
): Finding[] {
  return runDetectors(
    events,
    onlyRule(rule, options.params),
    options.settings ?? DEFAULT_SETTINGS,
    options.states ?? new Map(),
  ).findings;
}

/** Findings grouped into incidents (by dedupe key), with the union of their event ids. */
export function incidents(
  findings: Finding[],
): Map<string, { findings: Finding[]; eventIds: Set<number> }> {
  const out = new Map<string, { findings: Finding[]; eventIds: Set<number> }>();
  for (const f of findings) {
    let entry = out.get(f.dedupeKey);
    if (!entry) {
      entry = { findings: [], eventIds: new Set() };
      out.set(f.dedupeKey, entry);
    }
    entry.findings.push(f);
    for (const id of f.eventIds) entry.eventIds.add(id);
  }
  return out;
}
