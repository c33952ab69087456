import 'server-only';
import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { z } from 'zod';
import { db } from '@/db';
import { authConfig } from './config';
import { contextFromHeaders, getRequestContext } from './request-context';
import { attemptSignIn, signOutSession } from './sign-in';

declare module 'next-auth' {
  interface User {
    sid?: string;
  }
  interface Session {
    sid?: string;
  }
}

class InvalidCredentials extends CredentialsSignin {
  code = 'invalid';
}
class LockedOut extends CredentialsSignin {
  code = 'locked';
}

const credentialsSchema = z.object({
  email: z.string().max(1000),
  password: z.string().max(1000),
});

/**
 * Auth.js holds only a signed JWT cookie carrying our session id. Who that is, their role and
 * whether they may still act is re-read from the database on every request (lib/session.ts).
 */
export const { auth, signIn, signOut } = NextAuth({
  trustHost: true,
  secret: process.env.AUTH_SECRET,
  session: { strategy: 'jwt', maxAge: authConfig().sessionMaxAgeSeconds },
  pages: { signIn: '/sign-in', error: '/sign-in' },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(raw, request) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) throw new InvalidCredentials();
        const result = await attemptSignIn(db, {
          ...parsed.data,
          context: contextFromHeaders(request.headers),
        });
        if (!result.ok)
          throw result.reason === 'locked' ? new LockedOut() : new InvalidCredentials();
        return {
          id: result.user.id,
          name: result.user.name,
          email: result.user.email,
          sid: result.sessionId,
        };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.sid) token.sid = user.sid;
      return token;
    },
    session({ session, token }) {
      session.sid = typeof token.sid === 'string' ? token.sid : undefined;
      return session;
    },
  },
  events: {
    async signOut(message) {
      const sid = 'token' in message ? message.token?.sid : undefined;
      if (typeof sid === 'string') await signOutSession(db, sid, await getRequestContext());
    },
  },
});
