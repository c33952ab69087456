'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { db } from '@/db';
import { authorizedAction } from '@/lib/actions';
import { writeAuditEvent } from '@/lib/audit/writer';
import { createCheckpoint, parseBody } from '@/lib/integrity/checkpoints';
import { loadSigner } from '@/lib/integrity/keys';
import { runVerification } from '@/lib/integrity/runs';

const noInput = z.strictObject({});

/**
 * "Verify now": the full verification (every chain, checkpoint and write-once copy), recorded
 * as a run for this page together with the user's `integrity.verify` event (a failure also
 * raises its alert in that transaction).
 */
export const verifyNowAction = authorizedAction(
  'evidence:export',
  noInput,
  async (_input, { acting }) => {
    const { run, report } = await runVerification(db, 'on_demand', {}, acting);
    revalidatePath('/integrity');
    return {
      ok: run.ok,
      runId: run.id,
      events: run.events,
      streams: report.chains.streams.length,
      checkpoints: report.checkpoints.count,
      problems: report.problems.length,
      failure: run.failure,
      durationMs: run.finishedAt.getTime() - run.startedAt.getTime(),
    };
  },
);

/**
 * "Sign a checkpoint now": the request is recorded first, so the checkpoint signed right after
 * it covers the record of who asked for it (as an evidence export does).
 */
export const signCheckpointAction = authorizedAction(
  'evidence:export',
  noInput,
  async (_input, { acting }) => {
    const signer = loadSigner();
    await db.transaction((tx) =>
      writeAuditEvent(tx, {
        action: 'integrity.checkpoint',
        actor: acting.actor,
        context: acting.context,
        sessionId: acting.sessionId,
        // The checkpoint's id is assigned when it is signed, after this event: the key is named.
        target: { type: 'signing_key', id: signer.keyId, label: signer.fingerprint },
        metadata: { reason: 'manual' },
      }),
    );
    const checkpoint = await createCheckpoint(db, 'manual', signer);
    revalidatePath('/integrity');
    return {
      id: checkpoint.id,
      keyId: checkpoint.keyId,
      issuedAt: checkpoint.issuedAt.toISOString(),
      streams: parseBody(checkpoint).streams.length,
    };
  },
);
