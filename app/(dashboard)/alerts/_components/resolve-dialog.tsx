'use client';

import { useState } from 'react';
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
import type { Disposition } from '@/lib/alerts/triage';

export type ResolveInput = {
  kind: 'resolve';
  disposition: Disposition;
  ticket: string;
  note: string;
};

/** The dispositions and their labels, passed from the server (lib/alerts/triage is server code). */
export type DispositionOption = { value: Disposition; label: string };

/**
 * Resolving asks for a disposition, and for an expected change the ticket or approval that
 * covers it (the server refuses one without). `onResolve` returns the error message, or null
 * when it worked; on failure the dialog stays open and shows the message (a modal dialog hides
 * the rest of the page from assistive technology, so the page's own alert region would not do).
 */
export function ResolveDialog({
  title,
  description,
  dispositions,
  triggerLabel = 'Resolve…',
  pending,
  onResolve,
}: {
  title: string;
  description: string;
  dispositions: DispositionOption[];
  triggerLabel?: string;
  pending: boolean;
  onResolve: (input: ResolveInput) => Promise<string | null>;
}) {
  const [open, setOpen] = useState(false);
  const [disposition, setDisposition] = useState<Disposition | ''>('');
  const [ticket, setTicket] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const reset = () => {
    setDisposition('');
    setTicket('');
    setNote('');
    setError(null);
  };
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) reset();
      }}
    >
      <DialogTrigger asChild>
        <Button size="sm" variant="outline">
          {triggerLabel}
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogTitle>{title}</DialogTitle>
        <DialogDescription>{description}</DialogDescription>
        <form
          className="space-y-3"
          aria-label={title}
          onSubmit={async (e) => {
            e.preventDefault();
            // An empty choice goes to the server too, which names the allowed values.
            const failure = await onResolve({
              kind: 'resolve',
              disposition: disposition as Disposition,
              ticket,
              note,
            });
            if (failure === null) {
              setOpen(false);
              reset();
            } else setError(failure);
          }}
        >
          <div className="space-y-2">
            <Label htmlFor="resolve-disposition">Disposition</Label>
            <NativeSelect
              id="resolve-disposition"
              value={disposition}
              onChange={(e) => setDisposition(e.target.value as Disposition | '')}
            >
              <option value="">Choose…</option>
              {dispositions.map((d) => (
                <option key={d.value} value={d.value}>
                  {d.label}
                </option>
              ))}
            </NativeSelect>
          </div>
          <div className="space-y-2">
            <Label htmlFor="resolve-ticket">
              Ticket or approval reference
              {disposition === 'expected_change' ? ' (required for an expected change)' : ''}
            </Label>
            <Input
              id="resolve-ticket"
              value={ticket}
              maxLength={200}
              onChange={(e) => setTicket(e.target.value)}
            />
          </div>
          <div className="space-y-2">
            <Label htmlFor="resolve-note">Note (optional)</Label>
            <Textarea
              id="resolve-note"
              value={note}
              maxLength={2000}
              onChange={(e) => setNote(e.target.value)}
            />
          </div>
          <p role="alert" className="text-sm text-destructive empty:hidden">
            {error}
          </p>
          <div className="flex justify-end gap-2">
            <DialogClose asChild>
              <Button type="button" variant="outline">
                Cancel
              </Button>
            </DialogClose>
            <Button type="submit" disabled={pending}>
              Resolve
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}
