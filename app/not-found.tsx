import Link from 'next/link';
import { connection } from 'next/server';
import { StatusPage } from '@/components/layout/status-page';

// Rendered per request, not prerendered at build: a static page carries no CSP nonce, so the
// browser would refuse every one of its scripts.
export default async function NotFound() {
  await connection();
  return (
    <StatusPage code="404" title="Page not found" message="There is nothing at this address.">
      <Link href="/" className="text-primary underline-offset-4 hover:underline">
        Go to the overview
      </Link>
    </StatusPage>
  );
}
