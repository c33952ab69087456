import type { Metadata } from 'next';
import { listSources } from '@/db/queries/sources';
import { requirePermission } from '@/lib/session';
import { SourcesPanel } from './_components/sources-panel';

export const metadata: Metadata = { title: 'Sources' };

export default async function SourcesPage() {
  await requirePermission('sources:manage');
  const sources = await listSources();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Sources</h1>
        <p className="text-sm text-muted-foreground">
          Each system that sends audit events is a source with its own hash chain and API keys. Keys
          are shown once; only their hash is kept. Creating and revoking keys is recorded in the
          audit log.
        </p>
      </div>
      <SourcesPanel
        sources={sources.map((s) => ({
          ...s,
          createdAt: s.createdAt.toISOString(),
          keys: s.keys.map((k) => ({
            ...k,
            createdAt: k.createdAt.toISOString(),
            revokedAt: k.revokedAt?.toISOString() ?? null,
          })),
        }))}
      />
    </div>
  );
}
