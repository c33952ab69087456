import type { Metadata } from 'next';
import { countEventsUpTo, listEvents } from '@/db/queries/events';
import { listSavedSearches } from '@/db/queries/saved-searches';
import { can } from '@/lib/authz';
import { compileSearch, GRAMMAR, parseSearch } from '@/lib/search';
import { requirePermission } from '@/lib/session';
import { EventsTable } from './_components/events-table';
import { SavedSearches } from './_components/saved-searches';
import { SearchBox } from './_components/search-box';
import { parseEventsSearchParams } from './search-params';

export const metadata: Metadata = { title: 'Events' };

export default async function EventsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requirePermission('events:read');
  const state = parseEventsSearchParams(await searchParams);
  const saved = await listSavedSearches(user.id);
  const parsed = parseSearch(state.q);
  if (!parsed.ok) {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold tracking-tight">Events</h1>
        <SearchBox
          key={state.q}
          q={state.q}
          error={parsed.error}
          grammar={GRAMMAR}
          hide={state.hide}
        />
        <SavedSearches items={saved} q={state.q} />
      </div>
    );
  }
  const where = compileSearch(parsed.tree);
  const page = await listEvents(where, { after: state.after, before: state.before });
  // A result that fits on one page is its own exact count; only larger ones are counted.
  const count =
    page.older || page.newer
      ? await countEventsUpTo(where)
      : { count: page.rows.length, capped: false, estimated: false };
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">Events</h1>
      <SearchBox key={state.q} q={state.q} error={null} grammar={GRAMMAR} hide={state.hide} />
      <SavedSearches items={saved} q={state.q} />
      <EventsTable
        rows={page.rows}
        q={state.q}
        hide={state.hide}
        older={page.older}
        newer={page.newer}
        count={count.count}
        capped={count.capped}
        estimated={count.estimated}
        canManageSources={can(user.role, 'sources:manage')}
      />
    </div>
  );
}
