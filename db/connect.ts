import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { dataDir } from '@/lib/config';
import { createDb, type Database } from './client';
import { readOrCreateSecret, startEmbeddedPostgres, type EmbeddedCluster } from './embedded';
import { migrateDatabase } from './migrate';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The database for a command-line tool, as the app role: DATABASE_URL's server when set;
 * else the embedded PostgreSQL of a running `npm start` (read from .data/runtime.json); else
 * the embedded PostgreSQL started for the duration of the command.
 */
export async function openDatabase(
  options: { max?: number; quiet?: boolean } = {},
): Promise<{ db: Database; url: string; close: () => Promise<void> }> {
  const dir = dataDir();
  let cluster: EmbeddedCluster | null = null;
  let appUrl: string;
  const runtimeFile = path.join(dir, 'runtime.json');
  const runtime =
    !process.env.DATABASE_URL && existsSync(runtimeFile)
      ? (JSON.parse(readFileSync(runtimeFile, 'utf8')) as { databaseUrl: string; pid: number })
      : null;
  if (process.env.APP_DATABASE_URL) {
    appUrl = process.env.APP_DATABASE_URL;
  } else if (runtime && isAlive(runtime.pid)) {
    appUrl = runtime.databaseUrl;
  } else {
    let ownerUrl = process.env.DATABASE_URL;
    if (!ownerUrl) {
      if (!options.quiet)
        console.error(
          `[whochanged] starting the embedded PostgreSQL in ${path.join(dir, 'postgres')}…`,
        );
      cluster = await startEmbeddedPostgres(dir);
      ownerUrl = cluster.ownerUrl;
    }
    const password = (await readOrCreateSecret(path.join(dir, 'app-db-password'))).value;
    appUrl = await migrateDatabase(ownerUrl, password);
  }
  // Its sessions are named after the command (scripts/<name>.ts).
  const name = path.basename(process.argv[1] ?? 'tool').replace(/\.[cm]?[jt]s$/, '');
  const db = createDb(appUrl, { max: options.max ?? 4, name });
  return {
    db,
    url: appUrl,
    close: async () => {
      await db.$client.end();
      if (cluster) await cluster.stop();
    },
  };
}

/** Who a command-line change is recorded as: the operating-system user at this machine. */
export function cliActor() {
  const user = process.env.SUDO_USER ?? process.env.USER ?? 'unknown';
  return {
    actor: {
      id: `cli:${user}`,
      name: `${user} (command line)`,
      email: null,
      type: 'system' as const,
    },
    context: {
      ip: null,
      userAgent: `whochanged-cli/${process.argv[1] ? path.basename(process.argv[1]) : 'cli'}`,
      requestId: null,
    },
    sessionId: null,
  };
}
