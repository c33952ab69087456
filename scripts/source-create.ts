/** `npm run source:create -- --name crm [--description "..."]`: a source and its first API key (printed once). */
import { parseArgs } from 'node:util';
import { cliActor, openDatabase } from '@/db/connect';
import { ExpectedError } from '@/lib/errors';
import { createApiKey, createSource } from '@/lib/ingest/sources';

const { values } = parseArgs({
  options: { name: { type: 'string' }, description: { type: 'string', default: '' } },
});
if (!values.name) {
  console.error('usage: npm run source:create -- --name <name> [--description <text>]');
  process.exit(2);
}
const { db, close } = await openDatabase();
try {
  const by = cliActor();
  const { source, key } = await db.transaction(async (tx) => {
    const source = await createSource(tx, by, {
      name: values.name!,
      description: values.description!,
    });
    const key = await createApiKey(tx, by, {
      sourceId: source.id,
      label: 'created with source:create',
    });
    return { source, key };
  });
  console.log(`source ${source.name} created (${source.id})`);
  console.log(`API key (shown once, store it now): ${key.key}`);
} catch (error) {
  if (error instanceof ExpectedError) {
    console.error(`error: ${error.message}`);
    process.exitCode = 1;
  } else throw error;
} finally {
  await close();
}
