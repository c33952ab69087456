import { mkdirSync, readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { Page } from '@playwright/test';
import type { DemoManifest } from '@/lib/demo';
import { e2eDb, expect, storageStateFor, test } from '../fixtures';

const manifest = () =>
  JSON.parse(readFileSync('.data/e2e/demo-manifest.json', 'utf8')) as DemoManifest;
const SHOTS = 'e2e/screenshots';

/** The explorer's search, as the link put it. */
const searchOf = (page: Page) => new URL(page.url()).searchParams.get('q') ?? '';
/** The explorer's "N matching events" (exact below its cap of 1,000). */
async function explorerCount(page: Page): Promise<number> {
  const text = (await page.getByTestId('event-count').textContent()) ?? '';
  expect(text).not.toMatch(/\+|≈/);
  return Number(text.replace(/[^\d]/g, ''));
}
const number = (text: string | null) => Number((text ?? '').replace(/[^\d]/g, ''));

test.use({ storageState: storageStateFor('compliance_officer') });

test.describe('overview', () => {
  test('the planted Saturday 02:00 salary edits stand out on the heatmap, one click from their events', async ({
    page,
  }) => {
    const incident = manifest().incidents.find((i) => i.kind === 'offhours_salary_edit')!;
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    // Default: the last 30 days, changes outside each person's working hours.
    await expect(page.getByRole('link', { name: 'Last 30 days' })).toHaveAttribute(
      'aria-current',
      'page',
    );
    const heatmap = page.getByRole('table', { name: /by hour of week/ });
    const cell = heatmap.getByTestId('heat-6-2');
    await expect(cell).toHaveAttribute('data-unusual', 'true');
    expect(Number(await cell.getAttribute('data-value'))).toBeGreaterThanOrEqual(6);
    // It names who: the person behind the planted edits, against their own history.
    const person = manifest().people.find((p) => p.id === incident.actorId)!;
    await expect(cell).toHaveAccessibleName(
      new RegExp(
        `^Saturday 02:00–02:59: \\d+ changes outside working hours — unusual: ${person.name} made \\d+`,
      ),
    );
    // Listed among the unusual hours, by name. Not necessarily first: the other tests' own
    // dashboard actions are events too, made now, and when the suite runs outside the demo
    // people's working hours (a weekday at 18:00 UTC, say) their hour is unusual as well.
    const unusual = page.getByRole('list', { name: 'Unusual hours' });
    const planted = unusual.getByRole('listitem').filter({ hasText: 'Sat 02:00' });
    await expect(planted).toHaveCount(1);
    await expect(planted).toContainText(person.name);

    mkdirSync(SHOTS, { recursive: true });
    await page.locator('.recharts-bar-rectangle').first().waitFor();
    await page.screenshot({ path: `${SHOTS}/overview-30d-light.png`, fullPage: true });

    await cell.click();
    await expect(page).toHaveURL(/\/events\?q=/);
    expect(searchOf(page)).toMatch(
      /^weekday:sat hour:2 after:\d{4}-\d{2}-\d{2} before:\d{4}-\d{2}-\d{2}$/,
    );
    const rows = page.locator('tbody tr[data-event-id]');
    await expect(rows.first()).toBeVisible();
    const count = await rows.count();
    for (let i = 0; i < count; i++)
      await rows
        .nth(i)
        .getByRole('button', { name: /Show details/ })
        .click();
    for (const id of incident.eventIds.filter((id) => id.startsWith('hris')))
      await expect(page.getByText(id, { exact: true })).toBeVisible();
  });

  test('the headline numbers are the store’s, and each links to its view', async ({ page }) => {
    await page.goto('/?range=7d');
    const label = await page.getByTestId('range-label').textContent();
    const [, first, last] = /(\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})/.exec(label ?? '')!;
    const from = `${first}T00:00:00Z`;
    const to = new Date(Date.parse(`${last}T00:00:00Z`) + 86_400_000).toISOString();
    const count = async (sourcesOnly: boolean) => {
      const [row] = await e2eDb().execute<{ n: number }>(sql`
        select count(*)::int as n from audit_events e join audit_streams s on s.id = e.stream_id
         where e.occurred_at >= ${from}::timestamptz and e.occurred_at < ${to}::timestamptz
           and (${!sourcesOnly} or s.kind = 'source')`);
      return row!.n;
    };
    const before = await count(true);
    const shown = number(await page.getByTestId('events-in-range').textContent());
    const after = await count(false);
    // Every source event is counted; the dashboard's own newest events may still be on their way.
    expect(shown).toBeGreaterThanOrEqual(before);
    expect(shown).toBeLessThanOrEqual(after);
    expect(shown).toBeGreaterThan(0);

    await page.getByTestId('events-in-range').click();
    await expect(page).toHaveURL(/\/events\?q=/);
    expect(searchOf(page)).toBe(`after:${first} before:${to.slice(0, 10)}`);

    await page.goto('/?range=7d');
    const open = page.getByRole('list', { name: 'Open alerts by severity' });
    const high = number(await open.getByTestId('open-high').textContent());
    await open.getByTestId('open-high').click();
    await expect(page).toHaveURL(/\/alerts\?severity=high&snoozed=show$/);
    await expect(page.getByRole('heading', { name: 'Alerts' })).toBeVisible();
    // The queue shows exactly that severity.
    if (high > 0) {
      const rows = page.locator('tbody tr');
      await expect(rows.first()).toBeVisible();
      for (const text of await rows.allTextContents()) expect(text).toContain('High');
    }
  });

  test('a bar of activity by source opens exactly its events, by table link and by mouse', async ({
    page,
  }) => {
    await page.goto('/');
    const card = page.getByTestId('activity-by-source');
    await card.getByText('Show as a table').click();
    const table = card.getByRole('table', { name: /Events by source per day/ });
    const header = await table.locator('thead th').allTextContents();
    const hris = header.indexOf('hris');
    expect(hris).toBeGreaterThan(0);
    // The newest day with hris events.
    const link = table
      .locator('tbody tr')
      .filter({ has: page.locator(`td:nth-child(${hris + 1}) a`) })
      .last()
      .locator(`td:nth-child(${hris + 1}) a`);
    const expected = number(await link.textContent());
    await link.click();
    await expect(page).toHaveURL(/\/events\?q=/);
    expect(searchOf(page)).toMatch(
      /^source:hris after:\d{4}-\d{2}-\d{2} before:\d{4}-\d{2}-\d{2}$/,
    );
    expect(await explorerCount(page)).toBe(expected);

    // The same with the mouse on the tallest bar of this chart (the alert charts have bars too).
    await page.goBack();
    const bars = card.locator('.recharts-bar-rectangle path');
    await bars.first().waitFor();
    const boxes = await bars.evaluateAll((els) =>
      els.map((el) => {
        const r = el.getBoundingClientRect();
        return r.width * r.height;
      }),
    );
    await bars.nth(boxes.indexOf(Math.max(...boxes))).click();
    await expect(page).toHaveURL(/\/events\?q=source%3A/);
    expect(searchOf(page)).toMatch(/^source:\S+ after:\S+ before:\S+$/);
    expect(await explorerCount(page)).toBeGreaterThan(0);

    // A ▲ on the time axis opens its alert (or, for several, the queue of their rule).
    await page.goBack();
    const mark = page.locator('path[data-mark-index]').first();
    await mark.click();
    await expect(page).toHaveURL(/\/alerts(\/\d+|\?status=all)/);

    // The backlog's points open the queue.
    await page.goto('/');
    const backlog = page.getByTestId('chart-backlog');
    await backlog.getByText('Show as a table').click();
    await backlog.locator('tbody a').last().click();
    await expect(page).toHaveURL(/\/alerts$/);
  });

  test('actors, records, fields and alerts open their filtered views', async ({ page }) => {
    await page.goto('/');
    // Top actor → the explorer for that actor in the range, with the count shown.
    const top = page.getByTestId('top-actors').locator('tbody tr').first();
    const events = number(await top.locator('td').nth(2).textContent());
    await top.getByRole('link').first().click();
    await expect(page).toHaveURL(/\/events\?q=actor/);
    expect(searchOf(page)).toMatch(/^actor:"[^"]+" after:\S+ before:\S+$/);
    if (events < 1000) expect(await explorerCount(page)).toBe(events);

    // Unusual actor: the planted mass deletion's person is busier than their own baseline.
    await page.goto('/');
    const deleter = manifest().incidents.find((i) => i.kind === 'mass_delete')!;
    const unusual = page.getByTestId('unusual-actors');
    await expect(unusual.getByText(deleter.actorId!, { exact: true })).toBeVisible();

    // Most-changed record → its timeline.
    const record = page.getByTestId('top-records').locator('tbody tr').first();
    const [type, id] = (await record.locator('.font-mono').textContent())!.split('/');
    await record.getByRole('link').first().click();
    await expect(page).toHaveURL(/\/records\//);
    expect(new URL(page.url()).pathname).toBe(
      `/records/${encodeURIComponent(type!)}/${encodeURIComponent(id!)}`,
    );

    // Most-changed field → the explorer for events that changed it in the range.
    await page.goto('/');
    const field = page.getByTestId('top-fields').getByRole('link').first();
    const name = (await field.textContent())!;
    await field.click();
    await expect(page).toHaveURL(/\/events\?q=field/);
    expect(searchOf(page).startsWith(`field:"${name}" after:`)).toBe(true);
    await expect(page.getByRole('cell', { name, exact: true }).first()).toBeVisible();

    // An alert of the range → its page.
    await page.goto('/');
    const alert = page
      .getByRole('list', { name: 'Alerts in this range' })
      .getByRole('link')
      .first();
    await alert.click();
    await expect(page).toHaveURL(/\/alerts\/\d+$/);

    // Raised by rule → the queue for that rule, raised within exactly the range shown.
    await page.goto('/');
    const raised = page.getByTestId('chart-raised');
    await raised.getByText('Show as a table').click();
    await raised.locator('tbody a').first().click();
    await expect(page).toHaveURL(
      /\/alerts\?status=all&rule=[a-z_]+&snoozed=show&raisedAfter=[^&]+&raisedBefore=[^&]+$/,
    );
    const url = new URL(page.url());
    const [after, before] = ['raisedAfter', 'raisedBefore'].map((k) => url.searchParams.get(k)!);
    expect(Date.parse(before!) - Date.parse(after!)).toBeGreaterThanOrEqual(29 * 86_400_000);
    await expect(page.getByRole('table').getByRole('row').nth(1)).toBeVisible();
  });

  test('the range picker and the heatmap toggle live in the URL; the grid works by keyboard', async ({
    page,
  }) => {
    await page.goto('/');
    await page.getByRole('link', { name: 'Last 7 days' }).click();
    await expect(page).toHaveURL(/\/\?range=7d$/);
    await expect(page.getByTestId('range-label')).toContainText('Last 7 days');

    await page.getByRole('link', { name: 'All activity' }).click();
    await expect(page).toHaveURL(/\/\?range=7d&heat=all#off-hours$/);
    await expect(page.getByRole('table', { name: 'Changes by hour of week' })).toBeVisible();

    await page.getByLabel('From (UTC)').fill('2026-01-05');
    await page.getByLabel('To (UTC)').fill('2026-01-11');
    await page.getByRole('button', { name: 'Apply range' }).click();
    await expect(page).toHaveURL(/from=2026-01-05&to=2026-01-11&heat=all/);
    await expect(page.getByTestId('range-label')).toContainText('5 Jan 2026 – 11 Jan 2026');

    // The heatmap is one tab stop; arrows move, Enter opens.
    await page.goto('/');
    const grid = page.getByRole('table', { name: /by hour of week/ });
    const start = grid.locator('a[tabindex="0"]');
    await start.focus();
    const from = await start.getAttribute('data-testid');
    await page.keyboard.press('ArrowRight');
    const next = await page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
    const [, d, h] = /heat-(\d)-(\d+)/.exec(from!)!;
    expect(next).toBe(`heat-${d}-${Math.min(23, Number(h) + 1)}`);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/events\?q=weekday/);
  });

  test('empty ranges say what to do; dark mode screenshots', async ({ page }) => {
    mkdirSync(SHOTS, { recursive: true });
    await page.goto('/?from=2001-01-01&to=2001-01-31');
    await expect(page.getByTestId('no-activity')).toContainText('Pick a longer range');
    await expect(page.getByText('Nothing to compare with').first()).toBeVisible();
    await expect(page.getByText('No alerts were raised in this range.')).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/overview-empty.png`, fullPage: true });

    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto('/');
    await page.locator('.recharts-bar-rectangle').first().waitFor();
    await page.screenshot({ path: `${SHOTS}/overview-30d-dark.png`, fullPage: true });
    await page.goto('/?range=24h&heat=all');
    await expect(page.getByTestId('range-label')).toContainText('Last 24 hours');
    await page.screenshot({ path: `${SHOTS}/overview-24h-dark.png`, fullPage: true });
  });

  test('a bad parameter is explained, not an error page', async ({ page }) => {
    const response = await page.goto('/?range=1y&review=0');
    expect(response?.status()).toBe(200);
    await expect(page.getByRole('status').filter({ hasText: 'Unknown range' })).toBeVisible();
    await expect(page.getByTestId('range-label')).toContainText('Last 30 days');
  });
});
