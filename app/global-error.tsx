'use client';

export default function GlobalError({ error }: { error: Error & { digest?: string } }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', padding: '3rem' }}>
        <h1>Something went wrong</h1>
        <p>
          The dashboard could not load. Reload the page; if it keeps failing, give this reference to
          your admin.
        </p>
        {error.digest ? <p>Reference: {error.digest}</p> : null}
      </body>
    </html>
  );
}
