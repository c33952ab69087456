/**
 * `npm start` (and `npm run dev` with --dev): the whole product in one process. Starts the
 * embedded PostgreSQL unless DATABASE_URL is set, migrates, seeds the demo organisation on the
 * first start only, builds when the sources changed, and serves Next.js behind a small HTTP
 * wrapper that records the client address from the socket. Stops everything on SIGINT/SIGTERM.
 */
import { randomUUID } from 'node:crypto';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, statSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import next from 'next';
import { createDb } from '@/db/client';
import { startEmbeddedPostgres, readOrCreateSecret, type EmbeddedCluster } from '@/db/embedded';
import { isClosedSocketWrite } from '@/db/driver-quirks';
import { migrateDatabase } from '@/db/migrate';
import { DEMO_USERS, seedDemo } from '@/db/seed';
import { dataDir as dataDirOf } from '@/lib/config';
import { createCheckpoint } from '@/lib/integrity/checkpoints';
import { loadSigner } from '@/lib/integrity/keys';
import { startPrepareWorkers } from '@/lib/ingest/workers';
import { loadDemo } from '@/lib/ingest/demo';
import { ROLE_LABELS } from '@/lib/authz';
import {
  CLIENT_IP_HEADER,
  REQUEST_ID_HEADER,
  clientAddress,
  parseTrustedProxies,
} from '@/lib/client-address';

const root = process.cwd();
const dev = process.argv.includes('--dev');
const dataDir = dataDirOf();
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? '127.0.0.1';
const log = (msg: string) => console.log(`[whochanged] ${msg}`);
// While the server runs: where it listens and its database, for the CLIs and the e2e tests.
const runtimeFile = path.join(dataDir, 'runtime.json');
process.env.NEXT_TELEMETRY_DISABLED ??= '1';

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(target))
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

