import { Badge } from '@/components/ui/badge';
import { cn } from '@/lib/utils';
import { SEVERITY_LABELS, STATUS_LABELS } from '../labels';

const SEVERITY_CLASSES: Record<string, string> = {
  low: 'border-transparent bg-secondary text-secondary-foreground',
  medium: 'border-transparent bg-amber-200 text-amber-950',
  high: 'border-transparent bg-orange-700 text-white',
  critical: 'border-transparent bg-destructive text-destructive-foreground',
};

export function SeverityBadge({ severity, className }: { severity: string; className?: string }) {
  return (
    <Badge
      className={cn(SEVERITY_CLASSES[severity] ?? '', className)}
      data-severity={severity}
      title="Severity"
    >
      {SEVERITY_LABELS[severity as keyof typeof SEVERITY_LABELS] ?? severity}
    </Badge>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const label = STATUS_LABELS[status as keyof typeof STATUS_LABELS] ?? status;
  if (status === 'resolved') return <Badge variant="success">{label}</Badge>;
  if (status === 'acknowledged') return <Badge variant="secondary">{label}</Badge>;
  return <Badge variant="outline">{label}</Badge>;
}
