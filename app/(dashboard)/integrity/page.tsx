import type { Metadata } from 'next';
import Link from 'next/link';
import { Fragment } from 'react';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { LocalTime } from '@/components/ui/local-time';
import { getIntegrityStatus, type IntegrityStatus } from '@/db/queries/integrity';
import { can } from '@/lib/authz';
import { integrityConfig } from '@/lib/config';
import { formatCount } from '@/lib/format';
import { loadSigner } from '@/lib/integrity/keys';
import { requirePermission } from '@/lib/session';
import {
  formatAge,
  formatDuration,
  groupHex,
  TRIGGER_LABELS,
  VERIFY_COMMAND,
} from './_components/format';
import { IntegrityActions } from './_components/integrity-actions';
import { StreamsTable } from './_components/streams-table';

export const metadata: Metadata = { title: 'Integrity' };

const keyHref = (keyId?: string) =>
  keyId
    ? `/integrity/public-key.pem?key=${encodeURIComponent(keyId)}`
    : '/integrity/public-key.pem';

/** What is wrong right now, one sentence each; empty when the store is verified and signed. */
function currentProblems(status: IntegrityStatus, now: number, intervalSeconds: number): string[] {
  const problems: string[] = [];
  const run = status.lastRun;
  if (run && !run.ok)
    problems.push(
      `The last full verification (run #${run.id}, ${formatAge(now - Date.parse(run.finishedAt))} ago) failed: ${run.failure ?? 'a problem was found'}${run.problems > 1 ? `, and ${formatCount(run.problems - 1)} more problems` : ''}.`,
    );
  const events = status.streams.reduce((n, s) => n + s.headSeq, 0);
  const cp = status.checkpoint;
  if (!cp) {
    if (events > 0)
      problems.push(
        `No checkpoint has been signed, though ${formatCount(events)} events are recorded: none of them is protected by a signature. Check that the integrity process is running (npm start runs it beside the server).`,
      );
  } else {
    const age = now - Date.parse(cp.issuedAt);
    if (age > (2 * intervalSeconds + 60) * 1000)
      problems.push(
        `Checkpoints have stopped: the newest, #${cp.id}, was signed ${formatAge(age)} ago, and one is due every ${formatCount(intervalSeconds)} s. Events since then are not protected by a signature. Check that the integrity process is running (npm start runs it beside the server).`,
      );
  }
  return problems;
}

