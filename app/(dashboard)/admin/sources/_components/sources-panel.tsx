'use client';

import { useState, useTransition } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { FieldError, Input, Label } from '@/components/ui/input';
import { formatCount } from '@/lib/format';
import { createApiKeyAction, createSourceAction, revokeApiKeyAction } from '../actions';

type Key = {
  id: string;
  label: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
};
type Source = {
  id: string;
  name: string;
  description: string;
  rateLimitPerSecond: number;
  createdAt: string;
  events: number;
  keys: Key[];
};

/** A freshly created key: shown once, with the exact request that uses it. */
function NewKey({ name, apiKey }: { name: string; apiKey: string }) {
  return (
    <div
      role="status"
      className="space-y-2 rounded-md border border-success bg-success/10 p-4 text-sm"
    >
      <p className="font-medium">
        New API key for {name}. Copy it now: it will not be shown again.
      </p>
      <code
        data-testid="new-api-key"
        className="block break-all rounded bg-background p-2 font-mono text-xs"
      >
        {apiKey}
      </code>
      <Button
        size="sm"
        variant="outline"
        onClick={() => void navigator.clipboard?.writeText(apiKey)}
      >
        Copy key
      </Button>
    </div>
  );
}

export function SourcesPanel({ sources }: { sources: Source[] }) {
  const [pending, startTransition] = useTransition();
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [form, setForm] = useState({ name: '', description: '' });

  const run = <T,>(
    action: () => Promise<
      { ok: true; data: T } | { ok: false; error: string; fieldErrors?: Record<string, string> }
    >,
    then: (data: T) => void,
  ) =>
    startTransition(async () => {
      const result = await action();
      if (result.ok) {
        setError(null);
        setFieldErrors({});
        then(result.data);
      } else {
        setError(result.error);
        setFieldErrors(result.fieldErrors ?? {});
      }
    });

  return (
    <div className="space-y-6">
      {created ? <NewKey name={created.name} apiKey={created.key} /> : null}
      {error ? (
        <p role="alert" className="text-sm text-destructive">
          {error}
        </p>
      ) : null}
      {sources.length === 0 ? (
        <Card>
          <CardContent className="space-y-1 pt-5 text-sm text-muted-foreground">
            <p className="font-medium text-foreground">No sources yet.</p>
            <p>
              Create one below: its API key is shown once. Then send events to{' '}
              <code>POST /api/v1/events</code> with the key as a bearer token, or import a file with{' '}
              <code>npm run import</code>; “Sending events” in the README has examples.
            </p>
          </CardContent>
        </Card>
      ) : (
        <div className="grid gap-4 lg:grid-cols-2">
          {sources.map((source) => (
            <Card key={source.id} data-testid={`source-${source.name}`}>
              <CardHeader>
                <div className="flex items-baseline justify-between gap-2">
                  <h2 className="font-mono text-lg font-semibold">{source.name}</h2>
                  <span className="text-sm text-muted-foreground">
                    {formatCount(source.events)} events
                  </span>
                </div>
                {source.description ? (
                  <p className="text-sm text-muted-foreground">{source.description}</p>
                ) : null}
              </CardHeader>
              <CardContent className="space-y-3">
                <ul className="space-y-2 text-sm" aria-label={`API keys of ${source.name}`}>
                  {source.keys.map((key) => (
                    <li key={key.id} className="flex items-center justify-between gap-2">
                      <span>
                        <code className="font-mono text-xs">{key.prefix}…</code>{' '}
                        {key.label ? (
                          <span className="text-muted-foreground">{key.label}</span>
                        ) : null}{' '}
                        {key.revokedAt ? (
                          <Badge variant="secondary">revoked {key.revokedAt.slice(0, 10)}</Badge>
                        ) : (
                          <Badge variant="success">active</Badge>
                        )}
                      </span>
                      {key.revokedAt ? null : (
                        <Button
                          size="sm"
                          variant="destructive"
                          disabled={pending}
                          aria-label={`Revoke key ${key.prefix} of ${source.name}`}
                          onClick={() =>
                            run(
                              () => revokeApiKeyAction({ keyId: key.id }),
                              () => setCreated(null),
                            )
                          }
                        >
                          Revoke
                        </Button>
                      )}
                    </li>
                  ))}
                </ul>
                <Button
                  size="sm"
                  variant="outline"
                  disabled={pending}
                  aria-label={`New API key for ${source.name}`}
                  onClick={() =>
                    run(
                      () => createApiKeyAction({ sourceId: source.id, label: '' }),
                      (data) => setCreated({ name: source.name, key: data.key }),
                    )
                  }
                >
                  New API key
                </Button>
              </CardContent>
            </Card>
          ))}
        </div>
      )}
      <Card>
        <CardHeader>
          <h2 className="text-lg font-semibold">Create a source</h2>
        </CardHeader>
        <CardContent>
          <form
            aria-label="Create a source"
            className="grid gap-4 sm:grid-cols-2"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              run(
                () => createSourceAction(form),
                (data) => {
                  setCreated({ name: data.name, key: data.key });
                  setForm({ name: '', description: '' });
                },
              );
            }}
          >
            <div className="space-y-2">
              <Label htmlFor="source-name">Name (e.g. crm, ats, hris)</Label>
              <Input
                id="source-name"
                value={form.name}
                onChange={(e) => setForm({ ...form, name: e.target.value })}
                aria-invalid={!!fieldErrors.name}
                aria-describedby="source-name-error"
              />
              <FieldError id="source-name-error" message={fieldErrors.name} />
            </div>
            <div className="space-y-2">
              <Label htmlFor="source-description">Description</Label>
              <Input
                id="source-description"
                value={form.description}
                onChange={(e) => setForm({ ...form, description: e.target.value })}
                aria-describedby="source-description-error"
              />
              <FieldError id="source-description-error" message={fieldErrors.description} />
            </div>
            <div className="sm:col-span-2">
              <Button type="submit" disabled={pending}>
                Create source
              </Button>
            </div>
          </form>
        </CardContent>
      </Card>
    </div>
  );
}
