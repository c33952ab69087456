/** A prepare worker thread (lib/ingest/workers.ts): runs each job it is sent, in order. */
import { parentPort } from 'node:worker_threads';
import { prepareHere, prepareRequestHere } from './ingest';
import type { PrepareJob, PrepareReply } from './workers';

const port = parentPort;
if (!port) throw new Error('prepare-worker.ts runs as a worker thread (lib/ingest/workers.ts)');

let queue: Promise<void> = Promise.resolve();
port.on('message', ({ id, job }: { id: number; job: PrepareJob }) => {
  queue = queue.then(async () => {
    let reply: PrepareReply;
    try {
      const result =
        job.kind === 'records'
          ? await prepareHere(job.source, job.records, false)
          : await prepareRequestHere(job.source, job.contentType, job.body, false);
      reply = { id, result };
    } catch (error) {
      reply = { id, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
  });
});
