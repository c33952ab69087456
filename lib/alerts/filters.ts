/**
 * The alert queue's filters, as they live in the URL (`/alerts?status=open&severity=high`).
 * One parser serves the page, the bulk actions ("every alert matching these filters") and the
 * tests, so what a reviewer sees is exactly what a bulk action touches.
 */
import { RULE_IDS, SEVERITIES, type RuleId, type Severity } from '@/lib/detection/types';

export const STATUS_FILTERS = ['active', 'open', 'acknowledged', 'resolved', 'all'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];
export const AGE_FILTERS = ['1d', '7d', '30d', 'over7d', 'over30d'] as const;
export type AgeFilter = (typeof AGE_FILTERS)[number];
export const AGE_LABELS: Record<AgeFilter, string> = {
  '1d': 'Raised in the last day',
  '7d': 'Raised in the last 7 days',
  '30d': 'Raised in the last 30 days',
  over7d: 'Waiting over 7 days',
  over30d: 'Waiting over 30 days',
};
export const SNOOZE_FILTERS = ['hide', 'show', 'only'] as const;
export type SnoozeFilter = (typeof SNOOZE_FILTERS)[number];

export type AlertFilters = {
  status: StatusFilter;
  severity: Severity | null;
  rule: RuleId | null;
  /** `me`, `none`, or a user id. */
  assignee: string | null;
  actor: string | null;
  age: AgeFilter | null;
  snoozed: SnoozeFilter;
};

export const DEFAULT_FILTERS: AlertFilters = {
  status: 'active',
  severity: null,
  rule: null,
  assignee: null,
  actor: null,
  age: null,
  snoozed: 'hide',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Params = Record<string, string | string[] | undefined> | URLSearchParams;
function get(params: Params, key: string): string | undefined {
  if (params instanceof URLSearchParams) return params.get(key) ?? undefined;
  const v = params[key];
  return Array.isArray(v) ? v[0] : v;
}
function oneOf<T extends string>(list: readonly T[], value: string | undefined): T | null {
  return value !== undefined && (list as readonly string[]).includes(value) ? (value as T) : null;
}

/**
 * Reads the filters from URL parameters. A value that is not one of the allowed ones is an
 * error naming the parameter, not silently dropped (the link would show something else).
 */
export function parseAlertFilters(
  params: Params,
): { ok: true; filters: AlertFilters } | { ok: false; error: string } {
  const f: AlertFilters = { ...DEFAULT_FILTERS };
  const checks: [keyof AlertFilters, readonly string[] | null][] = [
    ['status', STATUS_FILTERS],
    ['severity', SEVERITIES],
    ['rule', RULE_IDS],
    ['age', AGE_FILTERS],
    ['snoozed', SNOOZE_FILTERS],
  ];
  for (const [key, list] of checks) {
    const raw = get(params, key);
    if (raw === undefined || raw === '') continue;
    const value = oneOf(list!, raw);
    if (value === null)
      return { ok: false, error: `Unknown ${key} "${raw}": use one of ${list!.join(', ')}.` };
    (f as Record<string, unknown>)[key] = value;
  }
  const assignee = get(params, 'assignee');
  if (assignee) {
    if (assignee !== 'me' && assignee !== 'none' && !UUID.test(assignee))
      return { ok: false, error: 'Unknown assignee: use me, none or a user id.' };
    f.assignee = assignee;
  }
  const actor = get(params, 'actor');
  if (actor) {
    if (actor.length > 200)
      return { ok: false, error: 'The actor must be at most 200 characters.' };
    f.actor = actor;
  }
  return { ok: true, filters: f };
}

/** The URL parameters for filters (defaults left out, so links stay short). */
export function filtersToParams(f: AlertFilters): URLSearchParams {
  const p = new URLSearchParams();
  for (const key of Object.keys(DEFAULT_FILTERS) as (keyof AlertFilters)[]) {
    const value = f[key];
    if (value !== null && value !== DEFAULT_FILTERS[key]) p.set(key, String(value));
  }
  return p;
}
