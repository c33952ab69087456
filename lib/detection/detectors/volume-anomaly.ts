import { findingFor, localWhen, plural, who } from '../finding';
import { decimal, paramsParser, wholeNumber } from '../params';
import { HOUR } from '../schedule';
import { RULE_NAMES, type Detector } from '../types';

export type VolumeParams = {
  /** Never alert on an hour with fewer events than this (quiet people stay quiet). */
  minCount: number;
  /** Robust z-score above which an hour is anomalous. */
  zThreshold: number;
  /** Floor of the scaled MAD, in events (a perfectly regular baseline has MAD 0). */
  madFloor: number;
  /** Length of the baseline, in days. */
  baselineDays: number;
  /** Active hours the baseline must hold before anything is judged. */
  minBaselineHours: number;
};

/**
 * Per actor: the current UTC hour and its count; the completed active hours of the baseline
 * period as flat [hour, count, hour, count, …] pairs, oldest first; the baseline (median, MAD,
 * number of hours) and the UTC day it was computed on; and the open incident.
 */
export type VolumeState = {
  h: number;
  c: number;
  hist: number[];
  day: number;
  med: number;
  mad: number;
  nb: number;
  open: { key: string; hour: number; n: number } | null;
};

const DEFAULTS: VolumeParams = {
  minCount: 40,
  zThreshold: 6,
  madFloor: 2,
  baselineDays: 30,
  minBaselineHours: 20,
};
const MAX_JOINED = 500;

function medianOf(sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const mid = n >> 1;
  return n % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Median and MAD of the counts in `hist` (typed-array sorts: numeric and fast). */
function baseline(hist: number[]): { med: number; mad: number; nb: number } {
  const n = hist.length >> 1;
  const counts = new Float64Array(n);
  for (let i = 0; i < n; i++) counts[i] = hist[2 * i + 1] as number;
  counts.sort();
  const med = medianOf(counts);
  const dev = new Float64Array(n);
  for (let i = 0; i < n; i++) dev[i] = Math.abs((counts[i] as number) - med);
  dev.sort();
  return { med, mad: medianOf(dev), nb: n };
}

/**
 * volume_anomaly: an actor's events in one hour far above their own baseline.
 *
 * Baseline: the actor's event counts in the hours they were active (at least one event) over the
 * past `baselineDays` (default 30), summarised by median and MAD; zero hours are left out, since
 * a 9-to-5 worker's median over all 720 hours is 0 and would make every busy morning an outlier.
 * The baseline is recomputed once per UTC day (on the actor's first event of the day), which
 * keeps the work per event constant. Score: z = (count − median) / max(1.4826 · MAD, madFloor);
 * an hour alerts when z ≥ `zThreshold` (default 6), the count is at least `minCount` (default
 * 40), and the baseline holds `minBaselineHours` (default 20) active hours. Hours are UTC hours.
 *
 * Dedupe: `volume_anomaly:<actor>:<first anomalous hour>`; consecutive anomalous hours and every
 * later event in them join it (at most 500 events are linked; earlier events of the crossing hour
 * are not known to the state and are not linked). Late events from an earlier hour are counted
 * into that hour but not judged. Every actor with an id counts, service accounts included.
 * State per actor: at most baselineDays × 24 hour/count pairs, plus a few numbers.
 */
export const volumeAnomaly: Detector<VolumeParams, VolumeState> = {
  rule: 'volume_anomaly',
  name: RULE_NAMES.volume_anomaly,
  description:
    "Someone's activity in one hour was far above their own usual level over the past month.",
  defaultSeverity: 'medium',
  defaults: DEFAULTS,
  parseParams: paramsParser(
    {
      minCount: wholeNumber(1, 1_000_000),
      zThreshold: decimal(1, 1000),
      madFloor: decimal(0.1, 10_000),
      baselineDays: wholeNumber(1, 90),
      minBaselineHours: wholeNumber(1, 2160),
    },
    DEFAULTS,
  ),
  keyOf(event) {
    return event.actorId !== null && event.actorType !== 'anonymous' ? event.actorId : null;
  },
  initialState: () => ({ h: -1, c: 0, hist: [], day: -1, med: 0, mad: 0, nb: 0, open: null }),
  evaluate(event, state, params, ctx) {
    const t = event.occurredAt;
    const hour = Math.floor(t / HOUR);
    let next: VolumeState;
    if (state.h === -1) {
      next = { ...state, h: hour, c: 1 };
    } else if (hour === state.h) {
      next = { ...state, c: state.c + 1 };
    } else if (hour > state.h) {
      const cutoff = hour - params.baselineDays * 24;
      const hist = state.hist.slice();
      hist.push(state.h, state.c);
      let drop = 0;
      while (drop < hist.length && (hist[drop] as number) < cutoff) drop += 2;
      if (drop > 0) hist.splice(0, drop);
      next = { ...state, h: hour, c: 1, hist };
      const day = Math.floor(hour / 24);
      if (day !== state.day) next = { ...next, ...baseline(hist), day };
    } else {
      // A late event from an earlier hour: count it there, judge nothing.
      const hist = state.hist.slice();
      let i = hist.length - 2;
      while (i >= 0 && (hist[i] as number) > hour) i -= 2;
      if (i >= 0 && hist[i] === hour) hist[i + 1] = (hist[i + 1] as number) + 1;
      else if (hour >= state.h - params.baselineDays * 24) hist.splice(i + 2, 0, hour, 1);
      return { state: { ...state, hist }, findings: [] };
    }

    if (next.nb < params.minBaselineHours || next.c < params.minCount)
      return { state: next, findings: [] };
    const scale = Math.max(1.4826 * next.mad, params.madFloor);
    const z = (next.c - next.med) / scale;
    if (z < params.zThreshold) return { state: next, findings: [] };

    const open = next.open;
    if (open && open.hour === hour) {
      if (open.n >= MAX_JOINED) return { state: next, findings: [] };
      next = { ...next, open: { ...open, n: open.n + 1 } };
    } else if (open && open.hour === hour - 1) {
      next = { ...next, open: { key: open.key, hour, n: open.n + 1 } };
    } else {
      next = { ...next, open: { key: `volume_anomaly:${event.actorId}:${hour}`, hour, n: 1 } };
    }
    const rounded = Math.round(z * 10) / 10;
    // Every finding words the incident so far: the engine shows the latest one.
    const summary = `${who(event)} had ${plural(next.c, 'event')} in the hour starting ${localWhen(event, ctx.settings, hour * HOUR)}, against a usual ${next.med} per active hour (median of ${next.nb} active hours in the past ${params.baselineDays} days, MAD ${next.mad}): robust z-score ${rounded}, at or above ${params.zThreshold}.`;
    return {
      state: next,
      findings: [
        findingFor('volume_anomaly', event, {
          severity: ctx.severity,
          dedupeKey: (next.open as { key: string }).key,
          summary,
          details: {
            hourStart: new Date(hour * HOUR).toISOString(),
            count: next.c,
            median: next.med,
            mad: next.mad,
            baselineHours: next.nb,
            zScore: rounded,
            zThreshold: params.zThreshold,
            minCount: params.minCount,
          },
        }),
      ],
    };
  },
};
