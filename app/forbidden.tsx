import Link from 'next/link';
import { StatusPage } from '@/components/layout/status-page';

export default function Forbidden() {
  return (
    <StatusPage
      code="403"
      title="Forbidden"
      message="Your role does not allow you to open this page. Ask an admin if you need access."
    >
      <Link href="/" className="text-primary underline-offset-4 hover:underline">
        Go to the overview
      </Link>
    </StatusPage>
  );
}
