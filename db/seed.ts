import { count } from 'drizzle-orm';
import type { Database } from './client';
import { users } from './schema';
import type { Role } from '@/lib/authz';
import { createUser, type ActingUser } from '@/lib/users';

export const DEMO_USERS: { email: string; name: string; role: Role }[] = [
  { email: 'admin@demo.test', name: 'Avery Admin', role: 'admin' },
  { email: 'compliance@demo.test', name: 'Casey Compliance', role: 'compliance_officer' },
  { email: 'reviewer@demo.test', name: 'Riley Reviewer', role: 'reviewer' },
  { email: 'auditor@demo.test', name: 'Alex Auditor', role: 'auditor' },
];

const SEEDER: ActingUser = {
  actor: { id: 'system:seed', name: 'Demo seed', email: null, type: 'system' },
  context: { ip: null, userAgent: null, requestId: null },
  sessionId: null,
};

/**
 * Creates the demo organisation's sign-ins, once: it does nothing when any user exists, so a
 * second start reuses the data. Each account is created through the same audited path as the
 * user admin page. Returns whether it seeded.
 */
export async function seedDemo(db: Database, password: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    // Serialise concurrent first starts against the same database.
    await tx.execute('select pg_advisory_xact_lock(7261002)');
    const [existing] = await tx.select({ n: count() }).from(users);
    if ((existing?.n ?? 0) > 0) return false;
    for (const user of DEMO_USERS)
      await createUser(tx, SEEDER, { ...user, password, expiresAt: null });
    return true;
  });
}
