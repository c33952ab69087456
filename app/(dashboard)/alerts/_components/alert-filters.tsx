'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { Input, Label, NativeSelect } from '@/components/ui/input';
import { LocalTime } from '@/components/ui/local-time';
import {
  AGE_FILTERS,
  AGE_LABELS,
  type AlertFilters as Filters,
  type SnoozeFilter,
} from '@/lib/alerts/filters';
import { RULE_IDS, SEVERITIES } from '@/lib/detection/types';
import { RULE_NAMES } from '@/lib/detection/types';
import { SEVERITY_LABELS } from '../labels';
import { alertsHref } from '../search-params';

const SNOOZE_LABELS: Record<SnoozeFilter, string> = {
  hide: 'Hide snoozed',
  show: 'Include snoozed',
  only: 'Only snoozed',
};

/**
 * The queue's filters. Each change is a navigation (pushed, so back and forward step through
 * the views); the server parses the URL and renders the result. The parent remounts this
 * component when the URL changes, so the controls always show what the URL says.
 */
export function AlertFilters({
  filters,
  assignees,
}: {
  filters: Filters;
  assignees: { id: string; name: string }[];
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [actor, setActor] = useState(filters.actor ?? '');
  const go = (change: Partial<Filters>) =>
    startTransition(() => router.push(alertsHref({ ...filters, ...change })));
  const knownAssignee =
    !filters.assignee ||
    filters.assignee === 'me' ||
    filters.assignee === 'none' ||
    assignees.some((a) => a.id === filters.assignee);

  return (
    <form
      aria-label="Alert filters"
      aria-busy={pending}
      className="grid gap-3 rounded-lg border bg-card p-4 sm:grid-cols-3 lg:grid-cols-6"
      onSubmit={(e) => {
        e.preventDefault();
        go({ actor: actor.trim() || null });
      }}
    >
      <div className="space-y-1">
        <Label htmlFor="filter-severity">Severity</Label>
        <NativeSelect
          id="filter-severity"
          defaultValue={filters.severity ?? ''}
          onChange={(e) => go({ severity: (e.target.value || null) as Filters['severity'] })}
        >
          <option value="">Any severity</option>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {SEVERITY_LABELS[s]}
            </option>
          ))}
        </NativeSelect>
      </div>
      <div className="space-y-1">
        <Label htmlFor="filter-rule">Rule</Label>
        <NativeSelect
          id="filter-rule"
          defaultValue={filters.rule ?? ''}
          onChange={(e) => go({ rule: (e.target.value || null) as Filters['rule'] })}
        >
          <option value="">Any rule</option>
          {RULE_IDS.map((r) => (
            <option key={r} value={r}>
              {RULE_NAMES[r]}
            </option>
          ))}
        </NativeSelect>
      </div>
      <div className="space-y-1">
        <Label htmlFor="filter-assignee">Assignee</Label>
        <NativeSelect
          id="filter-assignee"
          defaultValue={filters.assignee ?? ''}
          onChange={(e) => go({ assignee: e.target.value || null })}
        >
          <option value="">Anyone</option>
          <option value="me">Assigned to me</option>
          <option value="none">Unassigned</option>
          {assignees.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
          {knownAssignee ? null : (
            <option value={filters.assignee!}>User {filters.assignee}</option>
          )}
        </NativeSelect>
      </div>
      <div className="space-y-1">
        <Label htmlFor="filter-age">Age</Label>
        <NativeSelect
          id="filter-age"
          defaultValue={filters.age ?? ''}
          onChange={(e) => go({ age: (e.target.value || null) as Filters['age'] })}
        >
          <option value="">Any age</option>
          {AGE_FILTERS.map((a) => (
            <option key={a} value={a}>
              {AGE_LABELS[a]}
            </option>
          ))}
        </NativeSelect>
      </div>
      <div className="space-y-1">
        <Label htmlFor="filter-snoozed">Snoozed</Label>
        <NativeSelect
          id="filter-snoozed"
          defaultValue={filters.snoozed}
          onChange={(e) => go({ snoozed: e.target.value as SnoozeFilter })}
        >
          {(Object.keys(SNOOZE_LABELS) as SnoozeFilter[]).map((s) => (
            <option key={s} value={s}>
              {SNOOZE_LABELS[s]}
            </option>
          ))}
        </NativeSelect>
      </div>
      <div className="space-y-1">
        <Label htmlFor="filter-actor">Person (actor id)</Label>
        <div className="flex gap-1">
          <Input
            id="filter-actor"
            value={actor}
            maxLength={200}
            placeholder="e.g. dana.wu"
            onChange={(e) => setActor(e.target.value)}
          />
          <Button type="submit" size="sm" variant="outline" className="h-9">
            Apply
          </Button>
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-3 text-sm sm:col-span-3 lg:col-span-6">
        {filters.raisedAfter || filters.raisedBefore ? (
          <span data-testid="raised-between">
            Raised{' '}
            {filters.raisedAfter ? (
              <>
                from <LocalTime iso={filters.raisedAfter} />{' '}
              </>
            ) : null}
            {filters.raisedBefore ? (
              <>
                until <LocalTime iso={filters.raisedBefore} />
              </>
            ) : null}{' '}
            ·{' '}
            <Link
              href={alertsHref({ ...filters, raisedAfter: null, raisedBefore: null })}
              className="text-primary hover:underline"
            >
              any time
            </Link>
          </span>
        ) : null}
        <Link href="/alerts" className="text-primary hover:underline">
          Clear filters
        </Link>
      </div>
    </form>
  );
}
