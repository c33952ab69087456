/**
 * The realistic demo dataset: "Ridgeway Talent", a recruiting and HR services company with 60
 * people in six time zones, whose CRM, applicant tracking system (ats), HRIS and identity provider
 * send audit events to WhoChanged — with seven planted incidents listed in a manifest.
 *
 *   const demo = createDemo({ events: 200_000, days: 90, seed: 42 });
 *   for (const { source, event } of demo.events()) ingest(source, event);
 *   demo.manifest.incidents; // what the detectors should find
 *
 * Deterministic: the same (seed, events, days, end) gives byte-identical events and manifest.
 * `events()` streams in non-decreasing occurred_at order, one day at a time, in bounded memory
 * (10 million events are fine), and yields exactly `options.events` events, incidents included.
 * Pure TypeScript: no database, no I/O.
 */
import type { EventInput } from '@/lib/events/schema';
import { type IncidentKind, SOURCE_NAMES, type SourceName } from './incidents';
import { MIN_DAYS, Plan } from './plan';
import { World } from './world';

export { SOURCE_NAMES, type SourceName } from './incidents';

export type DemoOptions = {
  /** Total number of events, planted incidents included (at least a few hundred). */
  events: number;
  /** Length of the window in days (at least 21; 90 makes the dormant account's gap 60+ days). */
  days: number;
  seed: number;
  /** End of the window (exclusive); defaults to now. The window is [end - days, end). */
  end?: Date;
};

export type DemoPerson = {
  id: string;
  name: string;
  email: string;
  department: string;
  title: string;
  /** The person's role in the company directory: 'admin' (IT administrators), 'manager' or 'member'. */
  role: string;
  /** IANA zone of their office. */
  timeZone: string;
  /** Local working hours, [workStart, workEnd) in hours, on workDays (0 = Sunday … 6 = Saturday). */
  workStart: number;
  workEnd: number;
  workDays: number[];
  /** Regularly (and legitimately) active in the evening, 20:00–23:00 local. */
  lateWorker: boolean;
  isAdmin: boolean;
};

export type PlantedIncident = {
  id: string;
  kind: IncidentKind;
  description: string;
  /** The person who did it (null: an unauthenticated attacker). */
  actorId: string | null;
  /** The main source (the dormant account's return also touches crm and ats). */
  source: string;
  /** First and last event instants (ISO 8601, UTC). */
  start: string;
  end: string;
  /** Ids of the incident's events, in stream order (ids are unique across sources). */
  eventIds: string[];
  /** The detector that should fire. */
  expectedAlert: string;
};

export type DemoManifest = {
  seed: number;
  events: number;
  days: number;
  start: string;
  end: string;
  people: DemoPerson[];
  sources: string[];
  incidents: PlantedIncident[];
};

export type DemoEvent = { source: SourceName; event: EventInput };

export type Demo = {
  people: DemoPerson[];
  manifest: DemoManifest;
  /** Streams every event in time order; each call starts again from the beginning. */
  events(): Generator<DemoEvent>;
};

export function createDemo(options: DemoOptions): Demo {
  const { events, days, seed } = options;
  if (!Number.isSafeInteger(events) || events < 1)
    throw new RangeError('events must be a positive integer');
  if (!Number.isSafeInteger(days) || days < MIN_DAYS)
    throw new RangeError(`days must be an integer of at least ${MIN_DAYS}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError('seed must be an integer');
  const end = options.end?.getTime() ?? Date.now();
  if (!Number.isFinite(end)) throw new RangeError('end must be a valid date');

  const plan = new Plan({ events, days, seed, end });

  const people: DemoPerson[] = plan.people.map((p) => ({
    id: p.id,
    name: p.name,
    email: p.email,
    department: p.department,
    title: p.title,
    role: p.role,
    timeZone: p.timeZone,
    workStart: p.workStart,
    workEnd: p.workEnd,
    workDays: [...p.workDays],
    lateWorker: p.lateWorker,
    isAdmin: p.isAdmin,
  }));

  const incidents: PlantedIncident[] = plan.incidents.map((draft, i) => {
    const mine = plan.planted
      .map((e, k) => ({ e, id: plan.plantedIds[k] as string }))
      .filter((x) => x.e.incident === i);
    const times = mine.map((x) => x.e.ms);
    return {
      ...draft,
      start: new Date(Math.min(...times)).toISOString(),
      end: new Date(Math.max(...times)).toISOString(),
      eventIds: mine.map((x) => x.id),
    };
  });

  const manifest: DemoManifest = {
    seed,
    events,
    days,
    start: new Date(plan.start).toISOString(),
    end: new Date(plan.end).toISOString(),
    people,
    sources: [...SOURCE_NAMES],
    incidents,
  };

  function* stream(): Generator<DemoEvent> {
    const world = new World(plan);
    for (let c = 0; c < plan.nChunks; c++) {
      const sk = plan.skeleton(c);
      for (let r = 0; r < sk.n; r++) {
        const g = sk.order[r] as number;
        const source = sk.sources[g] as number;
        yield {
          source: SOURCE_NAMES[source] as SourceName,
          event: world.render(sk.times[g] as number, source, sk.actors[g] as number),
        };
      }
    }
  }

  return { people, manifest, events: stream };
}
