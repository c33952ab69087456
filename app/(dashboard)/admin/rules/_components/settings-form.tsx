'use client';

import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { Input, Label } from '@/components/ui/input';
import { DAY_NAMES, formatHour } from '@/lib/detection/schedule-text';
import { saveSettingsAction } from '../actions';

type Values = {
  timeZone: string;
  days: number[];
  startHour: number;
  endHour: number;
  holidays: string;
  sensitiveFields: string;
  adminActors: string;
  schedules: string;
};

const hourOf = (text: string) => {
  const [h, m] = text.split(':').map(Number);
  return (h ?? NaN) + (m ?? 0) / 60;
};

function TextList({
  id,
  label,
  hint,
  value,
  onChange,
  rows = 4,
}: {
  id: string;
  label: string;
  hint: string;
  value: string;
  onChange: (v: string) => void;
  rows?: number;
}) {
  return (
    <div className="space-y-1">
      <Label htmlFor={id}>{label}</Label>
      <textarea
        id={id}
        rows={rows}
        aria-describedby={`${id}-hint`}
        className="w-full rounded-md border border-input bg-background px-3 py-1 font-mono text-sm"
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      <p id={`${id}-hint`} className="text-xs text-muted-foreground">
        {hint}
      </p>
    </div>
  );
}

export function SettingsForm({ initial }: { initial: Values }) {
  const [v, setV] = useState(initial);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [pending, start] = useTransition();
  const set = <K extends keyof Values>(key: K, value: Values[K]) => setV({ ...v, [key]: value });

  return (
    <form
      className="space-y-4 rounded-lg border bg-card p-4"
      aria-label="Detection settings"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const result = await saveSettingsAction(v);
          setMessage(
            result.ok
              ? { kind: 'ok', text: `Saved (${result.data.changed.join(', ')} changed).` }
              : { kind: 'error', text: result.error },
          );
        });
      }}
    >
      <fieldset className="space-y-3">
        <legend className="font-medium">Organisation working hours</legend>
        <p className="text-sm text-muted-foreground">
          For anyone without a personal schedule below. Activity outside them, on other days and on
          holidays counts as off-hours.
        </p>
        <div className="flex flex-wrap items-end gap-4">
          <div className="space-y-1">
            <Label htmlFor="s-zone">Time zone</Label>
            <Input
              id="s-zone"
              value={v.timeZone}
              onChange={(e) => set('timeZone', e.target.value)}
              className="w-56"
            />
          </div>
          <div className="space-y-1">
            <Label htmlFor="s-start">Start</Label>
            <Input
              id="s-start"
              type="time"
              value={formatHour(v.startHour)}
              onChange={(e) => set('startHour', hourOf(e.target.value))}
            />
          </div>
          <div className="space-y-1">
            <Label htmlFor="s-end">End</Label>
            <Input
              id="s-end"
              type="time"
              value={formatHour(Math.min(v.endHour, 23.99))}
              onChange={(e) => set('endHour', hourOf(e.target.value))}
            />
          </div>
          <div className="flex gap-2" role="group" aria-label="Working days">
            {DAY_NAMES.map((name, i) => (
              <label key={name} className="flex items-center gap-1 text-sm">
                <input
                  type="checkbox"
                  checked={v.days.includes(i + 1)}
                  onChange={(e) =>
                    set(
                      'days',
                      e.target.checked
                        ? [...v.days, i + 1].sort()
                        : v.days.filter((d) => d !== i + 1),
                    )
                  }
                />
                {name}
              </label>
            ))}
          </div>
        </div>
      </fieldset>
      <div className="grid gap-4 lg:grid-cols-2">
        <TextList
          id="s-schedules"
          label="Personal schedules"
          hint="One person per line: actor id, time zone, days, hours — e.g. u-0045, America/New_York, Mon-Fri, 08:00-16:00"
          value={v.schedules}
          onChange={(x) => set('schedules', x)}
          rows={8}
        />
        <TextList
          id="s-holidays"
          label="Holidays"
          hint="One date per line (YYYY-MM-DD), in each person's own time zone."
          value={v.holidays}
          onChange={(x) => set('holidays', x)}
          rows={8}
        />
        <TextList
          id="s-fields"
          label="Sensitive fields"
          hint="One field name per line (case-insensitive), e.g. salary, bank_account."
          value={v.sensitiveFields}
          onChange={(x) => set('sensitiveFields', x)}
        />
        <TextList
          id="s-admins"
          label="Administrators of the source systems"
          hint="Actor ids allowed to grant access; a grant by anyone else is critical."
          value={v.adminActors}
          onChange={(x) => set('adminActors', x)}
        />
      </div>
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={pending}>
          Save settings
        </Button>
        {message ? (
          <p
            role={message.kind === 'error' ? 'alert' : 'status'}
            className={message.kind === 'error' ? 'text-sm text-destructive' : 'text-sm'}
          >
            {message.text}
          </p>
        ) : null}
      </div>
    </form>
  );
}
