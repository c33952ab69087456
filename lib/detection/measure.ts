/**
 * Throughput of the detectors alone (no database): events per second for all rules with the
 * given settings, from empty state, over the events in the order given. The engine's benchmark
 * calls this to show how much of its budget the detectors take.
 */
import { defaultRules, runDetectors } from './run';
import { DEFAULT_SETTINGS } from './settings';
import type { DetectionEvent, DetectionSettings, RuleConfig, RuleId } from './types';

export type Measurement = {
  events: number;
  findings: number;
  seconds: number;
  eventsPerSecond: number;
  /** Microseconds per event, all rules together. */
  microsPerEvent: number;
};

export type MeasureOptions = {
  settings?: DetectionSettings;
  rules?: Record<RuleId, RuleConfig>;
  /** Events per runDetectors call, like the engine's batches (default 5,000). */
  batchSize?: number;
};

/** Events per second through all detectors (default rules and settings unless given). */
export function measureDetectors(events: DetectionEvent[], options: MeasureOptions = {}): number {
  return measureDetectorRun(events, options).eventsPerSecond;
}

/** The same run, with the details (time, findings, microseconds per event). */
export function measureDetectorRun(
  events: DetectionEvent[],
  options: MeasureOptions = {},
): Measurement {
  const settings = options.settings ?? DEFAULT_SETTINGS;
  const rules = options.rules ?? defaultRules();
  const batchSize = options.batchSize ?? 5000;
  const states = new Map<string, unknown>();
  let findings = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < events.length; i += batchSize) {
    findings += runDetectors(events.slice(i, i + batchSize), rules, settings, states).findings
      .length;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    events: events.length,
    findings,
    seconds,
    eventsPerSecond: Math.round(events.length / seconds),
    microsPerEvent: (seconds * 1e6) / Math.max(1, events.length),
  };
}
