import { exportRows, isExport } from '../classify';
import {
  continues,
  extend,
  findingFor,
  iso,
  localTime,
  localWhen,
  minutes,
  type Open,
  plural,
  who,
} from '../finding';
import { decimal, paramsParser, wholeNumber } from '../params';
import { MINUTE } from '../schedule';
import { RULE_NAMES, type Detector } from '../types';

export type MassExportParams = {
  /** Alert when one actor exports more than this many rows in total… */
  maxRows: number;
  /** …within this many minutes. */
  windowMinutes: number;
  /** Or when one export is more than this many times the actor's median export… */
  unusualFactor: number;
  /** …and larger than any of their earlier exports, and at least this many rows… */
  minUnusualRows: number;
  /** …once they have at least this many earlier exports to compare with. */
  minHistory: number;
};

/**
 * Exports of the window (time, rows, id; oldest first), the sizes of the actor's last 20
 * exports, their largest export and how many they have made, and the open incident.
 */
export type MassExportState = {
  t: number[];
  rows: number[];
  ids: number[];
  recent: number[];
  largest: number;
  exports: number;
  open: (Open & { rows: number; reasons: string[] }) | null;
};

const DEFAULTS: MassExportParams = {
  maxRows: 1000,
  windowMinutes: 60,
  unusualFactor: 5,
  minUnusualRows: 200,
  minHistory: 3,
};
const RECENT = 20;
const MAX_WINDOW = 100;

function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1
    ? (s[mid] as number)
    : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * mass_export: large exports. An export is a successful action whose verb is export, download,
 * dump or extract; its size is the row count in the metadata (`row_count`, `rows`, `count`,
 * `records`…; see classify.exportRows — the demo's ATS writes `count`, the dashboard `rows`).
 * Two reasons, either fires, both are named in the alert:
 *
 * - volume: more than `maxRows` (default 1,000) rows exported by one actor within
 *   `windowMinutes` (default 60);
 * - unusual: one export more than `unusualFactor` (default 5) times the median of the actor's
 *   last 20 exports and larger than any of them, of at least `minUnusualRows` (default 200)
 *   rows, once there are `minHistory` (default 3) earlier exports to compare with. The floor
 *   keeps someone whose lists are 5 rows from alerting on 30.
 *
 * State per actor: the window's exports (at most 100), the last 20 sizes, the largest, a count
 * and the open incident. Dedupe: `mass_export:<actor>:<time of the first export>`; exports keep
 * joining until the actor has not exported for the window.
 */
export const massExport: Detector<MassExportParams, MassExportState> = {
  rule: 'mass_export',
  name: RULE_NAMES.mass_export,
  description:
    'Someone exported far more rows than usual: many in a short time, or one export much larger than anything they have exported before.',
  defaultSeverity: 'high',
  defaults: DEFAULTS,
  parseParams: paramsParser(
    {
      maxRows: wholeNumber(1, 100_000_000),
      windowMinutes: wholeNumber(1, 10080),
      unusualFactor: decimal(1, 1000),
      minUnusualRows: wholeNumber(1, 100_000_000),
      minHistory: wholeNumber(1, 20),
    },
    DEFAULTS,
  ),
  keyOf(event) {
    if (event.actorId === null || event.actorType === 'anonymous') return null;
    return isExport(event) ? event.actorId : null;
  },
  initialState: () => ({
    t: [],
    rows: [],
    ids: [],
    recent: [],
    largest: 0,
    exports: 0,
    open: null,
  }),
  evaluate(event, state, params, ctx) {
    const t = event.occurredAt;
    const rows = exportRows(event);
    const span = params.windowMinutes * MINUTE;
    const when = localWhen(event, ctx.settings);
    const size = rows === null ? 'an export of unknown size' : `${plural(rows, 'row')}`;

    // History of sizes, updated after judging this export against it.
    const history =
      rows === null
        ? { recent: state.recent, largest: state.largest, exports: state.exports }
        : {
            recent: [...state.recent, rows].slice(-RECENT),
            largest: Math.max(state.largest, rows),
            exports: state.exports + 1,
          };

    const describe = (open: NonNullable<MassExportState['open']>, eventIds: number[]) =>
      findingFor('mass_export', event, {
        severity: ctx.severity,
        dedupeKey: open.key,
        // Every finding words the whole incident so far: the engine shows the latest one.
        summary:
          open.count === 1
            ? `${who(event)} exported ${size} (${event.action}) at ${when}: ${open.reasons.join('; ')}.`
            : `${who(event)} exported ${plural(open.rows, 'row')} in ${plural(open.count, 'export')} (${event.action}) from ${localWhen(event, ctx.settings, open.first)} to ${localTime(event, ctx.settings, open.last)}: ${open.reasons.join('; ')}.`,
        eventIds,
        details: {
          rows: open.rows,
          exports: open.count,
          latestRows: rows,
          reasons: open.reasons,
          firstAt: iso(open.first),
          lastAt: iso(open.last),
          medianExportBefore: state.recent.length > 0 ? median(state.recent) : null,
          largestExportBefore: state.largest,
          maxRows: params.maxRows,
          windowMinutes: params.windowMinutes,
          unusualFactor: params.unusualFactor,
          minUnusualRows: params.minUnusualRows,
          action: event.action,
        },
      });

    if (continues(state.open, t, span)) {
      const open = { ...state.open, ...extend(state.open, t), rows: state.open.rows + (rows ?? 0) };
      return { state: { ...state, ...history, open }, findings: [describe(open, [event.id])] };
    }

    // The window: exports with a row count less than `span` before the newest one.
    const ts = state.t.slice();
    const rs = state.rows.slice();
    const ids = state.ids.slice();
    if (rows !== null) {
      let i = ts.length;
      while (i > 0 && (ts[i - 1] as number) > t) i--;
      ts.splice(i, 0, t);
      rs.splice(i, 0, rows);
      ids.splice(i, 0, event.id);
    }
    const newest = ts.length > 0 ? Math.max(t, ts[ts.length - 1] as number) : t;
    let drop = 0;
    while (
      drop < ts.length &&
      (newest - (ts[drop] as number) >= span || ts.length - drop > MAX_WINDOW)
    )
      drop++;
    if (drop > 0) {
      ts.splice(0, drop);
      rs.splice(0, drop);
      ids.splice(0, drop);
    }
    const total = rs.reduce((a, b) => a + b, 0);

    const reasons: string[] = [];
    if (rows !== null && total > params.maxRows)
      reasons.push(
        `${plural(total, 'row')} exported within ${minutes(newest - (ts[0] as number))} (more than ${plural(params.maxRows, 'row')} in ${minutes(span)})`,
      );
    const med = state.recent.length > 0 ? median(state.recent) : 0;
    if (
      rows !== null &&
      state.exports >= params.minHistory &&
      rows >= params.minUnusualRows &&
      rows > params.unusualFactor * Math.max(med, 1) &&
      rows > state.largest
    )
      reasons.push(
        `one export of ${plural(rows, 'row')} is ${Math.round((rows / Math.max(med, 1)) * 10) / 10} times their median export (${med}) and larger than their largest before (${state.largest})`,
      );

    const window = { t: ts, rows: rs, ids };
    if (reasons.length === 0)
      return { state: { ...window, ...history, open: state.open }, findings: [] };

    const first = ts[0] as number;
    const open = {
      key: `mass_export:${event.actorId}:${first}`,
      first,
      last: newest,
      count: ts.length,
      rows: total,
      reasons,
    };
    return { state: { ...window, ...history, open }, findings: [describe(open, ids.slice())] };
  },
};
