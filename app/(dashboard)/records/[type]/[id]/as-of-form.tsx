'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Input, Label } from '@/components/ui/input';

/** Picks a moment in the viewer's own zone; the URL carries it as a UTC instant. */
export function AsOfForm({ value }: { value: string }) {
  const router = useRouter();
  const [local, setLocal] = useState(() => {
    if (!value || Number.isNaN(Date.parse(value))) return '';
    const d = new Date(value);
    return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  });
  return (
    <form
      className="flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        if (!local) return;
        router.push(`?asof=${encodeURIComponent(new Date(local).toISOString())}`);
      }}
    >
      <div className="space-y-1">
        <Label htmlFor="asof">As of</Label>
        <Input
          id="asof"
          type="datetime-local"
          value={local}
          onChange={(e) => setLocal(e.target.value)}
          className="w-56"
        />
      </div>
      <Button type="submit" variant="outline">
        Show values
      </Button>
    </form>
  );
}
