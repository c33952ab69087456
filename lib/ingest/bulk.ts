import { createReadStream, createWriteStream, statSync, type WriteStream } from 'node:fs';
import { eq } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { sources } from '@/db/schema';
import { ExpectedError } from '@/lib/errors';
import { validateEvent } from '@/lib/events/schema';
import { decodeText, parseText, type ImportFormat, type ParsedRecord } from '@/lib/import';
import {
  ingestEvents,
  prepareBatch,
  storeBatch,
  type IngestRecord,
  type IngestSource,
  type PrepareOutcome,
} from './ingest';

export type ImportProgress = {
  file: string;
  fileIndex: number;
  files: number;
  bytesRead: number;
  bytesTotal: number;
  read: number;
  stored: number;
  duplicates: number;
  rejected: number;
};
export type ImportSummary = {
  files: number;
  read: number;
  stored: number;
  duplicates: number;
  rejected: number;
  refusedFiles: string[];
  /**
   * Files that are not in the format at all (not CloudTrail's `{"Records": [...]}`, a CSV
   * without the header, a broken gzip stream): read up to the fault, then left; the records
   * read before it load as usual (with --all-or-nothing, the file is refused).
   */
  unreadableFiles: { file: string; reason: string }[];
  seconds: number;
};
type Reject = { file: string; line: number; reason: string; raw?: string };

/** Records per batch (one transaction each) unless the caller says otherwise. */
export const IMPORT_BATCH_SIZE = 5_000;

/** The bytes of a file, counted as they are read (for the progress bar: compressed bytes of a .gz). */
async function* countedBytes(
  file: string,
  onBytes: (n: number) => void,
): AsyncGenerator<Uint8Array> {
  const stream = createReadStream(file, { highWaterMark: 1024 * 1024 });
  try {
    for await (const chunk of stream) {
      onBytes((chunk as Buffer).length);
      yield chunk as Buffer;
    }
  } finally {
    stream.destroy();
  }
}

export async function findSource(
  db: Database,
  name: string,
): Promise<IngestSource & { name: string }> {
  const [source] = await db
    .select({ id: sources.id, streamId: sources.streamId, name: sources.name })
    .from(sources)
    .where(eq(sources.name, name));
  if (!source)
    throw new ExpectedError(
      `no source named "${name}": create it first with npm run source:create -- --name ${name}`,
    );
  return source;
}

/**
 * Loads files into one source. Each record is parsed and validated; valid ones are stored in
 * batches (COPY, one transaction each); rejected ones — unreadable, invalid, or an id already
 * stored with a different body — are listed with file, line and reason, and the rest still
 * load. With allOrNothing, a file with any rejected record stores nothing: it is loaded in a
 * single transaction only when every record is valid.
 */
