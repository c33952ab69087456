import 'server-only';
import { z } from 'zod';
import type { ActingUser } from './users';
import { can, type Permission } from './authz';
import { ExpectedError } from './errors';
import { getRequestContext } from './request-context';
import { getCurrentUser } from './session';
import type { SessionUser } from './sign-in';
import { fieldErrors } from './validation';

export type ActionResult<T> =
  { ok: true; data: T } | { ok: false; error: string; fieldErrors?: Record<string, string> };

/**
 * Every server action is a public POST endpoint. This wrapper does, in order: authorise from
 * the session re-checked against the database, validate the input strictly, run the handler
 * (which writes its change and audit event in one transaction), and shape the result.
 */
export function authorizedAction<S extends z.ZodType, T>(
  permission: Permission,
  schema: S,
  handler: (input: z.output<S>, ctx: { user: SessionUser; acting: ActingUser }) => Promise<T>,
): (input: z.input<S>) => Promise<ActionResult<T>> {
  return async (input) => {
    const user = await getCurrentUser();
    if (!user) return { ok: false, error: 'You are not signed in.' };
    if (!can(user.role, permission))
      return { ok: false, error: 'You do not have permission to do this.' };
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error);
      return { ok: false, error: Object.values(errors)[0] ?? 'Invalid input', fieldErrors: errors };
    }
    const acting: ActingUser = {
      actor: { id: user.id, name: user.name, email: user.email, type: 'user' },
      context: await getRequestContext(),
      sessionId: user.sessionId,
    };
    try {
      return { ok: true, data: await handler(parsed.data, { user, acting }) };
    } catch (error) {
      if (error instanceof ExpectedError) {
        const field = error.field;
        return {
          ok: false,
          error: error.message,
          fieldErrors: field ? { [field]: error.message } : undefined,
        };
      }
      throw error;
    }
  };
}
