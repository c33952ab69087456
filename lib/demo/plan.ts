/**
 * The plan of a demo dataset: the window, the people, the planted incidents, and how many
 * background events each traffic stream gets in each 24-hour chunk of the window, such that the
 * total is exactly the requested number. A chunk's "skeleton" (when, which source, which actor)
 * is a pure function of the plan and the chunk number, so the manifest can name the exact ids of
 * the planted events without generating the rest of the window, and `events()` can stream chunk
 * by chunk in bounded memory.
 */
import { type Availability, hrisSyncDensity, jobBoardDensity, personDensity } from './activity';
import {
  ATS,
  CRM,
  HRIS,
  IDENTITY,
  type IncidentDraft,
  type Planted,
  SOURCE_NAMES,
  placeIncidents,
} from './incidents';
import { type Profile, buildRoster } from './org';
import { Rng, apportion, labelNumber, searchCumulative } from './random';
import { Clock, DAY, HOUR, MINUTE } from './time';

export const QUARTER = 15 * MINUTE;
export const SLOTS = 96; // quarter hours per chunk
/** Sort keys pack (ms within the chunk) * 2^24 + generation index into one exact double. */
const INDEX_BITS = 2 ** 24;

export type ServiceDef = { id: string; name: string; ip: string; userAgent: string };

export const SERVICES: ServiceDef[] = [
  {
    id: 'svc-ats-jobboard',
    name: 'Job board importer',
    ip: '198.51.100.250',
    userAgent: 'ridgeway-jobboard-importer/2.4.1',
  },
  {
    id: 'svc-hris-sync',
    name: 'HRIS payroll sync',
    ip: '198.51.100.251',
    userAgent: 'hris-payroll-sync/5.1.0 (+cron)',
  },
];
/** Actor codes in a skeleton: >= 0 a person, SERVICE_BASE + i a service, < 0 planted event -(i + 1). */
export const SERVICE_BASE = 1000;

type Stream = { name: string; source: number; share: number; service: number | null };

/** Background traffic: per-source shares of people's work, plus the two service accounts. */
export const STREAMS: Stream[] = [
  { name: 'crm', source: CRM, share: 0.27, service: null },
  { name: 'ats', source: ATS, share: 0.36, service: null },
  { name: 'hris', source: HRIS, share: 0.085, service: null },
  { name: 'identity', source: IDENTITY, share: 0.23, service: null },
  { name: 'ats job board', source: ATS, share: 0.04, service: 0 },
  { name: 'hris sync', source: HRIS, share: 0.015, service: 1 },
];

export type PlanOptions = { events: number; days: number; seed: number; end: number };

export type Skeleton = {
  /** Event count of the chunk. */
  n: number;
  times: Float64Array;
  sources: Uint8Array;
  actors: Int32Array;
  /** Generation indexes in time order. */
  order: Uint32Array;
};

export const MIN_DAYS = 21;

export class Plan {
  readonly seed: number;
  readonly events: number;
  readonly days: number;
  readonly start: number;
  readonly end: number;
  readonly clock: Clock;
  readonly people: Profile[];
  readonly availability: Availability[];
  readonly planted: Planted[];
  readonly incidents: IncidentDraft[];
  readonly dormantGapDays: number;
  readonly q0: number;
  readonly nChunks: number;
  /** counts[stream][chunk]: background events. */
  readonly counts: Int32Array[];
  /** Planted event indexes per chunk. */
  readonly plantedByChunk: number[][];
  /** The id of each planted event (same order as `planted`). */
  readonly plantedIds: string[];

