import type { Metadata } from 'next';
import { listUsers } from '@/db/queries/users';
import { requirePermission } from '@/lib/session';
import { CreateUserForm } from './_components/create-user-form';
import { UsersTable } from './_components/users-table';

export const metadata: Metadata = { title: 'Users' };

export default async function UsersPage() {
  const me = await requirePermission('users:manage');
  const users = await listUsers();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Users</h1>
        <p className="text-sm text-muted-foreground">
          Every change here is recorded in the audit log with its old and new values.
        </p>
      </div>
      <UsersTable
        currentUserId={me.id}
        users={users.map((u) => ({
          ...u,
          expiresAt: u.expiresAt?.toISOString() ?? null,
          createdAt: u.createdAt.toISOString(),
        }))}
      />
      <CreateUserForm />
    </div>
  );
}
