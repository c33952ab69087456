import { writeFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { detectionSettings, sources } from '@/db/schema';
import { demoDetectionSettings } from '@/lib/demo/detection-settings';
import { updateSettings } from '@/lib/detection/rules';
import { createDemo, type DemoManifest } from '@/lib/demo';
import { SOURCE_NAMES } from '@/lib/demo/incidents';
import { validateEvent } from '@/lib/events/schema';
import { ingestEvents, type IngestRecord, type IngestSource } from './ingest';
import { createSource } from './sources';

const DEMO_ACTOR = {
  actor: { id: 'system:demo', name: 'Demo data generator', email: null, type: 'system' as const },
  context: { ip: null, userAgent: null, requestId: null },
  sessionId: null,
};
const DESCRIPTIONS: Record<string, string> = {
  crm: 'Sales CRM: contacts, deals',
  ats: 'Applicant tracking: candidates, offers',
  hris: 'HR information system: employees, salaries, roles',
  identity: 'Identity provider: sign-ins, groups, roles',
};

const CHECKPOINT_EVERY = 10_000;

export type DemoLoadResult = { events: number; seconds: number; manifest: DemoManifest };

/**
 * Generates the demo organisation's activity and loads it through the normal ingest path
 * (validation, idempotency, hash chains), one stream per source. Sources are created when
 * missing. The manifest of planted incidents is written to `manifestFile`.
 */
export async function loadDemo(
  db: Database,
  options: {
    events: number;
    days: number;
    seed: number;
    manifestFile?: string;
    batchSize?: number;
    onProgress?: (done: number) => void;
    /**
     * Called after about every 10,000 stored events (and at the end), e.g. to sign a checkpoint:
     * as in a store that has been running for a while, the history then has checkpoints all
     * along it, and an evidence bundle of any stretch of it stays small.
     */
    checkpoint?: () => Promise<unknown>;
  },
): Promise<DemoLoadResult> {
  const started = Date.now();
  const demo = createDemo({ events: options.events, days: options.days, seed: options.seed });
  const byName = new Map<string, IngestSource>();
  for (const name of SOURCE_NAMES) {
    const [existing] = await db
      .select({ id: sources.id, streamId: sources.streamId })
      .from(sources)
      .where(eq(sources.name, name));
    byName.set(
      name,
      existing ??
        (await db.transaction((tx) =>
          createSource(tx, DEMO_ACTOR, { name, description: DESCRIPTIONS[name] ?? '' }),
        )),
    );
  }
  const batchSize = options.batchSize ?? 5000;
  const buffers = new Map<string, IngestRecord[]>(SOURCE_NAMES.map((n) => [n, []]));
  let done = 0;
  // Up to two batches are stored while the generator runs on; each source's batches stay in
  // order (one in flight per source, and the stream head lock serialises them anyway).
  const inFlight = new Map<string, Promise<void>>();
  const flush = async (name: string) => {
    await inFlight.get(name);
    const batch = buffers.get(name)!;
    if (batch.length === 0) return;
    buffers.set(name, []);
    while ([...inFlight.values()].length >= 2) await Promise.race(inFlight.values());
    const task = ingestEvents(db.$client, byName.get(name)!, batch).then(async (outcome) => {
      if (!outcome.ok)
        throw new Error(
          `demo data conflicts with what ${name} already holds: ${outcome.conflicts[0]?.reason}`,
        );
      done += batch.length;
      options.onProgress?.(done);
      if (
        Math.floor(done / CHECKPOINT_EVERY) > Math.floor((done - batch.length) / CHECKPOINT_EVERY)
      )
        await options.checkpoint?.();
    });
    const tracked = task.finally(() => inFlight.delete(name));
    tracked.catch(() => {});
    inFlight.set(name, tracked);
  };
  for (const { source, event } of demo.events()) {
    const buffer = buffers.get(source)!;
    const result = validateEvent(event, buffer.length);
    if (!result.ok)
      throw new Error(
        `the demo generator produced an invalid event: ${JSON.stringify(result.problems)}`,
      );
    buffer.push({ index: buffer.length, event: result.event });
    if (buffer.length >= batchSize) await flush(source);
  }
  for (const name of SOURCE_NAMES) await flush(name);
  await Promise.all(inFlight.values());
  await options.checkpoint?.();
  // The demo organisation's working hours, sensitive fields and admins, unless set already.
  await db.transaction(async (tx) => {
    const [existing] = await tx.select({ id: detectionSettings.id }).from(detectionSettings);
    if (!existing) await updateSettings(tx, DEMO_ACTOR, demoDetectionSettings());
  });
  if (options.manifestFile)
    writeFileSync(options.manifestFile, JSON.stringify(demo.manifest, null, 2) + '\n');
  return { events: done, seconds: (Date.now() - started) / 1000, manifest: demo.manifest };
}
