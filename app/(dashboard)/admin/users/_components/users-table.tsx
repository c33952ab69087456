'use client';

import { createColumnHelper } from '@tanstack/react-table';
import { useState, useTransition } from 'react';
import { coreFeatures, DataTable } from '@/components/data-table/data-table';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { NativeSelect } from '@/components/ui/input';
import type { ActionResult } from '@/lib/actions';
import { ROLE_LABELS, ROLES, type Role } from '@/lib/authz';
import { changeRoleAction, setActiveAction } from '../actions';
import { ExpiryDialog, ResetPasswordDialog } from './user-dialogs';

export type UserListItem = { id: string; email: string; name: string; role: Role; active: boolean; expiresAt: string | null; createdAt: string };

const helper = createColumnHelper<typeof coreFeatures, UserListItem>();

/** Runs a server action and reports its outcome in the page's status line. */
export function useActionRunner() {
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const run = (action: () => Promise<ActionResult<unknown>>, success: string) =>
    new Promise<boolean>((resolve) =>
      startTransition(async () => {
        const result = await action();
        setMessage(result.ok ? { kind: 'ok', text: success } : { kind: 'error', text: result.error });
        resolve(result.ok);
      }),
    );
  return { pending, message, run };
}

function RoleCell({ user, run, pending }: { user: UserListItem; run: ReturnType<typeof useActionRunner>['run']; pending: boolean }) {
  const [role, setRole] = useState<Role>(user.role);
  return (
    <div className="flex items-center gap-2">
      <NativeSelect aria-label={`Role of ${user.email}`} value={role} onChange={(e) => setRole(e.target.value as Role)} className="w-44">
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {ROLE_LABELS[r]}
          </option>
        ))}
      </NativeSelect>
      {role !== user.role ? (
        <Button
          size="sm"
          disabled={pending}
          onClick={() => run(() => changeRoleAction({ userId: user.id, role }), `${user.email} is now ${ROLE_LABELS[role]}.`)}
        >
          Save role
        </Button>
      ) : null}
    </div>
  );
}

export function UsersTable({ users, currentUserId }: { users: UserListItem[]; currentUserId: string }) {
  const { pending, message, run } = useActionRunner();
  const columns = [
    helper.accessor('name', {
      header: 'Name',
      cell: (info) => (
        <span className="font-medium">
          {info.getValue()}
          {info.row.original.id === currentUserId ? <span className="text-muted-foreground"> (you)</span> : null}
        </span>
      ),
    }),
    helper.accessor('email', { header: 'Email' }),
    helper.display({ id: 'role', header: 'Role', cell: (info) => <RoleCell key={info.row.original.role} user={info.row.original} run={run} pending={pending} /> }),
    helper.accessor('active', {
      header: 'Status',
      cell: (info) => (info.getValue() ? <Badge variant="success">Active</Badge> : <Badge variant="secondary">Deactivated</Badge>),
    }),
    helper.accessor('expiresAt', {
      header: 'Access expires',
      cell: (info) => {
        const v = info.getValue();
        if (!v) return <span className="text-muted-foreground">{info.row.original.role === 'auditor' ? 'Never' : '—'}</span>;
        const expired = new Date(v) <= new Date();
        return <span className={expired ? 'text-destructive' : undefined}>{v.slice(0, 10)}{expired ? ' (expired)' : ''}</span>;
      },
    }),
    helper.display({
      id: 'actions',
      header: () => <span className="sr-only">Actions</span>,
      cell: (info) => {
        const user = info.row.original;
        return (
          <div className="flex flex-wrap justify-end gap-2">
            {user.role === 'auditor' ? <ExpiryDialog user={user} run={run} pending={pending} /> : null}
            <ResetPasswordDialog user={user} run={run} pending={pending} />
            <Button
              size="sm"
              variant={user.active ? 'destructive' : 'outline'}
              disabled={pending}
              aria-label={`${user.active ? 'Deactivate' : 'Reactivate'} ${user.email}`}
              onClick={() =>
                run(() => setActiveAction({ userId: user.id, active: !user.active }), `${user.email} ${user.active ? 'deactivated' : 'reactivated'}.`)
              }
            >
              {user.active ? 'Deactivate' : 'Reactivate'}
            </Button>
          </div>
        );
      },
    }),
  ];
  return (
    <div className="space-y-3">
      <p role="status" aria-live="polite" className={message?.kind === 'error' ? 'text-sm text-destructive' : 'text-sm text-success'}>
        {message?.text}
      </p>
      <DataTable columns={columns} data={users} getRowId={(u) => u.id} caption="Users" empty="No users yet." />
    </div>
  );
}
