'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Input, Label } from '@/components/ui/input';
import { cn } from '@/lib/utils';
import type { EvidenceFormValues, FieldName, ScopeKind } from '../form';

const SCOPE_OPTIONS: { value: ScopeKind; label: string; hint: string }[] = [
  { value: 'all', label: 'Every event', hint: 'Everything recorded in the period.' },
  {
    value: 'query',
    label: 'A search',
    hint: "In the events explorer's search language, e.g. field:salary offhours:true.",
  },
  { value: 'record', label: 'One record', hint: 'Every change to one record, by type and id.' },
  { value: 'person', label: 'One person', hint: 'Everything one person did, by their actor id.' },
];

/** A labelled text input whose error state and hints are wired for assistive technology. */
function Field({
  id,
  label,
  name,
  error,
  hint,
  className,
  ...input
}: {
  id: string;
  label: string;
  name: FieldName;
  error: { field: FieldName | null } | null;
  hint?: string;
} & Omit<React.ComponentProps<typeof Input>, 'id' | 'name'>) {
  const invalid = error?.field === name;
  return (
    <div className="space-y-1">
      <Label htmlFor={id}>{label}</Label>
      <Input
        id={id}
        name={name}
        aria-invalid={invalid || undefined}
        aria-describedby={
          [hint, invalid ? 'evidence-error' : null].filter(Boolean).join(' ') || undefined
        }
        className={className}
        {...input}
      />
    </div>
  );
}

/**
 * A plain HTML form posted to /evidence/export, so the browser itself downloads the bundle; the
 * only script is the convenience of choosing a scope by typing into its field. Errors come back
 * from the server with the field they are about.
 */
export function EvidenceForm({
  initial,
  error,
}: {
  initial: EvidenceFormValues;
  error: { message: string; field: FieldName | null } | null;
}) {
  const [scope, setScope] = useState<ScopeKind>(initial.scope);
  const [started, setStarted] = useState(false);

  return (
    <form
      action="/evidence/export"
      method="post"
      className="space-y-6"
      aria-labelledby="export-heading"
      onSubmit={() => setStarted(true)}
    >
      {error ? (
        <div
          role="alert"
          id="evidence-error"
          className="rounded-lg border border-destructive bg-destructive/10 p-3 text-sm"
          data-testid="evidence-error"
        >
          <p className="font-semibold text-destructive">Nothing was exported</p>
          <p>{error.message}</p>
        </div>
      ) : null}

      <fieldset className="space-y-3">
        <legend className="text-base font-semibold">Period</legend>
        <p id="period-hint" className="text-sm text-muted-foreground">
          Both times are in <strong>UTC</strong> (not your local time zone): events that occurred
          from the start up to, but not including, the end. The default is the last 30 days.
        </p>
        <div className="flex flex-wrap gap-4">
          <Field
            id="evidence-from"
            label="From (UTC)"
            name="from"
            error={error}
            hint="period-hint"
            type="datetime-local"
            step={1}
            required
            defaultValue={initial.from}
            className="w-64"
          />
          <Field
            id="evidence-to"
            label="To (UTC)"
            name="to"
            error={error}
            hint="period-hint"
            type="datetime-local"
            step={1}
            required
            defaultValue={initial.to}
            className="w-64"
          />
        </div>
      </fieldset>

      <fieldset className="space-y-3">
        <legend className="text-base font-semibold">Scope</legend>
        <div className="space-y-3">
          {SCOPE_OPTIONS.map((o) => (
            <div
              key={o.value}
              className={cn(
                'space-y-2 rounded-lg border p-3',
                scope === o.value && 'border-primary',
              )}
            >
              <div className="flex items-start gap-2">
                <input
                  type="radio"
                  id={`scope-${o.value}`}
                  name="scope"
                  value={o.value}
                  checked={scope === o.value}
                  onChange={() => setScope(o.value)}
                  aria-describedby={`scope-${o.value}-hint`}
                  className="mt-0.5 size-4 accent-primary"
                />
                <div>
                  <Label htmlFor={`scope-${o.value}`}>{o.label}</Label>
                  <p id={`scope-${o.value}-hint`} className="text-sm text-muted-foreground">
                    {o.hint}
                  </p>
                </div>
              </div>
              {o.value === 'query' ? (
                <div className="pl-6">
                  <Field
                    id="evidence-q"
                    label="Search"
                    error={error}
                    name="q"
                    defaultValue={initial.q}
                    maxLength={2000}
                    onFocus={() => setScope('query')}
                    className="font-mono"
                  />
                </div>
              ) : null}
              {o.value === 'record' ? (
                <div className="flex flex-wrap gap-4 pl-6">
                  <Field
                    id="evidence-record-type"
                    label="Record type"
                    name="record_type"
                    error={error}
                    defaultValue={initial.recordType}
                    maxLength={200}
                    placeholder="employee"
                    onFocus={() => setScope('record')}
                    className="w-48"
                  />
                  <Field
                    id="evidence-record-id"
                    label="Record id"
                    name="record_id"
                    error={error}
                    defaultValue={initial.recordId}
                    maxLength={500}
                    placeholder="emp-1042"
                    onFocus={() => setScope('record')}
                    className="w-64"
                  />
                </div>
              ) : null}
              {o.value === 'person' ? (
                <div className="pl-6">
                  <Field
                    id="evidence-person"
                    label="Actor id"
                    error={error}
                    name="person"
                    defaultValue={initial.person}
                    maxLength={500}
                    onFocus={() => setScope('person')}
                    className="w-80 font-mono"
                  />
                </div>
              ) : null}
            </div>
          ))}
        </div>
      </fieldset>

      <fieldset className="space-y-3">
        <legend className="text-base font-semibold">Contents</legend>
        <div className="flex items-start gap-2">
          <input
            type="checkbox"
            id="evidence-alerts"
            name="alerts"
            value="on"
            defaultChecked={initial.alerts}
            aria-describedby="alerts-hint"
            className="mt-0.5 size-4 accent-primary"
          />
          <div>
            <Label htmlFor="evidence-alerts">Include alerts and their review history</Label>
            <p id="alerts-hint" className="text-sm text-muted-foreground">
              The alerts about these events (for every event: those raised in the period) and every
              triage step taken on them.
            </p>
          </div>
        </div>
        <div className="space-y-1">
          <p id="sample-hint" className="text-sm text-muted-foreground">
            Optional: draw a reproducible sample of the changes in scope instead of exporting all of
            them. Anyone can redraw it from the seed; leave the seed empty for a random one.
          </p>
          <div className="flex flex-wrap gap-4">
            <Field
              id="evidence-sample-size"
              label="Sample size"
              name="sample_size"
              error={error}
              hint="sample-hint"
              type="number"
              min={1}
              max={10000}
              step={1}
              defaultValue={initial.sampleSize}
              className="w-36"
            />
            <Field
              id="evidence-sample-seed"
              label="Seed (hex, optional)"
              name="sample_seed"
              error={error}
              hint="sample-hint"
              defaultValue={initial.sampleSeed}
              maxLength={128}
              pattern="[0-9a-fA-F]*"
              className="w-72 font-mono"
            />
          </div>
        </div>
      </fieldset>

      <div className="space-y-2">
        <Button type="submit">Export evidence bundle</Button>
        <p role="status" className="text-sm text-muted-foreground empty:hidden">
          {started
            ? 'Export started: your browser saves the bundle (a .zip file) when it is ready. A large period takes a while.'
            : null}
        </p>
      </div>
    </form>
  );
}
