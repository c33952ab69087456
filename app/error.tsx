'use client';

import { StatusPage } from '@/components/layout/status-page';
import { Button } from '@/components/ui/button';

// Shows a short message and a correlation id (the digest the server logged), never internals.
export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <StatusPage
      code="500"
      title="Something went wrong"
      message="The request failed. Try again; if it keeps failing, give this reference to your admin."
    >
      {error.digest ? (
        <p className="font-mono text-sm">
          Reference: <span data-testid="error-reference">{error.digest}</span>
        </p>
      ) : null}
      <Button onClick={reset}>Try again</Button>
    </StatusPage>
  );
}
