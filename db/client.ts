import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema';

export type Database = PostgresJsDatabase<typeof schema> & { $client: postgres.Sql };
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * A drizzle client over one connection pool. Every session runs in UTC so that nothing the
 * database formats depends on the server's configuration (hashing never uses DB formatting).
 */
export function createDb(url: string, options: { max?: number } = {}): Database {
  const client = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: { TimeZone: 'UTC', application_name: 'whochanged' },
  });
  return drizzle({ client, schema, casing: 'snake_case' });
}
