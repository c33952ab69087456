'use client';

import { useEffect, useState } from 'react';

const utcFormat = (iso: string) => iso.replace('T', ' ').slice(0, 19) + ' UTC';

/**
 * A timestamp in the viewer's own time zone, with the UTC instant on hover. The server renders
 * UTC (it cannot know the viewer's zone); the browser switches to local time once mounted.
 */
export function LocalTime({ iso, withSeconds = true }: { iso: string; withSeconds?: boolean }) {
  const [local, setLocal] = useState<string | null>(null);
  useEffect(() => {
    const format = new Intl.DateTimeFormat(undefined, {
      year: 'numeric',
      month: 'short',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      second: withSeconds ? '2-digit' : undefined,
      timeZoneName: 'short',
    });
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the zone is only known in the browser
    setLocal(format.format(new Date(iso)));
  }, [iso, withSeconds]);
  return (
    <time dateTime={iso} title={utcFormat(iso)} className="whitespace-nowrap tabular-nums">
      {local ?? utcFormat(iso)}
    </time>
  );
}
