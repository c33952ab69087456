'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { db } from '@/db';
import { authorizedAction } from '@/lib/actions';
import {
  createApiKey,
  createSource,
  revokeApiKey,
  SOURCE_NAME_PATTERN,
} from '@/lib/ingest/sources';
import { text } from '@/lib/validation';

const done = () => revalidatePath('/admin/sources');
const label = z.string().trim().max(100, 'Label must be at most 100 characters').default('');

export const createSourceAction = authorizedAction(
  'sources:manage',
  z.strictObject({
    name: z
      .string()
      .trim()
      .regex(
        SOURCE_NAME_PATTERN,
        'Name must be 1-63 lower-case letters, digits, - or _, starting with a letter or digit',
      ),
    description: z.union([z.literal(''), text('Description', 500)]).default(''),
  }),
  async (input, { acting }) => {
    // The source and its first key commit together; the key is shown once and never stored.
    const result = await db.transaction(async (tx) => {
      const source = await createSource(tx, acting, input);
      const key = await createApiKey(tx, acting, { sourceId: source.id, label: 'first key' });
      return { sourceId: source.id, name: source.name, key: key.key };
    });
    done();
    return result;
  },
);

export const createApiKeyAction = authorizedAction(
  'sources:manage',
  z.strictObject({ sourceId: z.uuid({ error: 'sourceId must be a source id' }), label }),
  async (input, { acting }) => {
    const key = await db.transaction((tx) => createApiKey(tx, acting, input));
    done();
    return { key: key.key, prefix: key.prefix };
  },
);

export const revokeApiKeyAction = authorizedAction(
  'sources:manage',
  z.strictObject({ keyId: z.uuid({ error: 'keyId must be an API key id' }) }),
  async (input, { acting }) => {
    await db.transaction((tx) => revokeApiKey(tx, acting, input));
    done();
    return null;
  },
);