export async function importFiles(
  db: Database,
  options: {
    source: string;
    format: ImportFormat;
    files: string[];
    rejectsFile?: string;
    allOrNothing?: boolean;
    batchSize?: number;
    onProgress?: (p: ImportProgress) => void;
  },
): Promise<ImportSummary> {
  const started = Date.now();
  const source = await findSource(db, options.source);
  const batchSize = options.batchSize ?? IMPORT_BATCH_SIZE;
  const rejectsOut: WriteStream | null = options.rejectsFile
    ? createWriteStream(options.rejectsFile)
    : null;
  const summary: Omit<ImportSummary, 'seconds'> = {
    files: options.files.length,
    read: 0,
    stored: 0,
    duplicates: 0,
    rejected: 0,
    refusedFiles: [],
    unreadableFiles: [],
  };
  const writeReject = (r: Reject) => {
    summary.rejected++;
    rejectsOut?.write(JSON.stringify(r) + '\n');
  };

  try {
    for (const [fileIndex, file] of options.files.entries()) {
      const bytesTotal = statSync(file).size;
      const progress: ImportProgress = {
        file,
        fileIndex,
        files: options.files.length,
        bytesRead: 0,
        bytesTotal,
        read: 0,
        stored: 0,
        duplicates: 0,
        rejected: 0,
      };
      const report = () =>
        options.onProgress?.({
          ...progress,
          read: summary.read,
          stored: summary.stored,
          duplicates: summary.duplicates,
          rejected: summary.rejected,
        });
      const fileRejects: Reject[] = [];
      let batch: (IngestRecord & { line: number })[] = [];
      const lineOf = new Map<number, number>();

      // A pipeline: while node parses and validates a batch, the one before is prepared
      // (canonical JSON, hashes: in a worker thread when the process started them) and the one
      // before that is chained and stored (storeBatch, which plans the next group while the
      // database stores the last). Batches are handed to storeBatch in file order.
      const inFlight: Promise<void>[] = [];
      let handedOver: Promise<unknown> = Promise.resolve();
      const store = async (pending: (IngestRecord & { line: number })[], first: PrepareOutcome) => {
        let prepared: PrepareOutcome | null = first;
        for (;;) {
          const outcome = prepared?.ok
            ? await storeBatch(db.$client, prepared.batch)
            : await ingestEvents(db.$client, source, pending);
          prepared = null;
          if (outcome.ok) {
            summary.stored += outcome.accepted;
            summary.duplicates += outcome.duplicates;
            break;
          }
          // Conflicting ids are rejected; the rest of the batch is stored on the next try.
          const bad = new Set(outcome.conflicts.map((c) => c.index));
          for (const c of outcome.conflicts)
            writeReject({
              file,
              line: lineOf.get(c.index) ?? 0,
              reason: `id ${c.id}: ${c.reason}`,
            });
          pending = pending.filter((r) => !bad.has(r.index));
          if (pending.length === 0) break;
        }
        report();
      };
      const flush = async () => {
        if (batch.length === 0) return;
        const pending = batch;
        batch = [];
        const prepared = prepareBatch(source, pending);
        const turn = handedOver.then(() => prepared);
        handedOver = turn.catch(() => {});
        const current = turn.then((p) => store(pending, p));
        // Surface a failure at the next await, never as an unhandled rejection.
        current.catch(() => {});
        inFlight.push(current);
        // At most three batches outstanding (preparing, planning, storing).
        if (inFlight.length > 2) await inFlight.shift();
      };

      let index = 0;
      const records = parseText(
        decodeText(
          countedBytes(file, (n) => (progress.bytesRead += n)),
          { gzip: file.toLowerCase().endsWith('.gz') },
        ),
        options.format,
      );
      // The parser's own failure (the file is not in the format) is the file's, not the import's:
      // it is listed, and the other files are still read. Failures of the storing propagate.
      let unreadable: string | null = null;
      for (;;) {
        let next: IteratorResult<ParsedRecord>;
        try {
          next = await records.next();
        } catch (error) {
          unreadable = (error as Error).message;
          break;
        }
        if (next.done) break;
        const record = next.value;
        summary.read++;
        if (!record.ok) {
          fileRejects.push({ file, line: record.line, reason: record.reason, raw: record.raw });
          continue;
        }
        const result = validateEvent(record.event, index);
        if (!result.ok) {
          fileRejects.push({
            file,
            line: record.line,
            reason: result.problems.map((p) => `${p.field}: ${p.message}`).join('; '),
          });
          continue;
        }
        lineOf.set(index, record.line);
        batch.push({ index, event: result.event, flags: record.flags, line: record.line });
        index++;
        if (!options.allOrNothing && batch.length >= batchSize) await flush();
        if (!options.allOrNothing && fileRejects.length) fileRejects.splice(0).forEach(writeReject);
        if (summary.read % 5000 === 0) report();
        // Parsing a buffered file never waits, so it would hold the thread until the next read:
        // let the database's replies through often, or the batch in flight stalls between statements.
        if (summary.read % 200 === 0) await new Promise(setImmediate);
      }

      // Listed with the rejected records, after those read before the fault (line 0: the file).
      if (unreadable !== null) {
        summary.unreadableFiles.push({ file, reason: unreadable });
        fileRejects.push({ file, line: 0, reason: unreadable });
      }
      if (options.allOrNothing) {
        if (fileRejects.length) {
          fileRejects.forEach(writeReject);
          summary.refusedFiles.push(file);
          continue;
        }
        // One transaction for the whole file: every record or none.
        const outcome = await ingestEvents(db.$client, source, batch);
        if (outcome.ok) {
          summary.stored += outcome.accepted;
          summary.duplicates += outcome.duplicates;
        } else {
          for (const c of outcome.conflicts)
            writeReject({
              file,
              line: lineOf.get(c.index) ?? 0,
              reason: `id ${c.id}: ${c.reason}`,
            });
          summary.refusedFiles.push(file);
        }
        batch = [];
      } else {
        fileRejects.splice(0).forEach(writeReject);
        await flush();
        for (const batch of inFlight.splice(0)) await batch;
      }
      report();
    }
  } finally {
    if (rejectsOut) await new Promise<void>((resolve) => rejectsOut.end(resolve));
  }
  return { ...summary, seconds: (Date.now() - started) / 1000 };
}
