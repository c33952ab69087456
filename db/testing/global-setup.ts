import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../embedded';
import { migrateDatabase } from '../migrate';

declare module 'vitest' {
  export interface ProvidedContext {
    pgServerUrl: string;
    appRolePassword: string;
  }
}

export const TEMPLATE_DB = 'whochanged_test_template';

/**
 * One real PostgreSQL for the integration run (embedded unless DATABASE_URL is set), with the
 * migrations applied once to a template database; each test file clones it (db/testing/index.ts).
 */
export default async function setup(project: TestProject) {
  let cluster: EmbeddedCluster | null = null;
  let dataDir: string | null = null;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'whochanged-test-pg-'));
    cluster = await startEmbeddedPostgres(dataDir);
    serverUrl = cluster.ownerUrl;
  }
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${TEMPLATE_DB} with (force)`);
  await admin.unsafe(`create database ${TEMPLATE_DB}`);
  await admin.end();
  const templateUrl = new URL(serverUrl);
  templateUrl.pathname = `/${TEMPLATE_DB}`;
  const appRolePassword = 'test-app-role-password';
  await migrateDatabase(templateUrl.toString(), appRolePassword);

  project.provide('pgServerUrl', serverUrl);
  project.provide('appRolePassword', appRolePassword);

  return async () => {
    if (cluster) await cluster.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };
}
