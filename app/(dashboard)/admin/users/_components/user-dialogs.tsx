'use client';

import { Dialog } from 'radix-ui';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Input, Label } from '@/components/ui/input';
import { resetPasswordAction, setExpiryAction } from '../actions';
import type { UserListItem, useActionRunner } from './users-table';

type Run = ReturnType<typeof useActionRunner>['run'];

function DialogShell({
  trigger,
  title,
  description,
  open,
  onOpenChange,
  children,
}: {
  trigger: React.ReactNode;
  title: string;
  description: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  children: React.ReactNode;
}) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Trigger asChild>{trigger}</Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-black/40" />
        <Dialog.Content className="fixed top-1/2 left-1/2 z-50 w-full max-w-md -translate-x-1/2 -translate-y-1/2 space-y-4 rounded-lg border bg-card p-6 shadow-lg">
          <Dialog.Title className="text-lg font-semibold">{title}</Dialog.Title>
          <Dialog.Description className="text-sm text-muted-foreground">
            {description}
          </Dialog.Description>
          {children}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

export function ResetPasswordDialog({
  user,
  run,
  pending,
}: {
  user: UserListItem;
  run: Run;
  pending: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  return (
    <DialogShell
      open={open}
      onOpenChange={setOpen}
      title={`Reset password for ${user.email}`}
      description="Their current sessions end at once. Give them the new password through a separate channel."
      trigger={
        <Button size="sm" variant="outline" aria-label={`Reset password of ${user.email}`}>
          Reset password
        </Button>
      }
    >
      <form
        className="space-y-3"
        onSubmit={async (e) => {
          e.preventDefault();
          if (
            await run(
              () => resetPasswordAction({ userId: user.id, password }),
              `Password of ${user.email} reset.`,
            )
          ) {
            setPassword('');
            setOpen(false);
          }
        }}
      >
        <div className="space-y-2">
          <Label htmlFor={`pw-${user.id}`}>New password (at least 12 characters)</Label>
          <Input
            id={`pw-${user.id}`}
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <div className="flex justify-end gap-2">
          <Dialog.Close asChild>
            <Button type="button" variant="outline">
              Cancel
            </Button>
          </Dialog.Close>
          <Button type="submit" disabled={pending}>
            Reset password
          </Button>
        </div>
      </form>
    </DialogShell>
  );
}

export function ExpiryDialog({
  user,
  run,
  pending,
}: {
  user: UserListItem;
  run: Run;
  pending: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [date, setDate] = useState(user.expiresAt?.slice(0, 10) ?? '');
  return (
    <DialogShell
      open={open}
      onOpenChange={setOpen}
      title={`Access expiry for ${user.email}`}
      description="After this day (UTC) the auditor can no longer sign in, and open sessions stop working. Leave empty for no expiry."
      trigger={
        <Button size="sm" variant="outline" aria-label={`Set access expiry of ${user.email}`}>
          Set expiry
        </Button>
      }
    >
      <form
        className="space-y-3"
        onSubmit={async (e) => {
          e.preventDefault();
          if (
            await run(
              () => setExpiryAction({ userId: user.id, expiresAt: date }),
              `Access expiry of ${user.email} saved.`,
            )
          )
            setOpen(false);
        }}
      >
        <div className="space-y-2">
          <Label htmlFor={`exp-${user.id}`}>Last day of access</Label>
          <Input
            id={`exp-${user.id}`}
            type="date"
            value={date}
            onChange={(e) => setDate(e.target.value)}
          />
        </div>
        <div className="flex justify-end gap-2">
          <Dialog.Close asChild>
            <Button type="button" variant="outline">
              Cancel
            </Button>
          </Dialog.Close>
          <Button type="submit" disabled={pending}>
            Save expiry
          </Button>
        </div>
      </form>
    </DialogShell>
  );
}
