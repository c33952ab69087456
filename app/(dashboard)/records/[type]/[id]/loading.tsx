import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { LoadingRegion, Skeleton, TimelineSkeleton } from '@/components/ui/skeleton';

// Safe to stream: the page has no not-found case and every signed-in role may read events.
export default function RecordLoading() {
  return (
    <LoadingRegion label="Loading the record’s timeline…">
      <div className="space-y-2">
        <Skeleton className="h-4 w-48" />
        <Skeleton className="h-8 w-72" />
        <Skeleton className="h-4 w-36" />
      </div>
      <Card>
        <CardHeader>
          <Skeleton className="h-4 w-56" />
        </CardHeader>
        <CardContent className="flex items-end gap-2">
          <Skeleton className="h-9 w-56" />
          <Skeleton className="h-9 w-28" />
        </CardContent>
      </Card>
      <TimelineSkeleton />
    </LoadingRegion>
  );
}
