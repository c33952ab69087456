import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { DemoManifest } from '@/lib/demo';
import { e2eDb, expect, storageStateFor, test } from '../fixtures';

/** Streams whose newest events the detection engine has not evaluated yet. */
async function streamsBehind(): Promise<number> {
  const [row] = await e2eDb().execute<{ n: number }>(sql`
    select count(*)::int as n from audit_streams s
    left join detection_cursors c on c.stream_id = s.id
    where s.kind = 'source' and s.head_seq > coalesce(c.seq, 0)`);
  return row!.n;
}

test.use({ storageState: storageStateFor('compliance_officer') });

test('every planted demo incident raises its alert, and the alert shows the incident', async ({
  page,
}) => {
  const manifest = JSON.parse(
    readFileSync(path.join('.data', 'e2e', 'demo-manifest.json'), 'utf8'),
  ) as DemoManifest;
  expect(manifest.incidents.length).toBe(7);
  // The server's engine catches up over the demo data in the background after the first start.
  await expect.poll(streamsBehind, { timeout: 60_000 }).toBe(0);

  for (const incident of manifest.incidents) {
    const [alert] = await e2eDb().execute<{ id: number; summary: string }>(sql`
      select a.id::int as id, a.summary from alerts a
      where a.rule = ${incident.expectedAlert} and exists (
        select 1 from alert_events ae
        join audit_events e on e.id = ae.event_id and e.occurred_at = ae.occurred_at
        where ae.alert_id = a.id
          and e.source_event_id in (${sql.join(
            incident.eventIds.map((id) => sql`${id}`),
            sql`, `,
          )}))
      order by a.id limit 1`);
    expect(
      alert,
      `${incident.id} (${incident.kind}) should raise ${incident.expectedAlert}`,
    ).toBeTruthy();

    await page.goto(`/alerts/${alert!.id}`);
    await expect(page.getByText(alert!.summary).first()).toBeVisible();
  }

  // And the queue lists them under their rules.
  await page.goto(`/alerts?status=all&rule=mass_export`);
  await expect(page.getByRole('table').getByRole('row')).not.toHaveCount(1);
});
