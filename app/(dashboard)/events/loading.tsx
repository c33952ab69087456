import { LoadingRegion, Skeleton, TableSkeleton } from '@/components/ui/skeleton';

// Safe to stream: every signed-in role may read events, so the page's permission check never
// turns into a 403 after the 200 has been sent (e2e/authz/matrix.spec.ts pins that).
export default function EventsLoading() {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">Events</h1>
      <LoadingRegion label="Loading events…" className="space-y-4">
        <div className="flex gap-2">
          <Skeleton className="h-9 flex-1" />
          <Skeleton className="h-9 w-20" />
          <Skeleton className="h-9 w-9" />
        </div>
        <Skeleton className="h-11 w-full rounded-lg" />
        <div className="flex justify-between">
          <Skeleton className="h-5 w-40" />
          <Skeleton className="h-8 w-56" />
        </div>
        <TableSkeleton rows={12} columns={8} />
      </LoadingRegion>
    </div>
  );
}
