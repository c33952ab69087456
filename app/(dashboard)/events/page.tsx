import type { Metadata } from 'next';
import { countEventsUpTo, listEvents } from '@/db/queries/events';
import { compileSearch, GRAMMAR, parseSearch } from '@/lib/search';
import { requirePermission } from '@/lib/session';
import { EventsTable } from './_components/events-table';
import { SearchBox } from './_components/search-box';
import { parseEventsSearchParams } from './search-params';

export const metadata: Metadata = { title: 'Events' };

export default async function EventsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePermission('events:read');
  const state = parseEventsSearchParams(await searchParams);
  const parsed = parseSearch(state.q);
  if (!parsed.ok) {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold tracking-tight">Events</h1>
        <SearchBox q={state.q} error={parsed.error} grammar={GRAMMAR} hide={state.hide} />
      </div>
    );
  }
  const where = compileSearch(parsed.tree);
  const [page, count] = await Promise.all([
    listEvents(where, { after: state.after, before: state.before }),
    countEventsUpTo(where),
  ]);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">Events</h1>
      <SearchBox q={state.q} error={null} grammar={GRAMMAR} hide={state.hide} />
      <EventsTable
        rows={page.rows}
        q={state.q}
        hide={state.hide}
        older={page.older}
        newer={page.newer}
        count={count.count}
        capped={count.capped}
      />
    </div>
  );
}
