'use client';

import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogTitle,
  DialogTrigger,
} from '@/components/ui/dialog';
import { Input, Label, NativeSelect } from '@/components/ui/input';
import { Textarea } from '@/components/ui/textarea';
import { triageAlertAction } from '../actions';
import { ResolveDialog, type DispositionOption } from './resolve-dialog';

type ActionInput = Parameters<typeof triageAlertAction>[0]['action'];

export type TriageAlert = {
  id: number;
  version: number;
  status: 'open' | 'acknowledged' | 'resolved';
  assigneeId: string | null;
  snoozedUntil: string | null;
};

/** `datetime-local` gives wall-clock time without a zone: read it in the browser's own zone. */
function toInstant(local: string): string | null {
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/**
 * The triage controls of one alert, only those valid for its status. Every action carries the
 * version the reviewer is looking at; the server refuses it if the alert changed meanwhile and
 * says who changed it. Refusals are shown in the alert region.
 */
export function TriagePanel({
  alert,
  assignees,
  dispositions,
  now,
}: {
  alert: TriageAlert;
  assignees: { id: string; name: string }[];
  dispositions: DispositionOption[];
  now: string;
}) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [assignee, setAssignee] = useState(alert.assigneeId ?? '');
  const [snoozeUntil, setSnoozeUntil] = useState('');
  const [comment, setComment] = useState('');
  const [reopenOpen, setReopenOpen] = useState(false);
  const [reopenNote, setReopenNote] = useState('');

  /** Runs one action on this alert; resolves to the error message, or null when it was done. */
  const run = (action: ActionInput, success: string) =>
    new Promise<string | null>((resolve) =>
      startTransition(async () => {
        const result = await triageAlertAction({ id: alert.id, version: alert.version, action });
        if (result.ok) {
          setError(null);
          setStatus(success);
          resolve(null);
        } else {
          setStatus(null);
          setError(result.error);
          resolve(result.error);
        }
      }),
    );

  const resolved = alert.status === 'resolved';
  const snoozed = !!alert.snoozedUntil && alert.snoozedUntil > now;

  return (
    <section aria-labelledby="triage-heading" className="space-y-4 rounded-lg border bg-card p-4">
      <h2 id="triage-heading" className="text-lg font-semibold">
        Triage
      </h2>
      <p role="alert" className="text-sm text-destructive empty:hidden" data-testid="triage-error">
        {error}
      </p>
      <p role="status" className="text-sm text-success empty:hidden">
        {status}
      </p>

      <div className="flex flex-wrap gap-2">
        {alert.status === 'open' ? (
          <Button
            size="sm"
            disabled={pending}
            onClick={() => run({ kind: 'acknowledge' }, 'Acknowledged.')}
          >
            Acknowledge
          </Button>
        ) : null}
        {!resolved ? (
          <ResolveDialog
            title={`Resolve alert #${alert.id}`}
            description="Say what it was. An expected or approved change needs the ticket or approval that covers it."
            dispositions={dispositions}
            pending={pending}
            onResolve={(input) => run(input, 'Resolved.')}
          />
        ) : (
          <Dialog
            open={reopenOpen}
            onOpenChange={(open) => {
              setReopenOpen(open);
              if (!open) setReopenNote('');
            }}
          >
            <DialogTrigger asChild>
              <Button size="sm" variant="outline">
                Reopen…
              </Button>
            </DialogTrigger>
            <DialogContent>
              <DialogTitle>Reopen alert #{alert.id}</DialogTitle>
              <DialogDescription>
                It goes back to the queue as open; its disposition is cleared.
              </DialogDescription>
              <form
                className="space-y-3"
                onSubmit={async (e) => {
                  e.preventDefault();
                  if ((await run({ kind: 'reopen', note: reopenNote }, 'Reopened.')) === null)
                    setReopenOpen(false);
                }}
              >
                <div className="space-y-2">
                  <Label htmlFor="reopen-note">Why (optional)</Label>
                  <Textarea
                    id="reopen-note"
                    value={reopenNote}
                    maxLength={2000}
                    onChange={(e) => setReopenNote(e.target.value)}
                  />
                </div>
                <div className="flex justify-end gap-2">
                  <DialogClose asChild>
                    <Button type="button" variant="outline">
                      Cancel
                    </Button>
                  </DialogClose>
                  <Button type="submit" disabled={pending}>
                    Reopen
                  </Button>
                </div>
              </form>
            </DialogContent>
          </Dialog>
        )}
      </div>

      {!resolved ? (
        <div className="grid gap-4 sm:grid-cols-2">
          <form
            className="space-y-2"
            onSubmit={(e) => {
              e.preventDefault();
              run(
                { kind: 'assign', assigneeId: assignee || null },
                assignee ? 'Assigned.' : 'Unassigned.',
              );
            }}
          >
            <Label htmlFor="triage-assignee">Assignee</Label>
            <div className="flex gap-2">
              <NativeSelect
                id="triage-assignee"
                value={assignee}
                onChange={(e) => setAssignee(e.target.value)}
              >
                <option value="">Nobody (unassigned)</option>
                {assignees.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </NativeSelect>
              <Button
                type="submit"
                size="sm"
                variant="outline"
                className="h-9"
                disabled={pending || assignee === (alert.assigneeId ?? '')}
              >
                {assignee || !alert.assigneeId ? 'Assign' : 'Unassign'}
              </Button>
            </div>
          </form>
          <form
            className="space-y-2"
            onSubmit={(e) => {
              e.preventDefault();
              const until = toInstant(snoozeUntil);
              if (!until) {
                setStatus(null);
                setError('Choose the date and time the snooze ends.');
                return;
              }
              run({ kind: 'snooze', until }, 'Snoozed.').then((failure) => {
                if (failure === null) setSnoozeUntil('');
              });
            }}
          >
            <Label htmlFor="triage-snooze">Snooze until (your local time)</Label>
            <div className="flex gap-2">
              <Input
                id="triage-snooze"
                type="datetime-local"
                value={snoozeUntil}
                onChange={(e) => setSnoozeUntil(e.target.value)}
              />
              <Button type="submit" size="sm" variant="outline" className="h-9" disabled={pending}>
                Snooze
              </Button>
              {snoozed ? (
                <Button
                  type="button"
                  size="sm"
                  variant="outline"
                  className="h-9"
                  disabled={pending}
                  onClick={() => run({ kind: 'snooze', until: null }, 'Unsnoozed.')}
                >
                  Unsnooze
                </Button>
              ) : null}
            </div>
          </form>
        </div>
      ) : null}

      <form
        className="space-y-2"
        onSubmit={(e) => {
          e.preventDefault();
          run({ kind: 'comment', text: comment }, 'Comment added.').then((failure) => {
            if (failure === null) setComment('');
          });
        }}
      >
        <Label htmlFor="triage-comment">Comment</Label>
        <Textarea
          id="triage-comment"
          value={comment}
          maxLength={4000}
          onChange={(e) => setComment(e.target.value)}
        />
        <Button type="submit" size="sm" variant="outline" disabled={pending}>
          Add comment
        </Button>
      </form>
    </section>
  );
}
