import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import Link from 'next/link';
import { requirePermission } from '@/lib/session';
import { EvidenceForm } from './_components/evidence-form';
import { decodeFlash, FLASH_COOKIE } from './flash';
import { parseEvidenceSearchParams } from './form';

// The site's Referrer-Policy is no-referrer, under which a browser sends `Origin: null` with a
// form post, and the export route refuses a post without its origin (CSRF). On this page the
// policy is same-origin: our own origin (and referrer) go to our own server, nothing elsewhere.
export const metadata: Metadata = { title: 'Export evidence', referrer: 'same-origin' };

// No loading.tsx for this route: the page is not for every role, and a streamed 200 could not
// turn into the 403 page afterwards.
export default async function EvidencePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePermission('evidence:export');
  const sp = await searchParams;
  const { values, notes } = parseEvidenceSearchParams(sp);
  const attempt = typeof sp.attempt === 'string' ? sp.attempt : '';
  const flash = decodeFlash((await cookies()).get(FLASH_COOKIE)?.value, attempt);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Export evidence</h1>
        <p className="max-w-3xl text-sm text-muted-foreground">
          A signed bundle of the audit events in a period and scope, with the stretch of each hash
          chain around them, the checkpoints that sign it, a CSV for reading, and (optionally) the
          alerts and their review history. The export itself is recorded as an audit event, under
          your name, inside the bundle.
        </p>
      </div>

      {notes.length ? (
        <div className="space-y-1 rounded-lg border bg-card p-3 text-sm" data-testid="link-notes">
          {notes.map((n) => (
            <p key={n}>{n}</p>
          ))}
        </div>
      ) : null}

      <section aria-labelledby="export-heading" className="rounded-lg border bg-card p-5">
        <h2 id="export-heading" className="sr-only">
          What to export
        </h2>
        <EvidenceForm
          initial={values}
          error={flash ? { message: flash.error, field: flash.field } : null}
        />
      </section>

      <section
        aria-labelledby="verify-heading"
        className="space-y-2 rounded-lg border bg-card p-5 text-sm"
      >
        <h2 id="verify-heading" className="text-lg font-semibold">
          How the bundle is verified
        </h2>
        <p>
          Anyone can check a bundle without trusting this server: with Node.js 20 or later, the
          standalone verifier and the public signing key, both on the{' '}
          <Link href="/integrity" className="text-primary underline underline-offset-4">
            Integrity page
          </Link>{' '}
          (compare the key&apos;s fingerprint with one obtained independently), run
        </p>
        <pre className="overflow-x-auto rounded-md bg-muted p-2 font-mono text-xs">
          <code>node verify-bundle.mjs bundle.zip --public-key whochanged-public-key.pem</code>
        </pre>
        <p>
          It prints PASS and exits with 0, or FAIL with the first bad file and record and the
          reason. Every bundle carries VERIFY.md, which describes its byte layout and test vectors
          for writing another verifier.
        </p>
      </section>
    </div>
  );
}
