'use server';

import { AuthError } from 'next-auth';
import { signIn } from '@/lib/auth';
import { safeCallbackUrl } from './callback-url';

export type SignInState = { error: string | null; email: string };

const MESSAGES: Record<string, string> = {
  locked: 'Too many failed sign-ins. This account is locked for a while; try again later.',
  invalid: 'Wrong email or password.',
};

/**
 * Public by nature (it is the way in). Auth.js calls our authorize(), which throttles, locks
 * out and audits every attempt (lib/sign-in.ts); here we only turn its outcome into a message.
 */
export async function signInAction(_prev: SignInState, formData: FormData): Promise<SignInState> {
  const email = String(formData.get('email') ?? '').slice(0, 254);
  const password = String(formData.get('password') ?? '');
  const redirectTo = safeCallbackUrl(formData.get('callbackUrl'));
  if (!email.trim() || !password) return { error: 'Enter your email and password.', email };
  try {
    await signIn('credentials', { email, password, redirectTo });
  } catch (error) {
    if (error instanceof AuthError) {
      const code = 'code' in error && typeof error.code === 'string' ? error.code : 'invalid';
      return { error: MESSAGES[code] ?? MESSAGES.invalid!, email };
    }
    throw error; // the success redirect, or a real failure for error.tsx
  }
  return { error: null, email };
}
