import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const APP_ROLE = 'whochanged_app';
// Months of audit partitions kept ready ahead of today.
const MONTHS_AHEAD = 3;

/**
 * Applies the committed migrations as the owner (serialised by an advisory lock, so two
 * starting processes cannot race), keeps the next months' partitions ready, and — when given a
 * password — lets the restricted application role log in with it. Returns the app role's URL.
 */
export async function migrateDatabase(ownerUrl: string, appPassword?: string): Promise<string> {
  const client = postgres(ownerUrl, {
    max: 1,
    onnotice: () => {},
    connection: { TimeZone: 'UTC' },
  });
  try {
    await client`select pg_advisory_lock(7261001)`;
    try {
      await migrate(drizzle({ client }), { migrationsFolder });
      await client`select ensure_audit_partitions(current_date, ${MONTHS_AHEAD + 1})`;
      if (appPassword) {
        // ALTER ROLE takes no bind parameters; the literal is escaped by doubling quotes.
        await client.unsafe(
          `alter role ${APP_ROLE} login password '${appPassword.replace(/'/g, "''")}'`,
        );
      }
    } finally {
      await client`select pg_advisory_unlock(7261001)`;
    }
  } finally {
    await client.end();
  }
  const url = new URL(ownerUrl);
  url.username = APP_ROLE;
  url.password = appPassword ?? '';
  return url.toString();
}
