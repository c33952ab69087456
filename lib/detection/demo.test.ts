/**
 * The detectors against the demo organisation: 200,000 events over 90 days (fixed seed and end),
 * all rules with their defaults and the demo's settings. Every planted incident must raise an
 * alert of its expected rule about the right person, holding all of the incident's events; and
 * the ordinary traffic around it must stay quiet.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createDemo, type DemoManifest } from '@/lib/demo';
import { demoDetectionSettings } from '@/lib/demo/detection-settings';
import { measureDetectorRun } from './measure';
import { defaultRules, runDetectors } from './run';
import { fromEventInput, incidents } from './testing';
import { RULE_IDS, type DetectionEvent, type Finding, type RuleId } from './types';

const END = new Date('2026-06-15T00:00:00Z');
const DAYS = 90;
const BATCH = 5000; // like the engine: states carried between batches

type Alert = { rule: RuleId; key: string; findings: Finding[]; eventIds: Set<number> };

let manifest: DemoManifest;
let events: DetectionEvent[];
let idOf: Map<string, number>;
let alerts: Alert[];
let planted: Set<number>;

beforeAll(() => {
  const demo = createDemo({ events: 200_000, days: DAYS, seed: 42, end: END });
  manifest = demo.manifest;
  events = [];
  idOf = new Map();
  for (const { source, event } of demo.events()) {
    const id = events.length + 1;
    idOf.set(event.id, id);
    events.push(fromEventInput(event, source, id));
  }
  const settings = demoDetectionSettings();
  const rules = defaultRules();
  const states = new Map<string, unknown>();
  const findings: Finding[] = [];
  for (let i = 0; i < events.length; i += BATCH)
    findings.push(...runDetectors(events.slice(i, i + BATCH), rules, settings, states).findings);
  alerts = [...incidents(findings)].map(([key, v]) => ({
    rule: v.findings[0]!.rule,
    key,
    findings: v.findings,
    eventIds: v.eventIds,
  }));
  planted = new Set(manifest.incidents.flatMap((i) => i.eventIds.map((id) => idOf.get(id)!)));
}, 120_000);

describe('detectors on the demo organisation (200,000 events, 90 days, seed 42)', () => {
  it('raises every planted incident as one alert of its rule, about its actor, holding all its events', () => {
    expect(manifest.incidents).toHaveLength(7);
    for (const incident of manifest.incidents) {
      const ids = incident.eventIds.map((id) => idOf.get(id)!);
      const covering = alerts.filter(
        (a) =>
          a.rule === incident.expectedAlert &&
          a.findings[0]!.actorId === incident.actorId &&
          ids.every((id) => a.eventIds.has(id)),
      );
      expect(covering, `${incident.id} (${incident.expectedAlert})`).toHaveLength(1);
      console.log(`${incident.id}: ${covering[0]!.findings.at(-1)!.summary}`);
    }
  });

  it('stays quiet on the ordinary traffic: a normal day raises at most a few other alerts', () => {
    const outside = alerts.filter((a) => ![...a.eventIds].some((id) => planted.has(id)));
    const perRule = Object.fromEntries(RULE_IDS.map((r) => [r, 0])) as Record<RuleId, number>;
    const perDay = new Map<string, number>();
    for (const a of outside) {
      perRule[a.rule]++;
      const day = new Date(a.findings[0]!.occurredAt).toISOString().slice(0, 10);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    const busiest = Math.max(0, ...perDay.values());
    console.log('alerts outside the planted incidents, per rule:', perRule);
    console.log(
      `total ${outside.length} in ${DAYS} days (${(outside.length / DAYS).toFixed(2)} a day), busiest day ${busiest}`,
    );
    // The rules about bulk actions, sign-ins, access, own records, dormancy, volume and hours fire
    // on nothing but the incidents: the demo's ordinary people never do those things.
    for (const rule of RULE_IDS)
      if (rule !== 'sensitive_field' && rule !== 'new_address') expect(perRule[rule], rule).toBe(0);
    // What remains are single, low-stakes alerts a reviewer clears in a minute: an HR partner's
    // first offer change in a month, a VPN exit used for the first time. One every other day on
    // average and never more than 4 in a day (measured: 3, on the days the two-week
    // learning of new addresses ends) is a load one reviewer absorbs alongside the real
    // incidents; 60 people across 6 zones cannot be quieter without missing the first-time cases.
    expect(outside.length).toBeLessThanOrEqual(DAYS / 2);
    expect(busiest).toBeLessThanOrEqual(4);
  });

  it('measures the detectors’ throughput (printed, not asserted: a benchmark is not a test)', () => {
    const m = measureDetectorRun(events, { settings: demoDetectionSettings() });
    console.log(
      `detectors: ${m.eventsPerSecond.toLocaleString('en-US')} events/s, ${m.microsPerEvent.toFixed(2)} µs per event (${m.events} events, ${m.findings} findings, ${m.seconds.toFixed(2)} s)`,
    );
    expect(m.events).toBe(200_000);
  });
});
