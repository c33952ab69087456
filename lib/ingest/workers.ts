/**
 * Worker threads that prepare ingest batches: parse an API request's body, validate it, and
 * render each event (canonical JSON, the body hash, the COPY row). That is most of the CPU an
 * event costs, and none of it needs the stream's lock; on the main thread it queued every
 * request behind the others' hashing, and capped the importer at one core. The main thread
 * keeps what must be in order (the group commit queue, chaining and COPY: a few hashes an event).
 *
 * Started by the processes that ingest in bulk (scripts/start.ts for the API and the demo
 * load, scripts/import.ts, scripts/demo.ts and the benches); anywhere else (most tests) batches
 * are prepared in the calling thread by the same functions.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  installPreparer,
  prepareHere,
  prepareRequestHere,
  type IngestRecord,
  type IngestSource,
  type PrepareOutcome,
  type PreparedRequest,
} from './ingest';

export type PrepareJob =
  | { kind: 'records'; source: IngestSource; records: IngestRecord[] }
  | { kind: 'request'; source: IngestSource; contentType: string | null; body: string };
export type PrepareReply = { id: number } & (
  { result: PrepareOutcome | PreparedRequest } | { error: string }
);

/** Structured cloning turns a Buffer into a plain Uint8Array: the body hashes become Buffers again. */
function withBuffers<T extends PrepareOutcome | PreparedRequest>(result: T): T {
  const outcome = 'prepared' in result ? result.prepared : result;
  if (outcome.ok && 'batch' in outcome)
    for (const r of outcome.batch.unique)
      r.hash = Buffer.from(r.hash.buffer, r.hash.byteOffset, r.hash.byteLength);
  return result;
}

type Pending = { resolve: (value: never) => void; reject: (error: Error) => void };
type Thread = { worker: Worker; pending: Map<number, Pending> };

// The worker runs lib/ingest/prepare-worker.ts through tsx, as the processes that start it do.
const ENTRY = new URL('./prepare-worker.ts', import.meta.url).href;
const BOOT = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(ENTRY)}, ${JSON.stringify(import.meta.url)}))`;

/**
 * Starts `count` workers (one per core but one, at least one: the main thread and PostgreSQL
 * need the rest) and makes them the process's preparer. A worker that dies fails the jobs it
 * held and is replaced a second later; while none is up, jobs are prepared in this thread.
 * `workers()` lists the running ones (for tests and diagnostics).
 */
export function startPrepareWorkers(count = Math.max(1, os.availableParallelism() - 1)): {
  stop: () => Promise<void>;
  workers: () => Worker[];
} {
  let nextId = 1;
  let stopped = false;
  const threads: Thread[] = [];

  const spawn = () => {
    const thread: Thread = {
      // A job's records and rendered rows (megabytes) live until its reply is sent: with V8's
      // default young generation they were promoted and collected as old objects, which cost
      // more than the preparing (70 µs of CPU an imported event in all, 49 µs with 128 MB).
      worker: new Worker(BOOT, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 128 } }),
      pending: new Map(),
    };
    // An idle pool does not keep the process alive; a job in flight does (see run).
    thread.worker.unref();
    thread.worker.on('message', (reply: PrepareReply) => {
      const job = thread.pending.get(reply.id);
      if (!job) return;
      thread.pending.delete(reply.id);
      if (thread.pending.size === 0) thread.worker.unref();
      if ('error' in reply) job.reject(new Error(`preparing a batch failed: ${reply.error}`));
      else job.resolve(withBuffers(reply.result) as never);
    });
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      threads.splice(threads.indexOf(thread), 1);
      for (const job of thread.pending.values()) job.reject(error);
      thread.pending.clear();
      if (stopped) return;
      console.error(
        `[whochanged] a prepare worker failed (${error.message}); another starts in 1 s`,
      );
      setTimeout(() => stopped || spawn(), 1000).unref();
    };
    thread.worker.on('error', fail);
    thread.worker.on('exit', (code) => fail(new Error(`the prepare worker exited (${code})`)));
    threads.push(thread);
  };
  for (let i = 0; i < count; i++) spawn();

  function run<T>(job: PrepareJob, here: () => Promise<T>): Promise<T> {
    if (threads.length === 0) return here();
    // The least busy worker; each works through its jobs in order.
    const thread = threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      thread.pending.set(id, { resolve: resolve as (value: never) => void, reject });
      thread.worker.ref();
      thread.worker.postMessage({ id, job });
    });
  }

  installPreparer({
    records: (source, records) =>
      run({ kind: 'records', source, records }, () => prepareHere(source, records)),
    request: (source, contentType, body) =>
      run({ kind: 'request', source, contentType, body }, () =>
        prepareRequestHere(source, contentType, body),
      ),
  });
  return {
    stop: async () => {
      stopped = true;
      installPreparer(null);
      await Promise.all(threads.map((t) => t.worker.terminate()));
    },
    workers: () => threads.map((t) => t.worker),
  };
}
