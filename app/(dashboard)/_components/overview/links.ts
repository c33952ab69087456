/**
 * Where the overview's clicks go: the explorer, the alert queue and the timelines, each link
 * filtered to exactly what was clicked (the search language quotes every value, and the range
 * is the same [from, to) the figure was counted over).
 */
import { alertsHref } from '@/app/(dashboard)/alerts/search-params';
import { eventsHref, fieldQuery } from '@/app/(dashboard)/events/search-params';
import { DEFAULT_FILTERS, type AlertFilters } from '@/lib/alerts/filters';
import type { RuleId, Severity } from '@/lib/detection/types';
import { WEEKDAY_NAMES } from '@/lib/search/grammar';
import { rangeTerms, type OverviewRange } from './range';

const ms = (iso: string) => Date.parse(iso);

/** Events in [from, to), optionally narrowed by more terms. */
export function exploreRange(from: number, to: number, terms = ''): string {
  return eventsHref({ q: `${terms ? `${terms} ` : ''}${rangeTerms(from, to)}` });
}

export const exploreInRange = (range: OverviewRange, terms = '') =>
  exploreRange(ms(range.from), ms(range.to), terms);

/** Over the UTC days the daily rollups counted (the range itself, except for 24 hours). */
export const exploreInDays = (range: OverviewRange, terms = '') =>
  exploreRange(ms(range.fromDay), ms(range.toDay), terms);

export const actorTerm = (actorId: string) => fieldQuery('actor', actorId);
export const fieldTerm = (field: string) => fieldQuery('field', field);

/** One heatmap cell: that weekday and hour in each actor's own zone, over the range. */
export const heatCellHref = (range: OverviewRange, day: number, hour: number) =>
  exploreInRange(range, `weekday:${WEEKDAY_NAMES[day - 1]} hour:${hour}`);

export const actorTimelineHref = (actorId: string) => `/actors/${encodeURIComponent(actorId)}`;
export const recordTimelineHref = (type: string, id: string) =>
  `/records/${encodeURIComponent(type)}/${encodeURIComponent(id)}`;
export const recordTerm = (type: string, id: string) => fieldQuery('target', `${type}/${id}`);
export const alertHref = (id: number) => `/alerts/${id}`;

export function queueHref(filters: Partial<AlertFilters>): string {
  return alertsHref({ ...DEFAULT_FILTERS, ...filters });
}

/** Every alert raised in the range, optionally of one rule. */
export const raisedHref = (range: OverviewRange, rule?: RuleId | null) =>
  queueHref({
    status: 'all',
    rule: rule ?? null,
    snoozed: 'show',
    raisedAfter: new Date(range.from).toISOString(),
    raisedBefore: new Date(range.to).toISOString(),
  });

/** Open (not yet resolved) alerts of a severity, snoozed ones included. */
export const openSeverityHref = (severity: Severity | null) =>
  queueHref({ status: 'active', severity, snoozed: 'show' });
