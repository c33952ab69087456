'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { db } from '@/db';
import { authorizedAction } from '@/lib/actions';
import { deleteSearch, saveSearch } from '@/lib/saved-searches';
import { text } from '@/lib/validation';

export const saveSearchAction = authorizedAction(
  'events:read',
  z.strictObject({
    name: text('Name', 100),
    query: z.string().max(2000, 'The search must be at most 2,000 characters'),
    shared: z.boolean({ error: 'shared must be true or false' }),
  }),
  async (input, { user, acting }) => {
    const saved = await db.transaction((tx) =>
      saveSearch(tx, { ...acting, userId: user.id }, input),
    );
    revalidatePath('/events');
    return saved;
  },
);

export const deleteSearchAction = authorizedAction(
  'events:read',
  z.strictObject({ id: z.uuid({ error: 'id must be a saved search id' }) }),
  async (input, { user, acting }) => {
    await db.transaction((tx) => deleteSearch(tx, { ...acting, userId: user.id }, input));
    revalidatePath('/events');
    return null;
  },
);