  constructor(options: PlanOptions) {
    const { events, days, seed, end } = options;
    this.seed = seed;
    this.events = events;
    this.days = days;
    this.end = end;
    this.start = end - days * DAY;
    this.clock = new Clock(this.start - 2 * DAY, end + 2 * DAY);
    this.people = buildRoster(seed);

    const placement = placeIncidents({
      clock: this.clock,
      people: this.people,
      start: this.start,
      end,
      rng: new Rng(seed, labelNumber('incidents')),
    });
    this.planted = placement.planted;
    this.incidents = placement.incidents;
    this.dormantGapDays = placement.dormantGapDays;
    if (events < this.planted.length) {
      throw new RangeError(
        `events must be at least ${this.planted.length} (the planted incidents alone need that many)`,
      );
    }

    const vacationRng = new Rng(seed, labelNumber('vacations'));
    const firstDay = Math.floor(this.start / DAY);
    this.availability = this.people.map((p) => {
      const alwaysIn = p.incident !== null;
      const takesVacation = vacationRng.chance(0.45);
      const vacationStart = firstDay + vacationRng.int(Math.max(1, days - 7));
      return {
        vacation: !alwaysIn && takesVacation ? [vacationStart, vacationStart + 7] : null,
        activeFrom: this.start,
        activeUntil: placement.activeUntil.get(p.index) ?? Number.POSITIVE_INFINITY,
        alwaysIn,
      };
    });

    this.q0 = Math.floor(this.start / QUARTER);
    const qEnd = Math.ceil(end / QUARTER);
    this.nChunks = Math.max(1, Math.ceil((qEnd - this.q0) / SLOTS));

    // Weight of every stream in every chunk, then exact apportionment of the background total.
    const weights: number[][] = STREAMS.map(() => []);
    const dens = new Float64Array(this.people.length * SLOTS);
    const lo = new Float64Array(SLOTS);
    const hi = new Float64Array(SLOTS);
    for (let c = 0; c < this.nChunks; c++) {
      this.chunkDensity(c, dens, lo, hi);
      STREAMS.forEach((stream, k) => {
        let w = 0;
        if (stream.service === null) {
          for (const p of this.people) {
            const sw = p.sourceWeights[stream.source] as number;
            if (sw === 0) continue;
            let sum = 0;
            for (let j = 0; j < SLOTS; j++) sum += dens[p.index * SLOTS + j] as number;
            w += sw * sum;
          }
        } else {
          for (let j = 0; j < SLOTS; j++) w += this.serviceDensity(stream.service, c, j, lo, hi);
        }
        (weights[k] as number[]).push(w);
      });
    }
    const background = events - this.planted.length;
    const perStream = apportion(
      background,
      STREAMS.map((s) => s.share),
    );
    this.counts = STREAMS.map((_, k) =>
      Int32Array.from(apportion(perStream[k] as number, weights[k] as number[])),
    );

    this.plantedByChunk = Array.from({ length: this.nChunks }, () => []);
    this.planted.forEach((e, i) => (this.plantedByChunk[this.chunkOf(e.ms)] as number[]).push(i));

    // Ids of the planted events: per-source sequence numbers in stream order.
    this.plantedIds = new Array<string>(this.planted.length).fill('');
    const before = [0, 0, 0, 0];
    for (let c = 0; c < this.nChunks; c++) {
      const mine = this.plantedByChunk[c] as number[];
      if (mine.length === 0) {
        for (let k = 0; k < STREAMS.length; k++)
          before[(STREAMS[k] as Stream).source]! += (this.counts[k] as Int32Array)[c] as number;
        continue;
      }
      const sk = this.skeleton(c);
      const seq = [...before];
      for (let r = 0; r < sk.n; r++) {
        const g = sk.order[r] as number;
        const s = sk.sources[g] as number;
        seq[s]! += 1;
        const actor = sk.actors[g] as number;
        if (actor < 0) this.plantedIds[-actor - 1] = eventId(s, seq[s] as number);
      }
      for (let s = 0; s < 4; s++) before[s] = seq[s] as number;
    }
  }

  chunkOf(ms: number): number {
    return Math.min(this.nChunks - 1, Math.floor((Math.floor(ms / QUARTER) - this.q0) / SLOTS));
  }

