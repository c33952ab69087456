/**
 * The overview's state as it lives in the URL: the date range (a preset or custom UTC days), the
 * heatmap's mode and the review target. One parser for the page and its links (no server-only
 * imports: client components build links with it too).
 *
 *   /?range=7d                      the last 7 UTC days, today included
 *   /?from=2026-11-01&to=2026-11-14 UTC days, both included
 *   &heat=all                       the heatmap counts every change (default: off-hours only)
 *   &review=8                       the review target in hours (default 24)
 */
import { WEEKDAY_NAMES } from '@/lib/search/grammar';

export { WEEKDAY_NAMES };

export const RANGE_PRESETS = ['24h', '7d', '30d', '90d'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export const DEFAULT_RANGE: RangePreset = '30d';
export const PRESET_LABELS: Record<RangePreset, string> = {
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
};

export const HEAT_MODES = ['off', 'all'] as const;
export type HeatMode = (typeof HEAT_MODES)[number];
export const DEFAULT_HEAT: HeatMode = 'off';

/**
 * The review target: an alert counts as reviewed in time when it was acknowledged within this
 * many hours of being raised. Editable on the page (it is a URL parameter, so a link keeps it).
 */
export const DEFAULT_REVIEW_HOURS = 24;
export const MAX_REVIEW_HOURS = 24 * 30;

/** Chart buckets. Every series stays under ~2,000 points at any range the URL allows. */
export type Bucket = 'hour' | 'day' | 'week' | 'month';
/** Custom ranges span at most five years (weekly and monthly buckets keep charts small). */
export const MAX_RANGE_DAYS = 1827;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export type OverviewRange = {
  preset: RangePreset | null;
  /** [from, to) as ISO instants (UTC, whole hours; whole days except for 24h). */
  from: string;
  to: string;
  /** The previous period of the same length: [prevFrom, from). */
  prevFrom: string;
  /** Start of the baseline window for "unusual" (at least 28 days before `from`). */
  baseFrom: string;
  /** The UTC days [fromDay, toDay) that cover the range (daily rollups). */
  fromDay: string;
  toDay: string;
  bucket: Bucket;
  /** "Last 30 days" or "1 Nov 2026 – 14 Nov 2026". */
  label: string;
  /** What the custom form shows: the first and last UTC day, inclusive. */
  firstDay: string;
  lastDay: string;
};

export type OverviewState = {
  range: OverviewRange;
  heat: HeatMode;
  reviewHours: number;
  /** A parameter that could not be used, said so on the page (the defaults apply instead). */
  problems: string[];
};

type Params = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Midnight UTC of a real `YYYY-MM-DD` between 2000 and 2100, else null. */
export function parseDay(text: string | undefined): number | null {
  const m = text ? DATE.exec(text) : null;
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 2000 || y > 2100) return null;
  const ms = Date.UTC(y, mo - 1, d);
  const probe = new Date(ms);
  return probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d ? ms : null;
}

export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const isoInstant = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export function formatDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

export function bucketFor(spanMs: number): Bucket {
  if (spanMs <= 7 * DAY_MS) return 'hour';
  if (spanMs <= 250 * DAY_MS) return 'day';
  if (spanMs <= 1200 * DAY_MS) return 'week';
  return 'month';
}

function makeRange(
  from: number,
  to: number,
  preset: RangePreset | null,
  label: string,
): OverviewRange {
  const span = to - from;
  const fromDay = Math.floor(from / DAY_MS) * DAY_MS;
  const toDay = Math.ceil(to / DAY_MS) * DAY_MS;
  return {
    preset,
    from: isoInstant(from),
    to: isoInstant(to),
    prevFrom: isoInstant(from - span),
    baseFrom: isoInstant(from - Math.max(span, 28 * DAY_MS)),
    fromDay: isoDay(fromDay),
    toDay: isoDay(toDay),
    bucket: bucketFor(span),
    label,
    firstDay: isoDay(fromDay),
    lastDay: isoDay(toDay - DAY_MS),
  };
}

/** A preset ending now: 24h in whole hours (the current one included), else whole UTC days. */
export function presetRange(preset: RangePreset, now: Date): OverviewRange {
  const ms = now.getTime();
  if (preset === '24h') {
    const to = Math.floor(ms / HOUR_MS) * HOUR_MS + HOUR_MS;
    return makeRange(to - 24 * HOUR_MS, to, preset, PRESET_LABELS[preset]);
  }
  const days = Number(preset.slice(0, -1));
  const to = Math.floor(ms / DAY_MS) * DAY_MS + DAY_MS;
  return makeRange(to - days * DAY_MS, to, preset, PRESET_LABELS[preset]);
}

