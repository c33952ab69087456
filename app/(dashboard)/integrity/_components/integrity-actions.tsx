'use client';

import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { formatCount } from '@/lib/format';
import { signCheckpointAction, verifyNowAction } from '../actions';
import { formatDuration } from './format';

type Outcome = { kind: 'pass' | 'fail' | 'done' | 'error'; text: string };

/**
 * "Verify now" and "Sign a checkpoint now". The server refuses both to roles without
 * evidence:export; this panel is only rendered for roles that have it. The page refreshes with
 * the new run or checkpoint when either succeeds.
 */
export function IntegrityActions() {
  const [pending, startTransition] = useTransition();
  const [running, setRunning] = useState<'verify' | 'checkpoint' | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const verify = () => {
    setRunning('verify');
    setOutcome(null);
    startTransition(async () => {
      const result = await verifyNowAction({});
      setRunning(null);
      if (!result.ok) {
        setOutcome({ kind: 'error', text: `Verification could not run: ${result.error}` });
        return;
      }
      const r = result.data;
      setOutcome(
        r.ok
          ? {
              kind: 'pass',
              text: `PASS: ${formatCount(r.events)} events in ${formatCount(r.streams)} streams and ${formatCount(r.checkpoints)} checkpoints verified in ${formatDuration(r.durationMs)}.`,
            }
          : {
              kind: 'fail',
              text: `FAIL: ${r.failure ?? 'a problem was found'}${r.problems > 1 ? ` (and ${formatCount(r.problems - 1)} more problems)` : ''}. A critical alert has been raised.`,
            },
      );
    });
  };

  const checkpoint = () => {
    setRunning('checkpoint');
    setOutcome(null);
    startTransition(async () => {
      const result = await signCheckpointAction({});
      setRunning(null);
      setOutcome(
        result.ok
          ? {
              kind: 'done',
              text: `Signed checkpoint #${result.data.id} of ${formatCount(result.data.streams)} streams with ${result.data.keyId}.`,
            }
          : { kind: 'error', text: `The checkpoint could not be signed: ${result.error}` },
      );
    });
  };

  const failed = outcome?.kind === 'fail' || outcome?.kind === 'error';
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-2">
        <Button size="sm" onClick={verify} disabled={pending}>
          {running === 'verify' ? 'Verifying…' : 'Verify now'}
        </Button>
        <Button size="sm" variant="outline" onClick={checkpoint} disabled={pending}>
          {running === 'checkpoint' ? 'Signing…' : 'Sign a checkpoint now'}
        </Button>
      </div>
      <p
        role="alert"
        className="text-sm font-medium text-destructive empty:hidden"
        data-testid="integrity-action-error"
      >
        {failed ? outcome.text : null}
      </p>
      <p
        role="status"
        className="text-sm font-medium text-success empty:hidden"
        data-testid="integrity-action-result"
      >
        {!failed && outcome ? outcome.text : null}
      </p>
    </div>
  );
}
