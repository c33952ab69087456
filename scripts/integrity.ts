/**
 * `npm run checkpoint`: signs a checkpoint of every stream head now and prints it.
 * `--rotate-key`: replaces the signing key first (the old private key is destroyed, its public
 * key stays listed so old checkpoints still verify), records the rotation, and signs the
 * checkpoint with the new key.
 * `--follow` (run by `npm start` beside the server): a checkpoint every
 * CHECKPOINT_INTERVAL_SECONDS (also when nothing happened), and a full verification every
 * VERIFY_INTERVAL_HOURS (the first when the last one is older than that), recorded for the
 * integrity page; a failure raises a critical alert.
 */
import { parseArgs } from 'node:util';
import { cliActor, openDatabase } from '@/db/connect';
import { writeAuditEvent } from '@/lib/audit/writer';
import { integrityConfig } from '@/lib/config';
import { createCheckpoint, startCheckpointLoop } from '@/lib/integrity/checkpoints';
import { loadSigner, registerKey, rotateKeyFile } from '@/lib/integrity/keys';
import { lastRun, runVerification } from '@/lib/integrity/runs';

const { values } = parseArgs({
  options: {
    follow: { type: 'boolean', default: false },
    'rotate-key': { type: 'boolean', default: false },
  },
});
const config = integrityConfig();
const { db, close } = await openDatabase({ quiet: true });
const log = (m: string) => console.error(`[integrity] ${m}`);
try {
  let signer = loadSigner(config);
  await registerKey(db, signer, config.checkpointDir);
  if (values['rotate-key']) {
    const { old, next } = await rotateKeyFile(db, config);
    await db.transaction((tx) =>
      writeAuditEvent(tx, {
        ...cliActor(),
        action: 'signing_key.rotate',
        target: { type: 'signing_key', id: next.keyId, label: next.fingerprint },
        changes: [{ field: 'key', old: old.keyId, new: next.keyId }],
      }),
    );
    console.log(
      `rotated the signing key: ${old.keyId} is retired, ${next.keyId} signs from now on`,
    );
    signer = next;
  }
  if (!values.follow) {
    const c = await createCheckpoint(db, 'manual', signer, config.checkpointDir);
    console.log(`checkpoint #${c.id} signed by ${c.keyId} (fingerprint ${signer.fingerprint})`);
    console.log(`copy: ${config.checkpointDir}`);
    console.log(JSON.stringify(JSON.parse(c.body), null, 2));
  } else {
    const checkpoints = startCheckpointLoop(db, signer, {
      intervalMs: config.checkpointIntervalSeconds * 1000,
      dir: config.checkpointDir,
      log,
    });
    const everyMs = config.verifyIntervalHours * 3600_000;
    let timer: NodeJS.Timeout | null = null;
    let verifying: Promise<unknown> = Promise.resolve();
    const verify = () => {
      verifying = runVerification(db, 'daily')
        .then(({ run }) => {
          if (!run.ok) log(`verification FAILED: ${run.failure}`);
        })
        .catch((error: Error) => log(`verification could not run: ${error.message}`))
        .finally(() => {
          timer = setTimeout(verify, everyMs);
        });
    };
    const last = await lastRun(db);
    const due = last ? Math.max(0, last.finishedAt.getTime() + everyMs - Date.now()) : 0;
    timer = setTimeout(verify, due);
    log(
      `signing with ${signer.keyId}; a checkpoint every ${config.checkpointIntervalSeconds} s, a full verification every ${config.verifyIntervalHours} h`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    if (timer) clearTimeout(timer);
    await checkpoints.stop();
    await verifying;
  }
} finally {
  await close();
}
