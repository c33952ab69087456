import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type postgres from 'postgres';

/**
 * postgres.js 3.4 can throw from a timer after a connection dies mid-query (the database was
 * killed or restarted): `nextWrite` runs on a socket it has already dropped. The query itself
 * has failed properly by then; this stray TypeError is all that is left, and as an uncaught
 * exception it would take the whole server down. Only exactly this error is recognised.
 */
export function isClosedSocketWrite(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  // Test runners hand over a serialised copy, so match on content, not on the class.
  const { name, message, stack } = error as { name?: string; message?: string; stack?: string };
  let trace = stack ?? '';
  try {
    trace += JSON.stringify(error);
  } catch {
    // not serialisable: the stack alone decides
  }
  return (
    name === 'TypeError' &&
    message === "Cannot read properties of null (reading 'write')" &&
    trace.includes('nextWrite') &&
    /postgres[\\/]src[\\/]connection\.js/.test(trace)
  );
}

/**
 * `COPY ... FROM STDIN` with `text` as its data, failing when the server refuses it.
 * postgres.js 3.4 resolves the query with the stream as soon as the COPY starts, so an error
 * the server raises after the last data (a bad value, a cancelled statement) rejects a promise
 * that has already settled: it is lost, and the stream never finishes. The query's own reject
 * is where the driver sends that error; it is wrapped here to reach the caller.
 * db/driver-quirks.int.test.ts checks that a refused COPY fails rather than hangs.
 */
export async function copyFrom(
  sql: postgres.Sql | postgres.TransactionSql,
  statement: string,
  text: string,
): Promise<void> {
  const query = sql.unsafe(statement) as unknown as {
    reject?: (error: unknown) => void;
    writable: () => Promise<Writable>;
  };
  if (typeof query.reject !== 'function')
    throw new Error('copyFrom: this postgres.js has no query.reject to hook (check the upgrade)');
  let refuse: (error: unknown) => void = () => {};
  const refused = new Promise<never>((_, reject) => (refuse = reject));
  const driverReject = query.reject;
  query.reject = (error) => {
    driverReject(error);
    refuse(error);
  };
  const stream = await Promise.race([query.writable(), refused]);
  stream.end(text);
  await Promise.race([once(stream, 'finish'), refused]);
}
