/**
 * The queue's URL: the filters (parsed by lib/alerts/filters.ts, the same parser the bulk
 * actions use) plus the keyset page (`after` = older than this id, `before` = newer).
 */
import {
  filtersToParams,
  parseAlertFilters,
  type AlertFilters,
  type StatusFilter,
} from '@/lib/alerts/filters';

type Params = Record<string, string | string[] | undefined>;
export type AlertsPage = { after: number | null; before: number | null };

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

function pageId(params: Params, key: 'after' | 'before'): number | null | string {
  const raw = first(params[key]);
  if (raw === undefined || raw === '') return null;
  if (!/^\d{1,15}$/.test(raw) || Number(raw) < 1)
    return `The page marker "${key}" must be an alert id (a positive whole number).`;
  return Number(raw);
}

/** The whole queue state from the URL, or the message saying which parameter is wrong. */
export function parseAlertsSearchParams(
  params: Params,
): { ok: true; filters: AlertFilters; page: AlertsPage } | { ok: false; error: string } {
  const parsed = parseAlertFilters(params);
  if (!parsed.ok) return parsed;
  const after = pageId(params, 'after');
  const before = pageId(params, 'before');
  if (typeof after === 'string') return { ok: false, error: after };
  if (typeof before === 'string') return { ok: false, error: before };
  return { ok: true, filters: parsed.filters, page: { after, before } };
}

/** The link to a view of the queue; a filter change starts again at the newest page. */
export function alertsHref(filters: AlertFilters, page: Partial<AlertsPage> = {}): string {
  const params = filtersToParams(filters);
  if (page.after) params.set('after', String(page.after));
  else if (page.before) params.set('before', String(page.before));
  const query = params.toString();
  return query ? `/alerts?${query}` : '/alerts';
}

/** The filters as the bulk action's `{ filters }` selection (what the URL holds, as strings). */
export function filtersSelection(filters: AlertFilters): Record<string, string> {
  return Object.fromEntries(filtersToParams(filters));
}

/** What the status filter means in words, for tabs and the empty state. */
export const STATUS_TABS: { value: StatusFilter; label: string; words: string }[] = [
  { value: 'active', label: 'Active', words: 'open' },
  { value: 'open', label: 'Open', words: 'unacknowledged' },
  { value: 'acknowledged', label: 'Acknowledged', words: 'acknowledged' },
  { value: 'resolved', label: 'Resolved', words: 'resolved' },
  { value: 'all', label: 'All', words: '' },
];
