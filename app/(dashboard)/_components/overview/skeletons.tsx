import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { cn } from '@/lib/utils';

function Bone({ className }: { className?: string }) {
  return <div className={cn('animate-pulse rounded-md bg-muted', className)} />;
}

/** Placeholders in the shape of what is loading, announced once to screen readers. */
function Loading({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div aria-busy="true" role="status" aria-label={`Loading ${label}`}>
      <span className="sr-only">Loading {label}…</span>
      <div aria-hidden>{children}</div>
    </div>
  );
}

export function FiguresSkeleton() {
  return (
    <Loading label="headline figures">
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
        {Array.from({ length: 6 }, (_, i) => (
          <Card key={i}>
            <CardHeader>
              <Bone className="h-4 w-40" />
            </CardHeader>
            <CardContent className="space-y-3">
              <Bone className="h-8 w-24" />
              <Bone className="h-3 w-48" />
            </CardContent>
          </Card>
        ))}
      </div>
    </Loading>
  );
}

export function ChartSkeleton({ label, height = 'h-64' }: { label: string; height?: string }) {
  return (
    <Loading label={label}>
      <Card>
        <CardHeader className="space-y-2">
          <Bone className="h-5 w-48" />
          <Bone className="h-3 w-80 max-w-full" />
        </CardHeader>
        <CardContent>
          <Bone className={cn('w-full', height)} />
        </CardContent>
      </Card>
    </Loading>
  );
}

export function ListsSkeleton({ label }: { label: string }) {
  return (
    <Loading label={label}>
      <div className="grid gap-4 lg:grid-cols-2">
        {Array.from({ length: 2 }, (_, i) => (
          <Card key={i}>
            <CardHeader>
              <Bone className="h-5 w-40" />
            </CardHeader>
            <CardContent className="space-y-2">
              {Array.from({ length: 6 }, (_, j) => (
                <Bone key={j} className="h-5 w-full" />
              ))}
            </CardContent>
          </Card>
        ))}
      </div>
    </Loading>
  );
}
