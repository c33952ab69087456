import 'server-only';
import { createDb, type Database } from './client';

// One pool per server process (kept on globalThis so dev-mode reloads do not leak pools).
const globalForDb = globalThis as unknown as { whochangedDb?: Database };

function getDb(): Database {
  if (!globalForDb.whochangedDb) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set: start the app with `npm start`.');
    // Every query the dashboard runs is time-limited (security.md 18); a search that cannot
    // finish in time fails with a message instead of holding a connection.
    globalForDb.whochangedDb = createDb(url, { statementTimeoutMs: 20_000, name: 'web' });
  }
  return globalForDb.whochangedDb;
}

export const db: Database = new Proxy({} as Database, {
  get: (_target, prop) => Reflect.get(getDb(), prop),
});
export type { Database, Tx } from './client';
