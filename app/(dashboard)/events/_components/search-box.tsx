'use client';

import { Popover } from 'radix-ui';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { eventsHref } from '../search-params';

type SearchError = { message: string; position: number; expected?: string };

export function SearchBox({
  q,
  error,
  grammar,
  hide,
}: {
  q: string;
  error: SearchError | null;
  grammar: string;
  hide: readonly string[];
}) {
  const router = useRouter();
  const [value, setValue] = useState(q);
  return (
    <div className="space-y-2">
      <form
        role="search"
        aria-label="Search events"
        className="flex gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          router.push(eventsHref({ q: value.trim(), hide }));
        }}
      >
        <Input
          aria-label="Search query"
          name="q"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder='e.g. field:salary offhours:true after:30d   or   action:candidate.* -outcome:success   or   "Jane Doe"'
          className="font-mono"
          aria-invalid={!!error}
          aria-describedby={error ? 'search-error' : undefined}
          spellCheck={false}
        />
        <Button type="submit">Search</Button>
        <Popover.Root>
          <Popover.Trigger asChild>
            <Button type="button" variant="outline" aria-label="Search help">
              ?
            </Button>
          </Popover.Trigger>
          <Popover.Portal>
            <Popover.Content
              align="end"
              sideOffset={6}
              className="z-50 max-h-[70vh] w-[36rem] max-w-[95vw] overflow-auto rounded-lg border bg-card p-4 text-sm shadow-lg"
            >
              <h2 className="mb-2 font-semibold">Search language</h2>
              <pre className="whitespace-pre-wrap font-mono text-xs leading-relaxed">{grammar}</pre>
            </Popover.Content>
          </Popover.Portal>
        </Popover.Root>
      </form>
      {error ? (
        <div
          id="search-error"
          role="alert"
          className="rounded-md border border-destructive/50 bg-destructive/5 p-3 text-sm"
        >
          <p className="font-medium text-destructive">{error.message}</p>
          <pre className="mt-2 overflow-x-auto font-mono text-xs">
            {q}
            {'\n'}
            {' '.repeat(Math.min(error.position, q.length))}^
            {error.expected ? ` expected ${error.expected}` : ''}
          </pre>
        </div>
      ) : null}
    </div>
  );
}
