import { LoadingRegion, Skeleton, TableSkeleton } from '@/components/ui/skeleton';

// Safe to stream: every signed-in role may read this page, so its permission check never turns
// into a 403 after the 200 has been sent.
export default function IntegrityLoading() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight">Integrity</h1>
      <LoadingRegion label="Loading the integrity status…">
        <Skeleton className="h-16 w-full rounded-lg" />
        <div className="grid gap-4 lg:grid-cols-2">
          <Skeleton className="h-56 rounded-lg" />
          <Skeleton className="h-56 rounded-lg" />
        </div>
        <TableSkeleton rows={4} columns={6} />
      </LoadingRegion>
    </div>
  );
}
