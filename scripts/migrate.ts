/** `npm run db:migrate`: applies the committed migrations (embedded PostgreSQL unless DATABASE_URL). */
import path from 'node:path';
import { startEmbeddedPostgres, readOrCreateSecret } from '@/db/embedded';
import { migrateDatabase } from '@/db/migrate';

const dataDir = path.resolve(process.env.WHOCHANGED_DATA_DIR ?? '.data');
const cluster = process.env.DATABASE_URL ? null : await startEmbeddedPostgres(dataDir);
try {
  const appPassword = process.env.APP_DATABASE_URL
    ? undefined
    : (await readOrCreateSecret(path.join(dataDir, 'app-db-password'))).value;
  await migrateDatabase(process.env.DATABASE_URL ?? cluster!.ownerUrl, appPassword);
  console.log('migrations applied');
} finally {
  await cluster?.stop();
}
