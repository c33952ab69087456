import { decodeCursor, type Cursor } from '@/lib/cursor';

/** Columns a viewer may hide; the URL keeps the hidden ones (`hide=ip,source`). */
export const EVENT_COLUMNS = [
  'time',
  'actor',
  'action',
  'target',
  'fields',
  'source',
  'ip',
  'outcome',
] as const;
export type EventColumn = (typeof EVENT_COLUMNS)[number];
export const COLUMN_LABELS: Record<EventColumn, string> = {
  time: 'Time',
  actor: 'Actor',
  action: 'Action',
  target: 'Target',
  fields: 'Changed fields',
  source: 'Source',
  ip: 'IP',
  outcome: 'Outcome',
};

export type EventsSearchParams = {
  q: string;
  after: Cursor | null;
  before: Cursor | null;
  hide: EventColumn[];
};

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** The explorer's whole state lives in the URL; this is its one parser (server and client). */
export function parseEventsSearchParams(
  params: Record<string, string | string[] | undefined>,
): EventsSearchParams {
  const q = (first(params.q) ?? '').slice(0, 2000);
  const hide = (first(params.hide) ?? '')
    .split(',')
    .filter((c): c is EventColumn => (EVENT_COLUMNS as readonly string[]).includes(c));
  return {
    q,
    after: decodeCursor(first(params.after)),
    before: decodeCursor(first(params.before)),
    hide,
  };
}

/** The URL of a view: the same parameters in a fixed order, so equal views have equal links. */
export function eventsHref(state: {
  q?: string;
  after?: string | null;
  before?: string | null;
  hide?: readonly string[];
}): string {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  if (state.after) params.set('after', state.after);
  if (state.before) params.set('before', state.before);
  if (state.hide?.length) params.set('hide', [...state.hide].sort().join(','));
  const query = params.toString();
  return query ? `/events?${query}` : '/events';
}

/** A search for exactly one value of one field, quoted so any value stays one term. */
export function fieldQuery(field: string, value: string): string {
  return `${field}:"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
