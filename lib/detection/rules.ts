/**
 * Rules admin: turning rules on and off, their severity and parameters, and the organisation's
 * detection settings. Every change is an audit event with the old and new values, written in the
 * same transaction. The engine reads the configuration at every round, so a change applies to
 * the next events evaluated (it does not re-evaluate the past: that is what the backtest is for).
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '@/db/client';
import { detectionRules, detectionSettings } from '@/db/schema';
import { canonicalJson } from '@/lib/audit/jcs';
import { writeAuditEvent } from '@/lib/audit/writer';
import type { FieldChange } from '@/lib/audit/types';
import { ExpectedError } from '@/lib/errors';
import type { ActingUser } from '@/lib/users';
import { DETECTORS } from './detectors';
import { DEFAULT_SETTINGS, defaultRules } from './run';
import { SEVERITIES, type DetectionSettings, type RuleConfig, type RuleId } from './types';

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const zone = z.string().max(64).refine(isTimeZone, 'is not an IANA time zone (e.g. Europe/Berlin)');

export const scheduleSchema = z
  .strictObject({
    timeZone: zone,
    days: z
      .array(z.number().int().min(1).max(7), { error: 'days must be ISO weekdays 1-7' })
      .min(1, 'needs at least one working day')
      .max(7)
      .transform((d) => [...new Set(d)].sort()),
    startHour: z.number({ error: 'must be an hour' }).min(0).max(23.99),
    endHour: z.number({ error: 'must be an hour' }).min(0.01).max(24),
  })
  // A start after the end is an overnight shift (22:00-06:00), counted from its start day.
  .refine((s) => s.startHour !== s.endHour, {
    message: 'the working day must not start and end at the same time',
    path: ['endHour'],
  });

const name = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((v) => !/\u0000/.test(v), 'contains a NUL character');

export const settingsSchema = z.strictObject({
  defaultSchedule: scheduleSchema,
  schedules: z.record(name, scheduleSchema).refine((r) => Object.keys(r).length <= 10_000, {
    message: 'at most 10,000 personal schedules',
  }),
  holidays: z
    .array(z.iso.date({ error: 'must be dates (YYYY-MM-DD)' }))
    .max(1000)
    .transform((d) => [...new Set(d)].sort()),
  sensitiveFields: z
    .array(name)
    .max(500)
    .transform((f) => [...new Set(f)]),
  adminActors: z
    .array(name)
    .max(10_000)
    .transform((a) => [...new Set(a)]),
});

/** The settings as stored, or the defaults. */
export async function readSettings(tx: Pick<Tx, 'select'>): Promise<DetectionSettings> {
  const [row] = await tx.select().from(detectionSettings);
  return { ...DEFAULT_SETTINGS, ...((row?.settings as Partial<DetectionSettings>) ?? {}) };
}

export async function readRules(tx: Pick<Tx, 'select'>): Promise<Record<RuleId, RuleConfig>> {
  const rules = defaultRules();
  for (const row of await tx.select().from(detectionRules)) {
    if (row.rule in rules)
      rules[row.rule as RuleId] = {
        enabled: row.enabled,
        severity: row.severity as RuleConfig['severity'],
        params: row.params,
      };
  }
  return rules;
}

/** Validates a proposed rule configuration; errors are keyed by parameter. */
export function parseRuleConfig(
  rule: RuleId,
  input: { enabled: boolean; severity: string; params: unknown },
): { ok: true; config: RuleConfig } | { ok: false; errors: Record<string, string> } {
  const detector = DETECTORS[rule];
  if (!(SEVERITIES as readonly string[]).includes(input.severity))
    return { ok: false, errors: { severity: `must be one of ${SEVERITIES.join(', ')}` } };
  const params = detector.parseParams(input.params);
  if (!params.ok) return { ok: false, errors: params.errors };
  return {
    ok: true,
    config: {
      enabled: input.enabled,
      severity: input.severity as RuleConfig['severity'],
      params: params.params,
    },
  };
}

function diff(before: Record<string, unknown>, after: Record<string, unknown>): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    // Canonical JSON: jsonb gives objects back with their keys in its own order.
    if (canonicalJson(before[key] ?? null) !== canonicalJson(after[key] ?? null))
      changes.push({ field: key, old: before[key] ?? null, new: after[key] ?? null });
  }
  return changes;
}

/** Saves one rule's configuration; the audit event lists each parameter that changed. */
export async function updateRule(
  tx: Tx,
  by: ActingUser,
  rule: RuleId,
  input: { enabled: boolean; severity: string; params: unknown },
): Promise<FieldChange[]> {
  const parsed = parseRuleConfig(rule, input);
  if (!parsed.ok) {
    const [field, message] = Object.entries(parsed.errors)[0]!;
    throw new ExpectedError(`${field} ${message}`, field);
  }
  // Serialise concurrent edits of the rules (the old values recorded must be the real ones).
  await tx.execute(sql`select pg_advisory_xact_lock(7261011)`);
  const before = (await readRules(tx))[rule];
  const flat = (c: RuleConfig) => ({
    enabled: c.enabled,
    severity: c.severity,
    ...(c.params as Record<string, unknown>),
  });
  const changes = diff(flat(before), flat(parsed.config));
  if (changes.length === 0) throw new ExpectedError('Nothing changed.');
  await tx
    .insert(detectionRules)
    .values({ rule, ...parsed.config, params: parsed.config.params as object })
    .onConflictDoUpdate({
      target: detectionRules.rule,
      set: {
        enabled: parsed.config.enabled,
        severity: parsed.config.severity,
        params: parsed.config.params as object,
        updatedAt: new Date(),
      },
    });
  await writeAuditEvent(tx, {
    action: 'rule.update',
    actor: by.actor,
    context: by.context,
    sessionId: by.sessionId,
    target: { type: 'rule', id: rule, label: DETECTORS[rule].name },
    changes,
  });
  return changes;
}

/** Saves the organisation settings; the audit event has each changed setting's old and new value. */
export async function updateSettings(
  tx: Tx,
  by: ActingUser,
  input: unknown,
): Promise<FieldChange[]> {
  const parsed = settingsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.');
    throw new ExpectedError(`${field || 'settings'} ${issue.message}`, field || undefined);
  }
  await tx.execute(sql`select pg_advisory_xact_lock(7261011)`);
  const before = await readSettings(tx);
  const changes = diff(before, parsed.data);
  if (changes.length === 0) throw new ExpectedError('Nothing changed.');
  await tx
    .insert(detectionSettings)
    .values({ id: 1, settings: parsed.data })
    .onConflictDoUpdate({
      target: detectionSettings.id,
      set: { settings: parsed.data, updatedAt: new Date() },
    });
  await writeAuditEvent(tx, {
    action: 'detection_settings.update',
    actor: by.actor,
    context: by.context,
    sessionId: by.sessionId,
    target: { type: 'detection_settings', id: 'organisation', label: 'Detection settings' },
    changes,
  });
  return changes;
}