export default async function IntegrityPage() {
  const user = await requirePermission('events:read');
  const mayAct = can(user.role, 'evidence:export');
  const config = integrityConfig();
  const signer = loadSigner(config);
  const status = await getIntegrityStatus();
  const now = new Date().getTime();
  const problems = currentProblems(status, now, config.checkpointIntervalSeconds);
  const run = status.lastRun;
  const cp = status.checkpoint;
  const otherKeys = status.keys.filter((k) => k.keyId !== signer.keyId);
  const current = status.keys.find((k) => k.keyId === signer.keyId);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Integrity</h1>
        <p className="max-w-3xl text-sm text-muted-foreground">
          Every audit event is hash-chained within its stream. The heads of all streams are signed
          into a checkpoint every {formatCount(config.checkpointIntervalSeconds)} s, at every
          evidence export and on demand, with the key below; a full verification recomputes every
          chain and checks every checkpoint every {formatCount(config.verifyIntervalHours)} h. An
          auditor checks an exported bundle with the standalone verifier and this public key,
          without trusting this server.
        </p>
      </div>

      {problems.length ? (
        <div
          role="alert"
          className="space-y-1 rounded-lg border border-destructive bg-destructive/10 p-4"
          data-testid="integrity-banner"
          data-state="problem"
        >
          <p className="font-semibold text-destructive">Integrity problem</p>
          {problems.map((p) => (
            <p key={p} className="text-sm">
              {p}
            </p>
          ))}
        </div>
      ) : (
        <div
          role="status"
          className={`rounded-lg border p-4 text-sm ${run ? 'border-success bg-success/10' : 'bg-card'}`}
          data-testid="integrity-banner"
          data-state={run ? 'ok' : 'neutral'}
        >
          <p className="font-semibold">
            {run ? 'Chains verified, checkpoints current' : 'Checkpoints current'}
          </p>
          <p>
            {run
              ? `The last full verification passed ${formatAge(now - Date.parse(run.finishedAt))} ago. `
              : 'No full verification has run yet. '}
            {cp
              ? `The newest checkpoint, #${cp.id}, was signed ${formatAge(now - Date.parse(cp.issuedAt))} ago.`
              : 'No events have been recorded yet, so there is nothing to sign.'}
          </p>
        </div>
      )}

      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Checkpoint signing key</CardTitle>
          </CardHeader>
          <CardContent className="space-y-3 text-sm">
            <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-2">
              <dt className="text-muted-foreground">Fingerprint</dt>
              <dd>
                <code
                  className="font-mono text-sm break-words"
                  data-testid="key-fingerprint"
                  title="SHA-256 of the raw Ed25519 public key"
                >
                  {groupHex(signer.fingerprint)}
                </code>
              </dd>
              <dt className="text-muted-foreground">Key id</dt>
              <dd>
                <code className="text-xs" data-testid="key-id">
                  {signer.keyId}
                </code>
              </dd>
              <dt className="text-muted-foreground">In use since</dt>
              <dd>{current ? <LocalTime iso={current.createdAt} /> : 'its first checkpoint'}</dd>
            </dl>
            <p className="text-muted-foreground">
              Compare the fingerprint with the one you were given out of band (or read it aloud to
              someone who can see this page) before you trust the key.
            </p>
            <div className="flex flex-wrap gap-x-4 gap-y-2">
              <a href={keyHref()} download className="text-primary underline underline-offset-4">
                Download public key
              </a>
              <a
                href="/integrity/verify-bundle.mjs"
                download
                className="text-primary underline underline-offset-4"
              >
                Download the standalone verifier
              </a>
            </div>
            {otherKeys.length ? (
              <div className="space-y-2 border-t pt-3">
                <h3 className="font-medium">Earlier keys</h3>
                <p className="text-muted-foreground">
                  Checkpoints signed before a rotation still verify with these.
                </p>
                <ul className="space-y-2" aria-label="Earlier signing keys">
                  {otherKeys.map((k) => (
                    <li key={k.keyId} className="space-y-0.5" data-key-id={k.keyId}>
                      <div className="flex flex-wrap items-baseline gap-2">
                        <code className="text-xs">{k.keyId}</code>
                        {k.retiredAt ? (
                          <span className="text-xs text-muted-foreground">
                            retired <LocalTime iso={k.retiredAt} withSeconds={false} />
                          </span>
                        ) : (
                          <Badge variant="outline">not retired</Badge>
                        )}
                        <a
                          href={keyHref(k.keyId)}
                          download
                          className="text-xs text-primary underline underline-offset-4"
                        >
                          Download<span className="sr-only"> public key {k.keyId}</span>
                        </a>
                      </div>
                      <code className="block font-mono text-xs break-words text-muted-foreground">
                        {groupHex(k.fingerprint)}
                      </code>
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Last full verification</CardTitle>
          </CardHeader>
          <CardContent className="space-y-4 text-sm">
            {run ? (
              <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-2" data-testid="last-run">
                {(
                  [
                    [
                      'Result',
                      <Badge
                        key="r"
                        variant={run.ok ? 'success' : 'destructive'}
                        data-testid="last-run-result"
                      >
                        {run.ok ? 'PASS' : 'FAIL'}
                      </Badge>,
                    ],
                    ['Finished', <LocalTime key="f" iso={run.finishedAt} />],
                    ['Trigger', TRIGGER_LABELS[run.trigger] ?? run.trigger],
                    [
                      'Events verified',
                      <span key="e" data-testid="last-run-events">
                        {formatCount(run.events)}
                      </span>,
                    ],
                    [
                      'Duration',
                      formatDuration(Date.parse(run.finishedAt) - Date.parse(run.startedAt)),
                    ],
                    ...(run.failure ? [['First problem', run.failure] as const] : []),
                  ] as [string, React.ReactNode][]
                ).map(([k, v]) => (
                  <Fragment key={k}>
                    <dt className="text-muted-foreground">{k}</dt>
                    <dd className="break-words">{v}</dd>
                  </Fragment>
                ))}
              </dl>
            ) : (
              <p className="text-muted-foreground">
                No full verification has run yet. The first runs in the background soon after the
                server starts
                {mayAct ? ', or run one now.' : '.'}
              </p>
            )}
            <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-2">
              <dt className="text-muted-foreground">Newest checkpoint</dt>
              <dd data-testid="newest-checkpoint" data-checkpoint-id={cp?.id ?? ''}>
                {cp ? (
                  <>
                    #{cp.id} ({cp.reason}), <LocalTime iso={cp.issuedAt} />
                  </>
                ) : (
                  'none yet'
                )}
              </dd>
            </dl>
            {mayAct ? (
              <IntegrityActions />
            ) : (
              <p className="text-muted-foreground">
                An admin, compliance officer or auditor can run a verification or sign a checkpoint
                on demand.
              </p>
            )}
          </CardContent>
        </Card>
      </div>

      <section aria-labelledby="streams-heading" className="space-y-3">
        <h2 id="streams-heading" className="text-lg font-semibold">
          Streams
        </h2>
        <StreamsTable streams={status.streams} checkpoint={cp} now={now} />
      </section>

      <section
        aria-labelledby="auditor-heading"
        className="space-y-2 rounded-lg border bg-card p-4 text-sm"
      >
        <h2 id="auditor-heading" className="text-lg font-semibold">
          How an auditor verifies
        </h2>
        <ol className="list-decimal space-y-1 pl-5">
          <li>
            Download the public key and the standalone verifier above, and check the key&apos;s
            fingerprint against one you obtained independently.
          </li>
          <li>
            {can(user.role, 'evidence:export') ? (
              <Link href="/evidence" className="text-primary underline underline-offset-4">
                Export an evidence bundle
              </Link>
            ) : (
              'Have an admin, compliance officer or auditor export an evidence bundle'
            )}{' '}
            for the period and scope under review.
          </li>
          <li>
            With Node.js 20 or later and nothing else installed, run (with the names of the files
            you downloaded):
            <pre className="mt-1 overflow-x-auto rounded-md bg-muted p-2 font-mono text-xs">
              <code data-testid="verify-command">{VERIFY_COMMAND}</code>
            </pre>
            It prints PASS and exits with 0, or FAIL with the first bad file, record and reason, and
            exits with 1. The bundle&apos;s VERIFY.md describes every byte, so you can also write
            your own verifier.
          </li>
        </ol>
      </section>
    </div>
  );
}
