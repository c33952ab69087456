import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import net from 'node:net';
import postgres from 'postgres';
import * as schema from './schema';

export type Database = PostgresJsDatabase<typeof schema> & { $client: postgres.Sql };
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/** The application_name of a process's sessions: `whochanged <name>`. */
export const sessionName = (name = 'tool') => `whochanged ${name}`;

/**
 * A drizzle client over one connection pool. Every session runs in UTC so that nothing the
 * database formats depends on the server's configuration (hashing never uses DB formatting).
 * Its sessions are named `whochanged <name>` (application_name), so pg_stat_activity tells the
 * server's sessions from the workers' and the command-line tools'.
 */
export function createDb(
  url: string,
  options: { max?: number; statementTimeoutMs?: number; name?: string } = {},
): Database {
  const client = postgres(url, {
    max: options.max ?? 10,
    // Without TCP_NODELAY, the last small packet of a large request waits for the server's
    // delayed ACK: ~40 ms added to every big batch (measured with COPY, which showed it first).
    // postgres.js takes a connected socket here.
    // @ts-expect-error -- `socket` is a documented postgres.js option missing from its types.
    socket: ({ host, port }: { host: string[]; port: number[] }) =>
      new Promise<net.Socket>((resolve, reject) => {
        const h = host[0] ?? '127.0.0.1';
        const p = port[0] ?? 5432;
        const target = h.startsWith('/') ? { path: `${h}/.s.PGSQL.${p}` } : { host: h, port: p };
        const socket = net.connect({ ...target, noDelay: true }, () => resolve(socket));
        socket.once('error', reject);
      }),
    onnotice: () => {},
    connection: {
      TimeZone: 'UTC',
      DateStyle: 'ISO, YMD',
      application_name: sessionName(options.name),
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    },
  });
  return drizzle({ client, schema, casing: 'snake_case' });
}

/**
 * The postgres.js transaction under a drizzle transaction, for what drizzle does not wrap
 * (COPY). Relies on drizzle's postgres-js session keeping its client as `session.client`.
 */
export function rawTransaction(tx: Tx): postgres.TransactionSql {
  const client = (tx as unknown as { session?: { client?: postgres.TransactionSql } }).session
    ?.client;
  if (!client || typeof client.unsafe !== 'function')
    throw new Error('rawTransaction: not a drizzle postgres-js transaction');
  return client;
}
