'use client';

import { createColumnHelper } from '@tanstack/react-table';
import { createContext, use, useMemo, useState, useTransition } from 'react';
import { coreFeatures, DataTable } from '@/components/data-table/data-table';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { NativeSelect } from '@/components/ui/input';
import type { ActionResult } from '@/lib/actions';
import { ROLE_LABELS, ROLES, type Role } from '@/lib/authz';
import { changeRoleAction, setActiveAction } from '../actions';
import { ExpiryDialog, ResetPasswordDialog } from './user-dialogs';

export type UserListItem = {
  id: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  expiresAt: string | null;
  createdAt: string;
};

const helper = createColumnHelper<typeof coreFeatures, UserListItem>();

/** Runs a server action and reports its outcome in the page's status line. */
export function useActionRunner() {
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const run = (action: () => Promise<ActionResult<unknown>>, success: string) =>
    new Promise<boolean>((resolve) =>
      startTransition(async () => {
        const result = await action();
        setMessage(
          result.ok ? { kind: 'ok', text: success } : { kind: 'error', text: result.error },
        );
        resolve(result.ok);
      }),
    );
  return { pending, message, run };
}

/**
 * The runner reaches the cells through context, so the column definitions can stay stable:
 * new cell functions on every render would remount the cells (closing any open dialog) each time
 * the page refreshes after an action.
 */
const RunnerContext = createContext<ReturnType<typeof useActionRunner> | null>(null);
function useRunner() {
  const runner = use(RunnerContext);
  if (!runner) throw new Error('useRunner outside UsersTable');
  return runner;
}

function RoleCell({ user }: { user: UserListItem }) {
  const { run, pending } = useRunner();
  const [role, setRole] = useState<Role>(user.role);
  return (
    <div className="flex items-center gap-2">
      <NativeSelect
        aria-label={`Role of ${user.email}`}
        value={role}
        onChange={(e) => setRole(e.target.value as Role)}
        className="w-44"
      >
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
          onClick={() =>
            run(
              () => changeRoleAction({ userId: user.id, role }),
              `${user.email} is now ${ROLE_LABELS[role]}.`,
            )
          }
        >
          Save role
        </Button>
      ) : null}
    </div>
  );
}

function ActionsCell({ user }: { user: UserListItem }) {
  const { run, pending } = useRunner();
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
          run(
            () => setActiveAction({ userId: user.id, active: !user.active }),
            `${user.email} ${user.active ? 'deactivated' : 'reactivated'}.`,
          )
        }
      >
        {user.active ? 'Deactivate' : 'Reactivate'}
      </Button>
    </div>
  );
}

function userColumns(currentUserId: string) {
  return [
    helper.accessor('name', {
      header: 'Name',
      cell: (info) => (
        <span className="font-medium">
          {info.getValue()}
          {info.row.original.id === currentUserId ? (
            <span className="text-muted-foreground"> (you)</span>
          ) : null}
        </span>
      ),
    }),
    helper.accessor('email', { header: 'Email' }),
    helper.display({
      id: 'role',
      header: 'Role',
      cell: (info) => <RoleCell key={info.row.original.role} user={info.row.original} />,
    }),
    helper.accessor('active', {
      header: 'Status',
      cell: (info) =>
        info.getValue() ? (
          <Badge variant="success">Active</Badge>
        ) : (
          <Badge variant="secondary">Deactivated</Badge>
        ),
    }),
    helper.accessor('expiresAt', {
      header: 'Access expires',
      cell: (info) => {
        const v = info.getValue();
        if (!v)
          return (
            <span className="text-muted-foreground">
              {info.row.original.role === 'auditor' ? 'Never' : '—'}
            </span>
          );
        const expired = new Date(v) <= new Date();
        return (
          <span className={expired ? 'text-destructive' : undefined}>
            {v.slice(0, 10)}
            {expired ? ' (expired)' : ''}
          </span>
        );
      },
    }),
    helper.display({
      id: 'actions',
      header: () => <span className="sr-only">Actions</span>,
      cell: (info) => <ActionsCell user={info.row.original} />,
    }),
  ];
}

export function UsersTable({
  users,
  currentUserId,
}: {
  users: UserListItem[];
  currentUserId: string;
}) {
  const runner = useActionRunner();
  const columns = useMemo(() => userColumns(currentUserId), [currentUserId]);
  return (
    <RunnerContext value={runner}>
      <div className="space-y-3">
        <p
          role="status"
          aria-live="polite"
          className={
            runner.message?.kind === 'error' ? 'text-sm text-destructive' : 'text-sm text-success'
          }
        >
          {runner.message?.text}
        </p>
        <DataTable
          columns={columns}
          data={users}
          getRowId={(u) => u.id}
          caption="Users"
          empty="No users yet."
        />
      </div>
    </RunnerContext>
  );
}
