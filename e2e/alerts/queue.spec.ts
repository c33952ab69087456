import { DEMO, e2eDb, expect, storageStateFor, test } from '../fixtures';
import {
  alertAuditEvents,
  alertRow,
  createAlert,
  createAlerts,
  demoUser,
  shownIds,
  unique,
} from './helpers';

const queueUrl = (params: Record<string, string>) => `/alerts?${new URLSearchParams(params)}`;

test.describe('alert queue', () => {
  test.use({ storageState: storageStateFor('reviewer') });

  test('filters live in the URL with counts per status; back/forward and a copied link reproduce the view', async ({
    page,
    browser,
  }) => {
    const me = await demoUser(DEMO.reviewer);
    const actorId = unique('queue');
    const base = { actorId, actorName: 'Quinn Queue' };
    const high = await createAlert({ ...base, severity: 'high', rule: 'mass_delete' });
    const lows = await createAlerts(2, { ...base, severity: 'low' });
    const mine = await createAlert({
      ...base,
      severity: 'low',
      status: 'acknowledged',
      assigneeId: me.id,
    });
    const acked = await createAlert({ ...base, status: 'acknowledged' });
    const resolved = await createAlert({ ...base, status: 'resolved' });
    const snoozed = await createAlert({
      ...base,
      snoozedUntil: new Date(Date.now() + 86_400_000),
    });

    const counts = page.getByRole('navigation', { name: 'Status' });
    const count = (status: string) => counts.getByTestId(`count-${status}`);
    await page.goto(queueUrl({ actor: actorId }));
    await expect(count('active')).toHaveText('5');
    await expect(count('open')).toHaveText('3');
    await expect(count('acknowledged')).toHaveText('2');
    await expect(count('resolved')).toHaveText('1');
    await expect(count('all')).toHaveText('6');
    // Newest first; snoozed and resolved alerts are not in the default view.
    expect(await shownIds(page)).toEqual([acked, mine, ...[...lows].reverse(), high]);

    const filters = page.getByRole('form', { name: 'Alert filters' });
    await filters.getByLabel('Severity').selectOption('high');
    await expect(page).toHaveURL(/severity=high/);
    await expect.poll(() => shownIds(page)).toEqual([high]);
    await expect(count('active')).toHaveText('1');
    await expect(count('acknowledged')).toHaveText('0');

    await counts.getByRole('link', { name: /^Resolved/ }).click();
    await expect(page).toHaveURL(/status=resolved/);
    await expect(page.getByText('No resolved alerts match these filters.')).toBeVisible();

    await page.goBack();
    await expect(page).not.toHaveURL(/status=/);
    await expect.poll(() => shownIds(page)).toEqual([high]);
    await expect(filters.getByLabel('Severity')).toHaveValue('high');
    await page.goBack();
    await expect(page).not.toHaveURL(/severity=/);
    await expect.poll(() => shownIds(page)).toHaveLength(5);
    await expect(filters.getByLabel('Severity')).toHaveValue('');
    await page.goForward();
    await expect.poll(() => shownIds(page)).toEqual([high]);

    await page.goto(queueUrl({ actor: actorId }));
    await filters.getByLabel('Assignee').selectOption('me');
    await expect(page).toHaveURL(/assignee=me/);
    await expect.poll(() => shownIds(page)).toEqual([mine]);

    await filters.getByLabel('Snoozed').selectOption('only');
    await expect(page).toHaveURL(/snoozed=only/);
    await expect(page.getByText('No open alerts match these filters.')).toBeVisible();
    await filters.getByLabel('Assignee').selectOption('');
    await expect.poll(() => shownIds(page)).toEqual([snoozed]);

    await page.goto(queueUrl({ actor: actorId, status: 'all', snoozed: 'show' }));
    const all = await shownIds(page);
    expect(all.sort()).toEqual([high, ...lows, mine, acked, resolved, snoozed].sort());
    const context = await browser.newContext({ storageState: storageStateFor('reviewer') });
    const copy = await context.newPage();
    await copy.goto(page.url());
    expect((await shownIds(copy)).sort()).toEqual(all);
    await expect(
      copy.getByRole('form', { name: 'Alert filters' }).getByLabel('Snoozed'),
    ).toHaveValue('show');
    await context.close();

    // The actor filter is typed; the empty state says what it means.
    await page.goto('/alerts');
    await filters.getByLabel('Person (actor id)').fill(unique('nobody'));
    await filters.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/actor=e2e-nobody/);
    await expect(page.getByText('No open alerts match these filters.')).toBeVisible();
  });

  test('an invalid filter in the URL shows the parser’s message, not an error page', async ({
    page,
  }) => {
    for (const [query, message] of [
      ['severity=extreme', 'Unknown severity "extreme": use one of low, medium, high, critical.'],
      ['status=deleted', 'Unknown status "deleted"'],
      ['rule=%3Cscript%3E', 'Unknown rule "<script>"'],
      ['assignee=%27%20OR%20%271%27%3D%271', 'Unknown assignee: use me, none or a user id.'],
      ['actor=' + 'x'.repeat(201), 'The actor must be at most 200 characters.'],
      ['after=-1', 'The page marker "after" must be an alert id'],
    ] as const) {
      const response = await page.goto(`/alerts?${query}`);
      expect(response?.status(), query).toBe(200);
      await expect(page.getByTestId('filter-error')).toContainText(message);
    }
    await page.getByRole('link', { name: 'Clear filters' }).click();
    await expect(page).toHaveURL(/\/alerts$/);
    await expect(page.getByRole('navigation', { name: 'Status' })).toBeVisible();
  });

  test('keyset paging moves by id both ways', async ({ page }) => {
    const actorId = unique('paging');
    const ids = await createAlerts(60, { actorId });
    const newestFirst = [...ids].reverse();
    await page.goto(queueUrl({ actor: actorId }));
    expect(await shownIds(page)).toEqual(newestFirst.slice(0, 50));
    await expect(page.getByRole('link', { name: '← Newer' })).toHaveCount(0);
    await page.getByRole('link', { name: 'Older →' }).click();
    await expect(page).toHaveURL(new RegExp(`after=${newestFirst[49]}`));
    await expect.poll(() => shownIds(page)).toEqual(newestFirst.slice(50));
    await expect(page.getByRole('link', { name: 'Older →' })).toHaveCount(0);
    await page.getByRole('link', { name: '← Newer' }).click();
    await expect(page).toHaveURL(new RegExp(`before=${newestFirst[50]}`));
    await expect.poll(() => shownIds(page)).toEqual(newestFirst.slice(0, 50));
  });

  test('select all matching acknowledges every matching alert, beyond the page, and says what was skipped', async ({
    page,
  }) => {
    const actorId = unique('bulk');
    const open = await createAlerts(60, { actorId, rule: 'burst' });
    const [already] = await createAlerts(1, { actorId, status: 'acknowledged' });
    // About the signed-in reviewer's own changes: segregation of duties skips it.
    const own = await createAlert({ actorId, actorEmail: DEMO.reviewer });
    const outside = await createAlert({ actorId: unique('elsewhere') });

    await page.goto(queueUrl({ actor: actorId }));
    await expect(page.locator('tbody tr[data-alert-id]')).toHaveCount(50);
    const bulk = page.getByRole('region', { name: 'Bulk actions' });
    await page.getByRole('checkbox', { name: 'Select every alert on this page' }).check();
    await expect(bulk.getByTestId('selection-count')).toHaveText('50 selected.');
    await bulk.getByRole('button', { name: 'Select all 62 alerts matching these filters' }).click();
    await expect(bulk.getByTestId('selection-count')).toHaveText(
      'All 62 alerts matching these filters are selected.',
    );
    await bulk.getByRole('button', { name: 'Acknowledge' }).click();
    await expect(page.getByTestId('bulk-result')).toHaveText(
      '60 acknowledged; 1 skipped: about your own changes; 1 skipped: already acknowledged',
    );
    await expect(
      page.getByRole('navigation', { name: 'Status' }).getByTestId('count-open'),
    ).toHaveText('1');

    const [counts] = await e2eDb().$client<{ acknowledged: number; open: number }[]>`
      select count(*) filter (where status = 'acknowledged')::int as acknowledged,
             count(*) filter (where status = 'open')::int as open
      from alerts where actor_id = ${actorId}`;
    expect(counts).toEqual({ acknowledged: 61, open: 1 });
    expect((await alertRow(own)).status).toBe('open');
    expect((await alertRow(outside)).status).toBe('open');
    for (const id of [open[0]!, open[59]!]) {
      const events = await alertAuditEvents(id);
      expect(events.map((e) => [e.action, e.actor_email, e.metadata.bulk])).toEqual([
        ['alert.acknowledge', DEMO.reviewer, true],
      ]);
      expect(events[0]!.changes).toEqual([{ field: 'status', old: 'open', new: 'acknowledged' }]);
    }
    expect((await alertAuditEvents(already!)).map((e) => e.action)).toEqual([]);
    const refused = await alertAuditEvents(own);
    expect(refused.map((e) => [e.action, e.outcome, e.metadata.attempted])).toEqual([
      ['alert.triage_refused', 'failure', 'acknowledge'],
    ]);
  });

  test('bulk assign, then resolve the selected rows; an expected change needs a ticket', async ({
    page,
  }) => {
    const compliance = await demoUser(DEMO.compliance_officer);
    const actorId = unique('bulk-rows');
    const [a, b, c] = await createAlerts(3, { actorId });
    await page.goto(queueUrl({ actor: actorId }));
    const bulk = page.getByRole('region', { name: 'Bulk actions' });
    await page.getByRole('checkbox', { name: `Select alert #${a}` }).check();
    await page.getByRole('checkbox', { name: `Select alert #${b}` }).check();
    await expect(bulk.getByTestId('selection-count')).toHaveText('2 selected.');
    // Everything matching fits on this page: no "select all matching" offer.
    await expect(bulk.getByRole('button', { name: /Select all/ })).toHaveCount(0);
    await bulk.getByLabel('Assign to').selectOption({ label: compliance.name });
    await bulk.getByRole('button', { name: 'Assign', exact: true }).click();
    await expect(page.getByTestId('bulk-result')).toHaveText('2 assigned');
    await expect(page.locator(`tr[data-alert-id="${a}"]`)).toContainText(compliance.name);
    expect((await alertRow(a!)).assignee_id).toBe(compliance.id);
    expect((await alertRow(c!)).assignee_id).toBeNull();

    await page.getByRole('checkbox', { name: `Select alert #${a}` }).check();
    await page.getByRole('checkbox', { name: `Select alert #${b}` }).check();
    await bulk.getByRole('button', { name: 'Resolve…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Disposition').selectOption('expected_change');
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    await expect(page.getByTestId('bulk-result')).toHaveText(
      '0 resolved; 2 skipped: An expected change needs the ticket or approval reference',
    );
    expect((await alertRow(a!)).status).toBe('open');

    await page.getByRole('checkbox', { name: `Select alert #${a}` }).check();
    await page.getByRole('checkbox', { name: `Select alert #${b}` }).check();
    await bulk.getByRole('button', { name: 'Resolve…' }).click();
    await dialog.getByLabel('Disposition').selectOption('expected_change');
    await dialog.getByLabel(/Ticket or approval reference/).fill('CHG-2041');
    await dialog.getByLabel(/Note/).fill('Approved reorganisation');
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('bulk-result')).toHaveText('2 resolved');
    await expect.poll(() => shownIds(page)).toEqual([c]);
    for (const id of [a!, b!]) {
      expect(await alertRow(id)).toMatchObject({
        status: 'resolved',
        disposition: 'expected_change',
        ticket: 'CHG-2041',
      });
      const events = await alertAuditEvents(id);
      expect(events.map((e) => e.action)).toEqual(['alert.assign', 'alert.resolve']);
      expect(events[1]!.reason).toBe('Approved reorganisation');
    }
  });
});

test.describe('alert queue for an auditor', () => {
  test.use({ storageState: storageStateFor('auditor') });

  test('an auditor sees the queue but no selection or bulk actions', async ({ page }) => {
    const actorId = unique('auditor-queue');
    const id = await createAlert({ actorId, summary: 'Seen by the auditor' });
    await page.goto(queueUrl({ actor: actorId }));
    await expect(page.locator(`tr[data-alert-id="${id}"]`)).toContainText('Seen by the auditor');
    await expect(page.getByRole('region', { name: 'Bulk actions' })).toHaveCount(0);
    await expect(page.getByRole('checkbox')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Acknowledge' })).toHaveCount(0);
    await expect(
      page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }),
    ).toBeVisible();
  });
});
