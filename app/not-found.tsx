import Link from 'next/link';
import { StatusPage } from '@/components/layout/status-page';

export default function NotFound() {
  return (
    <StatusPage code="404" title="Page not found" message="There is nothing at this address.">
      <Link href="/" className="text-primary underline-offset-4 hover:underline">
        Go to the overview
      </Link>
    </StatusPage>
  );
}
