'use client';

import Link from 'next/link';
import { useState, useTransition } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Input, Label, NativeSelect } from '@/components/ui/input';
import { LocalTime } from '@/components/ui/local-time';
import { SEVERITIES, type RuleId, type Severity } from '@/lib/detection/types';
import { backtestRuleAction, saveRuleAction } from '../actions';

export type RuleView = {
  id: RuleId;
  name: string;
  description: string;
  defaultSeverity: Severity;
  defaults: Record<string, unknown>;
  config: { enabled: boolean; severity: Severity; params: Record<string, unknown> };
  activeAlerts: number;
  totalAlerts: number;
};

type Backtest = Extract<Awaited<ReturnType<typeof backtestRuleAction>>, { ok: true }>['data'];

/** "minCount" → "Min count". */
const label = (key: string) =>
  key
    .replace(/([a-z0-9])([A-Z])/g, (_, a: string, b: string) => `${a} ${b.toLowerCase()}`)
    .replace(/_/g, ' ')
    .replace(/^./, (c) => c.toUpperCase());

/** Form text for a parameter value, and back (by the default's type). */
function toText(value: unknown): string {
  return Array.isArray(value) ? value.join('\n') : String(value ?? '');
}
function fromText(text: string, like: unknown): unknown {
  if (typeof like === 'number') return text.trim() === '' ? NaN : Number(text);
  if (Array.isArray(like))
    return text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
  return text;
}

export function RuleEditor({ rule }: { rule: RuleView }) {
  const [open, setOpen] = useState(false);
  const [enabled, setEnabled] = useState(rule.config.enabled);
  const [severity, setSeverity] = useState<Severity>(rule.config.severity);
  const [params, setParams] = useState<Record<string, unknown>>(rule.config.params);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [backtest, setBacktest] = useState<Backtest | null>(null);
  const [pending, start] = useTransition();
  const input = () => ({ rule: rule.id, enabled, severity, params });
  const headingId = `rule-${rule.id}`;

  const save = () =>
    start(async () => {
      const result = await saveRuleAction(input());
      setMessage(
        result.ok
          ? { kind: 'ok', text: `Saved (${result.data.changed.join(', ')} changed).` }
          : { kind: 'error', text: result.error },
      );
    });
  const runBacktest = () =>
    start(async () => {
      setBacktest(null);
      const result = await backtestRuleAction(input());
      if (result.ok) {
        setBacktest(result.data);
        setMessage(null);
      } else setMessage({ kind: 'error', text: result.error });
    });

  return (
    <article aria-labelledby={headingId} className="rounded-lg border bg-card" data-rule={rule.id}>
      <div className="flex flex-wrap items-center gap-3 p-4">
        <div className="min-w-64 flex-1">
          <h3 id={headingId} className="font-medium">
            {rule.name} {rule.config.enabled ? null : <Badge variant="secondary">off</Badge>}
          </h3>
          <p className="text-sm text-muted-foreground">{rule.description}</p>
        </div>
        <Link
          href={`/alerts?rule=${rule.id}`}
          className="text-sm text-muted-foreground hover:underline"
        >
          {rule.activeAlerts} active / {rule.totalAlerts} alerts
        </Link>
        <Badge variant="outline">{rule.config.severity}</Badge>
        <Button
          variant="outline"
          size="sm"
          aria-expanded={open}
          aria-controls={`${headingId}-form`}
          onClick={() => setOpen(!open)}
        >
          {open ? 'Close' : 'Edit'}
        </Button>
      </div>
      {open ? (
        <form
          id={`${headingId}-form`}
          className="space-y-4 border-t p-4"
          onSubmit={(e) => {
            e.preventDefault();
            save();
          }}
        >
          <div className="flex flex-wrap gap-6">
            <label className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={enabled}
                onChange={(e) => setEnabled(e.target.checked)}
              />
              Enabled
            </label>
            <div className="space-y-1">
              <Label htmlFor={`${headingId}-severity`}>Severity</Label>
              <NativeSelect
                id={`${headingId}-severity`}
                value={severity}
                onChange={(e) => setSeverity(e.target.value as Severity)}
              >
                {SEVERITIES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </NativeSelect>
            </div>
          </div>
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {Object.entries(rule.defaults).map(([key, like]) => {
              const id = `${headingId}-${key}`;
              const value = params[key];
              if (typeof like === 'boolean')
                return (
                  <label key={key} className="flex items-center gap-2 text-sm">
                    <input
                      type="checkbox"
                      checked={Boolean(value)}
                      onChange={(e) => setParams({ ...params, [key]: e.target.checked })}
                    />
                    {label(key)}
                  </label>
                );
              return (
                <div key={key} className="space-y-1">
                  <Label htmlFor={id}>{label(key)}</Label>
                  {Array.isArray(like) ? (
                    <textarea
                      id={id}
                      rows={3}
                      className="w-full rounded-md border border-input bg-background px-3 py-1 font-mono text-sm"
                      value={toText(value)}
                      onChange={(e) =>
                        setParams({ ...params, [key]: fromText(e.target.value, like) })
                      }
                    />
                  ) : (
                    <Input
                      id={id}
                      inputMode={typeof like === 'number' ? 'decimal' : undefined}
                      value={typeof value === 'number' && Number.isNaN(value) ? '' : toText(value)}
                      onChange={(e) =>
                        setParams({ ...params, [key]: fromText(e.target.value, like) })
                      }
                    />
                  )}
                  <p className="text-xs text-muted-foreground">Default: {toText(like) || '—'}</p>
                </div>
              );
            })}
          </div>
          <div className="flex flex-wrap items-center gap-2">
            <Button type="submit" disabled={pending}>
              Save
            </Button>
            <Button type="button" variant="outline" disabled={pending} onClick={runBacktest}>
              {pending ? 'Working…' : 'Backtest last 30 days'}
            </Button>
            <Button
              type="button"
              variant="ghost"
              onClick={() => {
                setSeverity(rule.defaultSeverity);
                setParams(rule.defaults);
              }}
            >
              Reset to defaults
            </Button>
          </div>
          {message ? (
            <p
              role={message.kind === 'error' ? 'alert' : 'status'}
              className={message.kind === 'error' ? 'text-sm text-destructive' : 'text-sm'}
            >
              {message.text}
            </p>
          ) : null}
          {backtest ? <BacktestResult result={backtest} /> : null}
        </form>
      ) : null}
    </article>
  );
}

function BacktestResult({ result }: { result: Backtest }) {
  return (
    <section aria-label="Backtest result" className="space-y-2 rounded-md border p-3">
      <p className="text-sm" data-testid="backtest-summary">
        With these settings the rule would have raised <strong>{result.total}</strong> alert
        {result.total === 1 ? '' : 's'} over {result.evaluated.toLocaleString('en-US')} events
        {result.capped ? ' (the latest events of the window; the cap was reached)' : ''} from{' '}
        <LocalTime iso={new Date(result.from).toISOString()} /> to now, in{' '}
        {result.seconds.toFixed(1)} s. Under the current settings it raised {result.currentAlerts}{' '}
        in that time.
      </p>
      {result.incidents.length ? (
        <ol className="max-h-96 space-y-1 overflow-y-auto text-sm">
          {result.incidents.map((i) => (
            <li key={i.dedupeKey} className="flex flex-wrap gap-2 border-t pt-1">
              <Badge variant="outline">{i.severity}</Badge>
              <LocalTime iso={new Date(i.last).toISOString()} />
              <span className="flex-1">{i.summary}</span>
              {i.alreadyRaised ? <Badge variant="secondary">raised already</Badge> : null}
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}
