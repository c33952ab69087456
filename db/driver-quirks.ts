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
