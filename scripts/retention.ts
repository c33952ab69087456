/**
 * `npm run retention` lists the audit months; `npm run retention -- --drop YYYY-MM --yes` drops
 * one whole expired month (older than RETENTION_MIN_MONTHS, default 12), audited.
 */
import { parseArgs } from 'node:util';
import { cliActor, openDatabase } from '@/db/connect';
import { dropExpiredMonth, listAuditMonths, minRetentionMonths } from '@/lib/audit/retention';
import { ExpectedError } from '@/lib/errors';

const { values } = parseArgs({
  options: { drop: { type: 'string' }, yes: { type: 'boolean', default: false } },
});
const { db, close } = await openDatabase({ quiet: true });
try {
  if (!values.drop) {
    console.log(
      `audit months (events older than ${minRetentionMonths()} full months may be dropped):`,
    );
    for (const m of await listAuditMonths(db))
      console.log(
        `  ${m.month}  ${String(m.events).padStart(10)} events  ${m.droppable ? 'expired: may be dropped' : 'kept'}`,
      );
  } else if (!values.yes) {
    console.error(
      `this drops every audit event of ${values.drop} for good; repeat with --yes to do it`,
    );
    process.exitCode = 2;
  } else {
    const { events } = await db.transaction((tx) => dropExpiredMonth(tx, cliActor(), values.drop!));
    console.log(`dropped ${events} events of ${values.drop}; recorded as audit.retention_drop`);
  }
} catch (error) {
  if (error instanceof ExpectedError) {
    console.error(`error: ${error.message}`);
    process.exitCode = 1;
  } else throw error;
} finally {
  await close();
}