/** Builds the production bundle when there is none or any source is newer than it. */
function buildIfNeeded() {
  const buildId = path.join(root, '.next', 'BUILD_ID');
  const sources = [
    'app',
    'components',
    'lib',
    'db',
    'public',
    'proxy.ts',
    'next.config.ts',
    'package-lock.json',
    'postcss.config.mjs',
  ];
  const builtAt = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  if (builtAt && Math.max(...sources.map((s) => newestMtime(path.join(root, s)))) < builtAt) return;
  log('building the dashboard (first start or sources changed)…');
  const build = () =>
    spawnSync(
      process.execPath,
      [path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'],
      {
        stdio: 'inherit',
        cwd: root,
        env: { ...process.env, NODE_ENV: 'production' },
      },
    );
  let result = build();
  if (result.status !== 0) {
    // A stale incremental build cache can make Turbopack fail; one clean rebuild settles it.
    log('the build failed; retrying once from a clean .next…');
    rmSync(path.join(root, '.next'), { recursive: true, force: true });
    result = build();
  }
  if (result.status !== 0) throw new Error('next build failed');
}

let cluster: EmbeddedCluster | null = null;

// A database restart must not take the dashboard down with it (see db/driver-quirks.ts).
process.on('uncaughtException', (error) => {
  if (isClosedSocketWrite(error)) {
    console.warn(
      '[whochanged] a database connection closed mid-query; its request has failed and the pool reconnects',
    );
    return;
  }
  console.error(error);
  process.exit(1);
});

/**
 * Runs `scripts/<script> --follow` as a child process at a lower CPU priority, restarting it if
 * it exits: the event pipeline (detect.ts) and the checkpoints and verification (integrity.ts).
 */
function superviseWorker(name: string, script: string, appUrl: string, stopping: () => boolean) {
  let child: ChildProcess | null = null;
  const run = () => {
    child = spawn(
      process.execPath,
      [
        path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        path.join(root, 'scripts', script),
        '--follow',
      ],
      {
        env: { ...process.env, APP_DATABASE_URL: appUrl },
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    // The workers have seconds of slack (detection's target lag is 5 s); requests have
    // milliseconds. A lower CPU priority lets the server's process win the cores when all are busy.
    try {
      if (child.pid) os.setPriority(child.pid, 10);
    } catch {
      // Not permitted here: run at the same priority.
    }
    child.on('exit', (code) => {
      child = null;
      if (stopping()) return;
      console.error(`[whochanged] the ${name} process exited (${code}); restarting it in 2 s`);
      setTimeout(run, 2000).unref();
    });
  };
  run();
  return {
    stop: async () => {
      const running = child as ChildProcess | null;
      if (!running) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGINT');
      await exited;
    },
  };
}

/** Keeps the next three months of audit partitions ready while the server runs (checked hourly). */
function keepPartitionsReady(appUrl: string) {
  const maintenance = createDb(appUrl, { max: 1, name: 'maintenance' });
  const run = () =>
    maintenance.$client`select ensure_audit_partitions(current_date, 4)`.catch((error: Error) =>
      console.error(`[whochanged] could not create the next audit partitions: ${error.message}`),
    );
  setInterval(run, 3600_000).unref();
}

async function main() {
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`PORT must be a port number (got "${process.env.PORT}")`);
  const trusted = parseTrustedProxies(process.env.TRUSTED_PROXY);

  if (!process.env.AUTH_SECRET) {
    const secret = await readOrCreateSecret(path.join(dataDir, 'auth-secret'));
    process.env.AUTH_SECRET = secret.value;
    console.warn(
      `[whochanged] warning: AUTH_SECRET is not set; using ${secret.created ? 'a new secret generated into' : 'the secret in'} ${path.join(dataDir, 'auth-secret')}. Set AUTH_SECRET in production.`,
    );
  }

  let ownerUrl = process.env.DATABASE_URL;
  if (!ownerUrl) {
    log(`starting the embedded PostgreSQL in ${path.join(dataDir, 'postgres')}…`);
    cluster = await startEmbeddedPostgres(dataDir);
    ownerUrl = cluster.ownerUrl;
  } else {
    log('using the PostgreSQL at DATABASE_URL');
  }

  let stopping = false;
  let server: http.Server | null = null;
  let workers: { stop: () => Promise<void> }[] = [];
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down…`);
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server?.closeAllConnections?.();
    await Promise.all(workers.map((w) => w.stop()));
    rmSync(runtimeFile, { force: true });
    if (cluster) await cluster.stop();
    log('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const appPassword = process.env.APP_DATABASE_URL
    ? undefined
    : (await readOrCreateSecret(path.join(dataDir, 'app-db-password'))).value;
  const migratedAppUrl = await migrateDatabase(ownerUrl, appPassword);
  const appUrl = process.env.APP_DATABASE_URL ?? migratedAppUrl;
  log('database migrated');

  // The demo password: DEMO_PASSWORD, else one generated at the first seed and kept (0600).
  const demoPassword =
    process.env.DEMO_PASSWORD ??
    (await readOrCreateSecret(path.join(dataDir, 'demo-password'), 12)).value;
  // Ingest batches (the demo load, then the API's requests) are prepared in worker threads.
  startPrepareWorkers();
  const seedDb = createDb(appUrl, { max: 2, name: 'demo' });
  const seeded = await seedDemo(seedDb, demoPassword).finally(() => seedDb.$client.end());
  if (seeded) {
    log('seeded the demo sign-ins');
    // The demo organisation's activity: DEMO_EVENTS events over 90 days (0 to skip).
    const demoEvents = Number(process.env.DEMO_EVENTS ?? 200_000);
    if (!Number.isSafeInteger(demoEvents) || demoEvents < 0)
      throw new Error(`DEMO_EVENTS must be a whole number (got "${process.env.DEMO_EVENTS}")`);
    if (demoEvents > 0) {
      log(
        `loading ${demoEvents.toLocaleString('en-US')} demo events over 90 days (first start only)…`,
      );
      const demoDb = createDb(appUrl, { max: 4, name: 'demo' });
      const signer = loadSigner();
      try {
        const result = await loadDemo(demoDb, {
          events: Math.max(demoEvents, 1000),
          days: 90,
          seed: 42,
          manifestFile: path.join(dataDir, 'demo-manifest.json'),
          checkpoint: () => createCheckpoint(demoDb, 'manual', signer),
        });
        log(
          `loaded ${result.events.toLocaleString('en-US')} demo events in ${result.seconds.toFixed(1)} s; planted incidents are listed in ${path.join(dataDir, 'demo-manifest.json')}`,
        );
      } finally {
        await demoDb.$client.end();
      }
    }
  }

  if (!dev) buildIfNeeded();
  process.env.DATABASE_URL = appUrl;
  const app = next({ dev, dir: root, hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();

  server = http.createServer((req, res) => {
    // Headers a client must never be able to set: our own client-address and request-id
    // headers are overwritten here, and the internal middleware-subrequest marker is dropped.
    delete req.headers['x-middleware-subrequest'];
    req.headers[CLIENT_IP_HEADER] =
      clientAddress(
        req.socket.remoteAddress,
        req.headers['x-forwarded-for'] as string | undefined,
        trusted,
      ) ?? '';
    const requestId = randomUUID();
    req.headers[REQUEST_ID_HEADER] = requestId;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server!.listen(port, hostname, resolve));
  keepPartitionsReady(appUrl);
  // The event pipeline (detection and rollups) runs in its own process beside the server: it
  // catches up on whatever arrived while it was down (on the first start, the demo data), then
  // follows new events as they are committed. Its bursts of evaluation never block the server's
  // event loop, and it is restarted if it dies.
  // Beside it, the checkpoints (every CHECKPOINT_INTERVAL_SECONDS, signed with the key in
  // .data/) and the daily full verification.
  workers = [
    superviseWorker('detection', 'detect.ts', appUrl, () => stopping),
    superviseWorker('integrity', 'integrity.ts', appUrl, () => stopping),
  ];
  const url = `http://${hostname === '0.0.0.0' ? 'localhost' : hostname}:${port}`;
  writeFileSync(
    runtimeFile,
    JSON.stringify({ url, databaseUrl: appUrl, pid: process.pid }, null, 2) + '\n',
    { mode: 0o600 },
  );
  const lines = [
    '',
    `  WhoChanged is running at ${url}`,
    '',
    '  Demo sign-ins:',
    ...DEMO_USERS.map((u) => `    ${ROLE_LABELS[u.role].padEnd(20)} ${u.email}`),
    `  Password:            ${demoPassword}`,
    '',
    '  Press Ctrl+C to stop.',
    '',
  ];
  console.log(lines.join('\n'));
}

main().catch(async (error) => {
  console.error(
    `[whochanged] failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  await cluster?.stop().catch(() => {});
  process.exit(1);
});
