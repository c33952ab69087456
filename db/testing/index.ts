import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { createDb, type Database } from '../client';
import { TEMPLATE_DB } from './global-setup';

export type TestDatabase = {
  /** Connected as the restricted application role, like the running app. */
  db: Database;
  /** Connected as the owner (migrations' role), for tests that must go around the app. */
  owner: postgres.Sql;
  appUrl: string;
  ownerUrl: string;
  close: () => Promise<void>;
};

/** A fresh, migrated database for one test file: a clone of the template made in global setup. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = inject('pgServerUrl');
  const name = `whochanged_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name} template ${TEMPLATE_DB}`);
  await admin.end();
  const ownerUrl = new URL(serverUrl);
  ownerUrl.pathname = `/${name}`;
  const appUrl = new URL(ownerUrl);
  appUrl.username = 'whochanged_app';
  appUrl.password = inject('appRolePassword');
  const db = createDb(appUrl.toString());
  const owner = postgres(ownerUrl.toString(), {
    max: 2,
    onnotice: () => {},
    connection: { TimeZone: 'UTC' },
  });
  return {
    db,
    owner,
    appUrl: appUrl.toString(),
    ownerUrl: ownerUrl.toString(),
    close: async () => {
      await db.$client.end();
      await owner.end();
      const drop = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await drop.unsafe(`drop database if exists ${name} with (force)`);
      await drop.end();
    },
  };
}
