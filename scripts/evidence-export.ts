/**
 * `npm run evidence:export -- --as <email> --from <ISO> --to <ISO> [--query <search> | --record
 * <type>/<id> | --person <actor id>] [--no-alerts] [--sample <n> [--seed <hex>]] --out <file.zip>`:
 * the evidence bundle the Evidence page downloads, written to a file. It acts as the named
 * user, who must be allowed to export evidence (admin, compliance officer or auditor); the
 * export is recorded under their name from the command line, then signed into a checkpoint.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { cliActor, openDatabase } from '@/db/connect';
import { users } from '@/db/schema';
import { can } from '@/lib/authz';
import { ExpectedError } from '@/lib/errors';
import { exportEvidence, type EvidenceScope } from '@/lib/evidence/export';
import { loadSigner } from '@/lib/integrity/keys';

const USAGE =
  'usage: npm run evidence:export -- --as <email> --from <ISO time> --to <ISO time> [--query <search> | --record <type>/<id> | --person <actor id>] [--no-alerts] [--sample <n> [--seed <hex>]] --out <file.zip>';
function usage(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      as: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      query: { type: 'string' },
      record: { type: 'string' },
      person: { type: 'string' },
      'no-alerts': { type: 'boolean', default: false },
      sample: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
    },
  }));
} catch (error) {
  usage((error as Error).message);
}
for (const required of ['as', 'from', 'to', 'out'])
  if (!values[required]) usage(`--${required} is required`);
const record = values.record as string | undefined;
if (record !== undefined && !/^[^/]+\/.+$/.test(record)) usage('--record must be <type>/<id>');
const sample = values.sample as string | undefined;
if (sample !== undefined && !/^\d+$/.test(sample)) usage('--sample must be a whole number');

const scope: EvidenceScope = {
  from: values.from as string,
  to: values.to as string,
  ...(values.query ? { query: values.query as string } : {}),
  ...(record
    ? { record: { type: record.split('/')[0]!, id: record.slice(record.indexOf('/') + 1) } }
    : {}),
  ...(values.person ? { person: values.person as string } : {}),
  alerts: !values['no-alerts'],
  ...(sample
    ? { sample: { size: Number(sample), ...(values.seed ? { seed: values.seed as string } : {}) } }
    : {}),
};

const { db, close } = await openDatabase({ quiet: true });
try {
  const [user] = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      active: users.active,
    })
    .from(users)
    .where(eq(users.email, (values.as as string).toLowerCase()));
  if (!user?.active) throw new ExpectedError(`no active user ${values.as}`);
  if (!can(user.role, 'evidence:export'))
    throw new ExpectedError(`${user.email} (${user.role}) may not export evidence`);
  const { context } = cliActor();
  const bundle = await exportEvidence(
    db,
    {
      actor: { id: user.id, name: user.name, email: user.email, type: 'user' },
      context,
      sessionId: null,
      userId: user.id,
      role: user.role,
    },
    scope,
    loadSigner(),
  );
  writeFileSync(values.out as string, bundle.zip);
  const c = bundle.counts;
  console.log(
    `wrote ${values.out}: ${c.events} events in scope, ${c.redacted} redacted around them, ${c.checkpoints} checkpoints, ${c.alerts} alerts; the export is anchored by checkpoint #${bundle.exportCheckpoint}`,
  );
  console.log(
    `verify it: node scripts/verify-bundle.mjs ${values.out} --public-key <the public key from the integrity page>`,
  );
} catch (error) {
  if (error instanceof ExpectedError) {
    console.error(`error: ${error.message}`);
    process.exitCode = 1;
  } else throw error;
} finally {
  await close();
}
