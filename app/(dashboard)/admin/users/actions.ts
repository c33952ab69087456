'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { db } from '@/db';
import { authorizedAction } from '@/lib/actions';
import { ROLES } from '@/lib/authz';
import { changeRole, createUser, resetPassword, setActive, setExpiry } from '@/lib/users';
import { emailSchema, passwordSchema, text } from '@/lib/validation';

const userId = z.uuid({ error: 'userId must be a user id' });
const role = z.enum(ROLES, { error: `Role must be one of: ${ROLES.join(', ')}` });
// A date (YYYY-MM-DD): access ends at the end of that day, UTC. Empty means no expiry.
const expiry = z
  .union([z.literal(''), z.null(), z.iso.date({ error: 'Expiry must be a date (YYYY-MM-DD)' })])
  .transform((v) => (v ? new Date(`${v}T23:59:59.999Z`) : null))
  .refine((d) => d === null || !Number.isNaN(d.getTime()), 'Expiry must be a real date');

const done = () => revalidatePath('/admin/users');

export const createUserAction = authorizedAction(
  'users:manage',
  z.strictObject({
    email: emailSchema,
    name: text('Name', 200),
    role,
    password: passwordSchema,
    expiresAt: expiry.optional(),
  }),
  async (input, { acting }) => {
    const user = await db.transaction((tx) =>
      createUser(tx, acting, { ...input, expiresAt: input.expiresAt ?? null }),
    );
    done();
    return { id: user.id };
  },
);

export const changeRoleAction = authorizedAction(
  'users:manage',
  z.strictObject({ userId, role }),
  async (input, { acting }) => {
    await db.transaction((tx) => changeRole(tx, acting, input));
    done();
    return null;
  },
);

export const setActiveAction = authorizedAction(
  'users:manage',
  z.strictObject({ userId, active: z.boolean({ error: 'active must be true or false' }) }),
  async (input, { acting }) => {
    await db.transaction((tx) => setActive(tx, acting, input));
    done();
    return null;
  },
);

export const resetPasswordAction = authorizedAction(
  'users:manage',
  z.strictObject({ userId, password: passwordSchema }),
  async (input, { acting }) => {
    await db.transaction((tx) => resetPassword(tx, acting, input));
    done();
    return null;
  },
);

export const setExpiryAction = authorizedAction(
  'users:manage',
  z.strictObject({ userId, expiresAt: expiry }),
  async (input, { acting }) => {
    await db.transaction((tx) => setExpiry(tx, acting, input));
    done();
    return null;
  },
);
