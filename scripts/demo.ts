/**
 * `npm run demo -- --events <n> --days <d> [--seed <s>]`: generates the demo organisation's
 * activity (with its planted incidents) and loads it through the ingest path. Writes the
 * incident manifest to .data/demo-manifest.json.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '@/db/connect';
import { dataDir } from '@/lib/config';
import { createCheckpoint } from '@/lib/integrity/checkpoints';
import { loadSigner } from '@/lib/integrity/keys';
import { loadDemo } from '@/lib/ingest/demo';
import { startPrepareWorkers } from '@/lib/ingest/workers';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    days: { type: 'string', default: '90' },
    seed: { type: 'string', default: '42' },
  },
});
const events = Number(values.events);
const days = Number(values.days);
const seed = Number(values.seed);
if (
  !Number.isSafeInteger(events) ||
  events < 1000 ||
  !Number.isSafeInteger(days) ||
  days < 21 ||
  !Number.isSafeInteger(seed)
) {
  console.error(
    'usage: npm run demo -- --events <n, at least 1000> --days <d, at least 21> [--seed <integer>]',
  );
  process.exit(2);
}
const manifestFile = path.join(dataDir(), 'demo-manifest.json');
const { db, close } = await openDatabase();
const signer = loadSigner();
// As npm run import: the batches are prepared in worker threads.
const workers = startPrepareWorkers();
try {
  const result = await loadDemo(db, {
    events,
    days,
    seed,
    manifestFile,
    checkpoint: () => createCheckpoint(db, 'manual', signer),
    onProgress: (done) => {
      if (process.stderr.isTTY)
        process.stderr.write(
          `\rloaded ${done.toLocaleString('en-US')} / ${events.toLocaleString('en-US')} events`,
        );
    },
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  console.log(
    `loaded ${result.events} demo events over ${days} days in ${result.seconds.toFixed(1)} s (${Math.round(result.events / result.seconds)} events/s)`,
  );
  console.log(`planted incidents: ${result.manifest.incidents.map((i) => i.kind).join(', ')}`);
  console.log(`manifest: ${manifestFile}`);
} finally {
  await workers.stop();
  await close();
}