  /** Per-person activity density of each quarter hour of chunk c, and the slots' clipped bounds. */
  chunkDensity(c: number, dens: Float64Array, lo: Float64Array, hi: Float64Array): void {
    const base = (this.q0 + c * SLOTS) * QUARTER;
    for (let j = 0; j < SLOTS; j++) {
      const from = base + j * QUARTER;
      lo[j] = Math.max(from, this.start);
      hi[j] = Math.min(from + QUARTER, this.end);
    }
    const offsets = new Map<string, Int32Array>();
    for (const p of this.people) {
      let offs = offsets.get(p.timeZone);
      if (!offs) {
        offs = new Int32Array(SLOTS);
        for (let j = 0; j < SLOTS; j++) offs[j] = this.clock.offset(p.timeZone, base + j * QUARTER);
        offsets.set(p.timeZone, offs);
      }
      const a = this.availability[p.index] as Availability;
      for (let j = 0; j < SLOTS; j++) {
        const from = base + j * QUARTER;
        const span = (hi[j] as number) - (lo[j] as number);
        let d = 0;
        if (span > 0 && from + QUARTER <= a.activeUntil && from >= a.activeFrom - QUARTER) {
          const local = from + (offs[j] as number) * MINUTE;
          const localDay = Math.floor(local / DAY);
          const weekday = (((localDay + 4) % 7) + 7) % 7;
          d =
            personDensity(this.seed, p, a, weekday, (local - localDay * DAY) / HOUR, localDay) *
            (span / QUARTER);
        }
        dens[p.index * SLOTS + j] = d;
      }
    }
  }

  serviceDensity(
    service: number,
    c: number,
    j: number,
    lo: Float64Array,
    hi: Float64Array,
  ): number {
    const span = (hi[j] as number) - (lo[j] as number);
    if (span <= 0) return 0;
    const from = (this.q0 + c * SLOTS + j) * QUARTER;
    const day = Math.floor(from / DAY);
    const hour = (from - day * DAY) / HOUR;
    const d =
      service === 0 ? jobBoardDensity(hour, (((day + 4) % 7) + 7) % 7) : hrisSyncDensity(hour);
    return d * (span / QUARTER);
  }

  /** When, where and who for every event of chunk c, background and planted, in time order. */
  skeleton(c: number): Skeleton {
    const plantedHere = this.plantedByChunk[c] as number[];
    let n = plantedHere.length;
    for (let k = 0; k < STREAMS.length; k++) n += (this.counts[k] as Int32Array)[c] as number;
    if (n >= INDEX_BITS)
      throw new RangeError(
        'too many events per day for the demo generator (at most 16 million per day)',
      );
    const times = new Float64Array(n);
    const sources = new Uint8Array(n);
    const actors = new Int32Array(n);
    const rng = new Rng(this.seed, labelNumber('skeleton'), c);
    const nPeople = this.people.length;
    const dens = new Float64Array(nPeople * SLOTS);
    const lo = new Float64Array(SLOTS);
    const hi = new Float64Array(SLOTS);
    this.chunkDensity(c, dens, lo, hi);
    const cum = new Float64Array(nPeople * SLOTS);
    let g = 0;
    STREAMS.forEach((stream, k) => {
      const m = (this.counts[k] as Int32Array)[c] as number;
      if (m === 0) return;
      let total = 0;
      let size: number;
      if (stream.service === null) {
        size = nPeople * SLOTS;
        for (let p = 0; p < nPeople; p++) {
          const sw = (this.people[p] as Profile).sourceWeights[stream.source] as number;
          for (let j = 0; j < SLOTS; j++) {
            total += sw * (dens[p * SLOTS + j] as number);
            cum[p * SLOTS + j] = total;
          }
        }
      } else {
        size = SLOTS;
        for (let j = 0; j < SLOTS; j++) {
          total += this.serviceDensity(stream.service, c, j, lo, hi);
          cum[j] = total;
        }
      }
      for (let i = 0; i < m; i++) {
        const idx = searchCumulative(cum, rng.next() * total, size);
        const j = idx % SLOTS;
        const from = lo[j] as number;
        times[g] = from + Math.floor(rng.next() * ((hi[j] as number) - from));
        sources[g] = stream.source;
        actors[g] =
          stream.service === null ? Math.floor(idx / SLOTS) : SERVICE_BASE + stream.service;
        g++;
      }
    });
    for (const i of plantedHere) {
      const e = this.planted[i] as Planted;
      times[g] = e.ms;
      sources[g] = e.source;
      actors[g] = -(i + 1);
      g++;
    }
    const chunkStart = (this.q0 + c * SLOTS) * QUARTER;
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = ((times[i] as number) - chunkStart) * INDEX_BITS + i;
    keys.sort();
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = (keys[i] as number) % INDEX_BITS;
    return { n, times, sources, actors, order };
  }
}

export function eventId(source: number, sequence: number): string {
  return `${SOURCE_NAMES[source]}-${String(sequence).padStart(9, '0')}`;
}
