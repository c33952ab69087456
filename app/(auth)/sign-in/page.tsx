import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/session';
import { safeCallbackUrl } from './callback-url';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(
    typeof params.callbackUrl === 'string' ? params.callbackUrl : '/',
  );
  if (await getCurrentUser()) redirect(callbackUrl);
  return (
    <main className="flex min-h-screen items-center justify-center bg-muted/40 p-6">
      <div className="w-full max-w-sm space-y-6 rounded-lg border bg-card p-8 shadow-sm">
        <div className="space-y-1">
          <h1 className="text-2xl font-semibold tracking-tight">WhoChanged</h1>
          <p className="text-sm text-muted-foreground">Sign in to the audit dashboard.</p>
        </div>
        <SignInForm callbackUrl={callbackUrl} />
      </div>
    </main>
  );
}
