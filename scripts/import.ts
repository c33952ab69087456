/**
 * `npm run import -- --source <name> --format <jsonl|csv|cloudtrail> [--rejects <file>]
 *  [--all-or-nothing] <files...>`: bulk-loads files into a source's stream (see README).
 */
import { parseArgs } from 'node:util';
import { openDatabase } from '@/db/connect';
import { ExpectedError } from '@/lib/errors';
import { IMPORT_FORMATS, type ImportFormat } from '@/lib/import';
import { startPrepareWorkers } from '@/lib/ingest/workers';
import { importFiles, type ImportProgress } from '@/lib/ingest/bulk';

const USAGE =
  'usage: npm run import -- --source <name> --format <jsonl|csv|cloudtrail> [--rejects <file>] [--all-or-nothing] <files...>';
let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      source: { type: 'string' },
      format: { type: 'string' },
      rejects: { type: 'string' },
      'all-or-nothing': { type: 'boolean', default: false },
      'batch-size': { type: 'string' },
    },
  });
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
const { values, positionals: files } = parsed;
if (!values.source || !values.format || files.length === 0) {
  console.error(USAGE);
  process.exit(2);
}
if (!IMPORT_FORMATS.includes(values.format as ImportFormat)) {
  console.error(`--format must be one of ${IMPORT_FORMATS.join(', ')} (got "${values.format}")`);
  process.exit(2);
}

const started = Date.now();
function drawProgress(p: ImportProgress) {
  if (!process.stderr.isTTY) return;
  const fraction = p.bytesTotal ? Math.min(1, p.bytesRead / p.bytesTotal) : 1;
  const width = 30;
  const bar = '█'.repeat(Math.round(fraction * width)).padEnd(width, '░');
  const rate = Math.round(p.stored / Math.max(0.001, (Date.now() - started) / 1000));
  process.stderr.write(
    `\r[${bar}] ${(fraction * 100).toFixed(0).padStart(3)}% file ${p.fileIndex + 1}/${p.files}  read ${p.read.toLocaleString('en-US')}  stored ${p.stored.toLocaleString('en-US')}  rejected ${p.rejected.toLocaleString('en-US')}  ${rate.toLocaleString('en-US')} ev/s `,
  );
}

const { db, close } = await openDatabase();
const workers = startPrepareWorkers();
try {
  const summary = await importFiles(db, {
    source: values.source,
    format: values.format as ImportFormat,
    files,
    rejectsFile: values.rejects,
    allOrNothing: values['all-or-nothing'],
    batchSize: values['batch-size'] ? Number(values['batch-size']) : undefined,
    onProgress: drawProgress,
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  console.log(
    `imported ${summary.files} file(s) into ${values.source}: read ${summary.read}, stored ${summary.stored}, duplicates ${summary.duplicates}, rejected ${summary.rejected} in ${summary.seconds.toFixed(1)} s (${Math.round(summary.stored / Math.max(summary.seconds, 0.001))} events/s)`,
  );
  for (const { file, reason } of summary.unreadableFiles)
    console.log(`could not read ${file}: ${reason}`);
  if (summary.refusedFiles.length)
    console.log(
      `refused (--all-or-nothing), nothing stored from: ${summary.refusedFiles.join(', ')}`,
    );
  if (summary.rejected)
    console.log(
      values.rejects
        ? `rejected records are listed in ${values.rejects}`
        : 'pass --rejects <file> to list the rejected records',
    );
  if (summary.rejected || summary.refusedFiles.length) process.exitCode = 1;
} catch (error) {
  if (error instanceof ExpectedError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
    console.error(`error: ${(error as Error).message}`);
    process.exitCode = 1;
  } else throw error;
} finally {
  await workers.stop();
  await close();
}
