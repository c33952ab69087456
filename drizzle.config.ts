import { defineConfig } from 'drizzle-kit';

// Only `drizzle-kit generate` is used: migrations are committed and applied by db/migrate.ts.
// Never `drizzle-kit push` — the audit tables carry partitions, triggers and grants that only the
// hand-written migrations express.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema/index.ts',
  out: './db/migrations',
  casing: 'snake_case',
});
