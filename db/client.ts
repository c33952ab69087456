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
    connection: { TimeZone: 'UTC', DateStyle: 'ISO, YMD', application_name: 'whochanged' },
  });
  return drizzle({ client, schema, casing: 'snake_case' });
}

/**
 * The postgres.js transaction under a drizzle transaction, for what drizzle does not wrap
 * (COPY). Relies on drizzle's postgres-js session keeping its client as `session.client`.
 */
export function rawTransaction(tx: Tx): postgres.TransactionSql {
  const client = (tx as unknown as { session?: { client?: postgres.TransactionSql } }).session?.client;
  if (!client || typeof client.unsafe !== 'function') throw new Error('rawTransaction: not a drizzle postgres-js transaction');
  return client;
}