/** Parses the overview's URL parameters; anything unusable falls back to the default, said so. */
export function parseOverviewParams(params: Params, now: Date): OverviewState {
  const problems: string[] = [];
  let range: OverviewRange | null = null;
  const fromText = first(params.from);
  const toText = first(params.to);
  if (fromText || toText) {
    const from = parseDay(fromText);
    const to = parseDay(toText);
    if (from === null || to === null) {
      problems.push(
        'The custom range needs two real dates (YYYY-MM-DD): showing the last 30 days.',
      );
    } else if (to < from) {
      problems.push('The range ends before it starts: showing the last 30 days.');
    } else if ((to - from) / DAY_MS + 1 > MAX_RANGE_DAYS) {
      problems.push('A range can span at most five years: showing the last 30 days.');
    } else {
      const label = from === to ? formatDay(from) : `${formatDay(from)} – ${formatDay(to)}`;
      range = makeRange(from, to + DAY_MS, null, label);
    }
  } else {
    const preset = first(params.range);
    if (preset !== undefined && preset !== '') {
      if ((RANGE_PRESETS as readonly string[]).includes(preset))
        range = presetRange(preset as RangePreset, now);
      else problems.push(`Unknown range "${preset.slice(0, 20)}": showing the last 30 days.`);
    }
  }
  range ??= presetRange(DEFAULT_RANGE, now);

  const heatText = first(params.heat);
  let heat: HeatMode = DEFAULT_HEAT;
  if (heatText) {
    if ((HEAT_MODES as readonly string[]).includes(heatText)) heat = heatText as HeatMode;
    else problems.push('Unknown heatmap mode: showing changes outside working hours.');
  }

  const reviewText = first(params.review);
  let reviewHours = DEFAULT_REVIEW_HOURS;
  if (reviewText) {
    const n = /^\d{1,4}$/.test(reviewText) ? Number(reviewText) : Number.NaN;
    if (n >= 1 && n <= MAX_REVIEW_HOURS) reviewHours = n;
    else
      problems.push(
        `The review target must be a whole number of hours from 1 to ${MAX_REVIEW_HOURS}: using ${DEFAULT_REVIEW_HOURS} h.`,
      );
  }
  return { range, heat, reviewHours, problems };
}

/** The overview's own URL for a state (defaults left out, fixed order). */
export function overviewHref(state: {
  preset?: RangePreset | null;
  firstDay?: string;
  lastDay?: string;
  heat?: HeatMode;
  reviewHours?: number;
}): string {
  const p = new URLSearchParams();
  if (state.preset === null && state.firstDay && state.lastDay) {
    p.set('from', state.firstDay);
    p.set('to', state.lastDay);
  } else if (state.preset && state.preset !== DEFAULT_RANGE) p.set('range', state.preset);
  if (state.heat && state.heat !== DEFAULT_HEAT) p.set('heat', state.heat);
  if (state.reviewHours && state.reviewHours !== DEFAULT_REVIEW_HOURS)
    p.set('review', String(state.reviewHours));
  const q = p.toString();
  return q ? `/?${q}` : '/';
}

/** A moment as the search language writes it: a date at UTC midnight, else a full UTC time. */
export function searchMoment(ms: number): string {
  return ms % DAY_MS === 0 ? isoDay(ms) : isoInstant(ms);
}

/** `after:… before:…` for [from, to). */
export function rangeTerms(from: number, to: number): string {
  return `after:${searchMoment(from)} before:${searchMoment(to)}`;
}

/** The start of each bucket of [from, to), UTC (weeks start on Monday, like date_trunc). */
export function bucketStarts(from: number, to: number, bucket: Bucket): number[] {
  const starts: number[] = [];
  let at = truncate(from, bucket);
  while (at < to && starts.length < 5000) {
    starts.push(at);
    at = nextBucket(at, bucket);
  }
  return starts;
}

export function truncate(ms: number, bucket: Bucket): number {
  switch (bucket) {
    case 'hour':
      return Math.floor(ms / HOUR_MS) * HOUR_MS;
    case 'day':
      return Math.floor(ms / DAY_MS) * DAY_MS;
    case 'week': {
      const day = Math.floor(ms / DAY_MS);
      // 1970-01-01 was a Thursday: days since the previous Monday.
      return (day - ((day + 3) % 7)) * DAY_MS;
    }
    case 'month': {
      const d = new Date(ms);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    }
  }
}

export function nextBucket(ms: number, bucket: Bucket): number {
  switch (bucket) {
    case 'hour':
      return ms + HOUR_MS;
    case 'day':
      return ms + DAY_MS;
    case 'week':
      return ms + 7 * DAY_MS;
    case 'month': {
      const d = new Date(ms);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    }
  }
}

/** A bucket's label on an axis and in tables (UTC). */
export function bucketLabel(ms: number, bucket: Bucket): string {
  const d = new Date(ms);
  const day = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
  switch (bucket) {
    case 'hour':
      return `${day} ${String(d.getUTCHours()).padStart(2, '0')}:00`;
    case 'day':
      return day;
    case 'week':
      return `week of ${day}`;
    case 'month':
      return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  }
}

export const WEEKDAY_LABELS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
