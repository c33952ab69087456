'use client';

import Link from 'next/link';
import { useState, useTransition } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Input, Label } from '@/components/ui/input';
import type { SavedSearchItem } from '@/db/queries/saved-searches';
import { deleteSearchAction, saveSearchAction } from '../actions';
import { eventsHref } from '../search-params';

export function SavedSearches({ items, q }: { items: SavedSearchItem[]; q: string }) {
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <details className="rounded-lg border bg-card p-3 text-sm">
      <summary className="cursor-pointer font-medium">Saved searches ({items.length})</summary>
      <div className="mt-3 grid gap-4 md:grid-cols-2">
        <ul className="space-y-1" aria-label="Saved searches">
          {items.length === 0 ? <li className="text-muted-foreground">None yet.</li> : null}
          {items.map((s) => (
            <li key={s.id} className="flex items-center justify-between gap-2">
              <span>
                <Link
                  href={eventsHref({ q: s.query })}
                  className="font-medium hover:underline"
                  title={s.query}
                >
                  {s.name}
                </Link>{' '}
                {s.shared ? (
                  <Badge variant="secondary">shared{s.mine ? '' : ` by ${s.owner}`}</Badge>
                ) : null}
              </span>
              {s.mine ? (
                <Button
                  size="sm"
                  variant="ghost"
                  disabled={pending}
                  aria-label={`Delete saved search ${s.name}`}
                  onClick={() =>
                    startTransition(async () => {
                      const result = await deleteSearchAction({ id: s.id });
                      setMessage(
                        result.ok
                          ? { kind: 'ok', text: `Deleted ${s.name}.` }
                          : { kind: 'error', text: result.error },
                      );
                    })
                  }
                >
                  Delete
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
        <form
          aria-label="Save this search"
          className="space-y-2"
          onSubmit={(e) => {
            e.preventDefault();
            startTransition(async () => {
              const result = await saveSearchAction({ name, query: q, shared });
              setMessage(
                result.ok
                  ? { kind: 'ok', text: `Saved ${name}.` }
                  : { kind: 'error', text: result.error },
              );
              if (result.ok) setName('');
            });
          }}
        >
          <Label htmlFor="saved-name">Save the current search as</Label>
          <div className="flex gap-2">
            <Input
              id="saved-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="e.g. Salary changes at night"
            />
            <Button type="submit" disabled={pending}>
              Save
            </Button>
          </div>
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} />{' '}
            Share with the team
          </label>
          <p
            role="status"
            className={message?.kind === 'error' ? 'text-destructive' : 'text-success'}
          >
            {message?.text}
          </p>
        </form>
      </div>
    </details>
  );
}
